# FMPN with VGG-16 (BN) as the classifier network; global pooling + a linear
# head instead of VGG's 224-px-only fully connected classifier.
_base_ = ['./fmpn_inceptionv3_ckplus.py', '../_base_/models/linear_head.py']

model = dict(
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    head=dict(_delete_=True, **_base_.linear_head, in_channels=512),
    backbone=dict(
        _delete_=True,
        type='VGG',
        depth=16,
        norm_cfg=dict(type='BN'),
        init_cfg=dict(
            type='Pretrained',
            prefix='backbone',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'vgg/vgg16_bn_batch256_imagenet_20210208-7e55cd29.pth')))
