# The real stage-2 config with a tiny ResNet and 28 px inputs: runs in seconds.
_base_ = ['../../configs/fmpn/fmpn_inceptionv3_ckplus.py']

model = dict(
    # Trained from scratch; tests give it a stage-1 checkpoint when needed.
    mask_generator=dict(base_channels=8, num_res_blocks=1, init_cfg=None),
    backbone=dict(
        _delete_=True, type='ResNet', depth=18, stem_channels=8, base_channels=8,
        out_indices=(3, )),
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    head=dict(
        _delete_=True,
        type='LinearClsHead',
        num_classes=7,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(32, 32)),
            dict(type='RandomFiveCrop', crop_size=28),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(32, 32)),
            dict(type='CenterCrop', crop_size=28),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
train_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=False, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=False, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=2, val_interval=1)
param_scheduler = dict(begin=1, end=2)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=3))
