# FMPN with ConvNeXt-Tiny as the classifier network (it pools its own features).
_base_ = ['./fmpn_inceptionv3_ckplus.py', '../_base_/models/linear_head.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvNeXt',
        arch='tiny',
        drop_path_rate=0.1,
        init_cfg=dict(
            type='Pretrained',
            prefix='backbone',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'convnext/convnext-tiny_32xb128_in1k_20221207-998cf3e9.pth')),
    head=dict(_delete_=True, **_base_.linear_head, in_channels=768))
