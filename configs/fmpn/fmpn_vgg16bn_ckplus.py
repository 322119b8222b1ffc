# FMPN with VGG-16 (BN) as the classifier network; global pooling + a linear
# head instead of VGG's 224-px-only fully connected classifier.
_base_ = ['./fmpn_inceptionv3_ckplus.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='VGG',
        depth=16,
        norm_cfg=dict(type='BN'),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'vgg/vgg16_bn_batch256_imagenet_20210208-7e55cd29.pth',
            prefix='backbone')),
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    head=dict(
        _delete_=True,
        type='LinearClsHead',
        num_classes=7,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        topk=(1, )))
