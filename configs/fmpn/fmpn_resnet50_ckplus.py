# FMPN with ResNet-50 as the classifier network. Stage 1 trains only the mask
# generator, so the Inception V3 stage-1 checkpoint serves every backbone.
_base_ = ['./fmpn_inceptionv3_ckplus.py', '../_base_/models/linear_head.py']

model = dict(
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    head=dict(_delete_=True, **_base_.linear_head, in_channels=2048),
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        init_cfg=dict(
            type='Pretrained',
            prefix='backbone',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth')))
