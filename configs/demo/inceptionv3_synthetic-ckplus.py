# The "CNN baseline" row on the synthetic CK+ of `make demo`: the baseline
# config at the demo's size and schedule (see fmpn_inceptionv3_synthetic-ckplus.py).
_base_ = [
    '../baselines/inceptionv3_ckplus.py',
    './_base_/synthetic-ckplus_75px.py',
]

num_epochs = 12
param_scheduler = dict(begin=num_epochs // 2, end=num_epochs)
train_cfg = dict(max_epochs=num_epochs, val_interval=num_epochs)
default_hooks = dict(checkpoint=dict(interval=num_epochs))
model = dict(backbone=dict(init_cfg=None))  # offline: no ImageNet download
train_pipeline = [
    dict(type='LoadImageFromFile'), *_base_.demo_train_geometry,
    dict(type='PackInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'), *_base_.demo_test_geometry,
    dict(type='PackInputs')
]
train_dataloader = _base_.demo_train_dataloader
train_dataloader.dataset.pipeline = train_pipeline
val_dataloader = test_dataloader = _base_.demo_val_dataloader
val_dataloader.dataset.pipeline = test_pipeline
