# FMPN stage 1: the facial-motion mask generator (FMG) alone, with its mask
# loss. Its checkpoints hold `mask_generator.*` only; every stage-2 config
# (any backbone) takes them through `mask_generator.init_cfg`.
custom_imports = dict(imports=['mmfmpn'], allow_failed_imports=False)

model = dict(
    type='MotionMaskGeneratorModel',
    data_preprocessor=dict(type='FMPNDataPreprocessor'),
    mask_generator=dict(type='FacialMotionMaskGenerator'),
    # lambda1: the paper's 10; the authors' released code used 0.1.
    mask_loss=dict(type='MotionMaskLoss', loss_weight=10.0),
)
