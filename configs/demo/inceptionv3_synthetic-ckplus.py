# The "CNN baseline" row on the synthetic CK+ of `make demo`: the baseline
# config at the demo's size and schedule (see fmpn_inceptionv3_synthetic-ckplus.py).
_base_ = ['../baselines/inceptionv3_ckplus.py']

data_root = 'work_dirs/demo/ckplus'
num_epochs = 12

model = dict(backbone=dict(init_cfg=None))  # offline: no ImageNet download

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(80, 80)),
    dict(type='RandomFiveCrop', crop_size=75),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(80, 80)),
    dict(type='CenterCrop', crop_size=75),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    # At 75 px Inception V3 ends at 1x1: a last batch of one image would give
    # its batch norms a single value per channel (folds of 16k+1 faces).
    drop_last=True,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
param_scheduler = dict(begin=num_epochs // 2, end=num_epochs)
train_cfg = dict(max_epochs=num_epochs, val_interval=num_epochs)
default_hooks = dict(checkpoint=dict(interval=num_epochs))
