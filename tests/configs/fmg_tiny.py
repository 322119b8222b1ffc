# Stage 1 of fmpn_tiny.py: its tiny mask generator and 28 px data, judged by
# the mask error (as configs/fmpn/fmg_inceptionv3_ckplus.py).
_base_ = ['./fmpn_tiny.py']

model = dict(
    _delete_=True,
    type='MotionMaskGeneratorModel',
    data_preprocessor=dict(type='FMPNDataPreprocessor'),
    mask_generator=dict(type='FacialMotionMaskGenerator', base_channels=8, num_res_blocks=1),
    mask_loss=dict(type='MotionMaskLoss', loss_weight=10.0))
val_evaluator = dict(type='MotionMaskError', _delete_=True)
test_evaluator = val_evaluator
optim_wrapper = dict(paramwise_cfg=None)  # stage 1: the FMG at the full lr
