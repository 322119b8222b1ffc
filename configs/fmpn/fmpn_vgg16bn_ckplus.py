# FMPN with VGG-16 (BN) in place of ResNet-50: the same pooled linear head over
# VGG's 512 channels instead of its 224-px-only fully connected classifier.
_base_ = ['./fmpn_resnet50_ckplus.py']

model = dict(
    head=dict(in_channels=512),
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
