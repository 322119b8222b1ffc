# The real stage-2 config with a tiny ResNet and 28 px inputs: runs in seconds.
_base_ = ['../../configs/fmpn/fmpn_resnet50_ckplus.py']

model = dict(
    # Trained from scratch; tests give it a stage-1 checkpoint when needed.
    mask_generator=dict(base_channels=8, num_res_blocks=1, init_cfg=None),
    backbone=dict(
        _delete_=True, type='ResNet', depth=18, stem_channels=8, base_channels=8,
        out_indices=(3, )),
    head=dict(in_channels=64, topk=(1, 5)))
# The CK+ pipelines at 32 -> 28 px (the broadcaster's transforms).
tiny_train_geometry = [
    dict(type='Resize', scale=(32, 32)),
    dict(type='RandomFiveCrop', crop_size=28),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
tiny_test_geometry = [dict(type='Resize', scale=(32, 32)), dict(type='CenterCrop', crop_size=28)]
train_pipeline = [
    dict(step, transforms=tiny_train_geometry) if step.type == 'MotionMaskBroadcaster' else step
    for step in _base_.train_pipeline
]
test_pipeline = [
    dict(step, transforms=tiny_test_geometry) if step.type == 'MotionMaskBroadcaster' else step
    for step in _base_.test_pipeline
]
train_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=False, dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=False, dataset=dict(pipeline=test_pipeline))
train_cfg = dict(max_epochs=2, val_interval=1)
param_scheduler = dict(begin=1, end=2)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=3))
