# FMPN with the paper's classifier network (CN): Inception V3 from mmpretrain.
_base_ = ['mmpretrain::_base_/models/inception_v3.py']

custom_imports = dict(imports=['mmfmpn'], allow_failed_imports=False)

model = dict(
    type='FMPNClassifier',
    data_preprocessor=dict(type='FMPNDataPreprocessor'),
    mask_generator=dict(type='FacialMotionMaskGenerator'),
    fusion=dict(type='PriorFusionNet'),
    # lambda1: the paper's 10; the authors' released code used 0.1.
    mask_loss=dict(type='MotionMaskLoss', loss_weight=10.0),
    backbone=dict(
        num_classes=7,
        # ImageNet init; `model.backbone.init_cfg=None` switches it off.
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'inception-v3/inception-v3_3rdparty_8xb32_in1k_20220615-dcd4d910'
            '.pth',
            prefix='backbone')),
    # lambda2 is the CE loss weight.
    head=dict(loss=dict(loss_weight=1.0), topk=(1, )),
)
