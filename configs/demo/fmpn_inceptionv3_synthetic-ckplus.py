# FMPN stage 2 on the synthetic CK+ of `make demo` (tools/demo_ckplus.py):
# the CK+ config at 75 px (Inception V3's minimum) with a short schedule.
_base_ = [
    '../fmpn/fmpn_inceptionv3_ckplus.py',
    './_base_/synthetic-ckplus_75px.py',
]

num_epochs = 12
model = dict(
    mask_generator=dict(
        working_size=_base_.demo_fmg_working_size,
        # Where `make demo` leaves stage 1; tools/kfold.py passes the path.
        init_cfg=dict(checkpoint='work_dirs/demo/kfold/fold_{fold}/stage1/epoch_4.pth')),
    backbone=dict(init_cfg=None))  # offline: no ImageNet download
# The CK+ pipelines with the demo's sizes (the broadcaster's transforms).
train_pipeline = [
    dict(step, transforms=_base_.demo_train_geometry)
    if step.type == 'MotionMaskBroadcaster' else step for step in _base_.train_pipeline
]
test_pipeline = [
    dict(step, transforms=_base_.demo_test_geometry)
    if step.type == 'MotionMaskBroadcaster' else step for step in _base_.test_pipeline
]
train_dataloader = _base_.demo_train_dataloader
train_dataloader.dataset.pipeline = train_pipeline
val_dataloader = test_dataloader = _base_.demo_val_dataloader
val_dataloader.dataset.pipeline = test_pipeline
# The CK+ schedule's shape (constant, then linear decay to 0 over the second
# half), shortened.
param_scheduler = dict(begin=num_epochs // 2, end=num_epochs)
train_cfg = dict(max_epochs=num_epochs, val_interval=num_epochs)
default_hooks = dict(checkpoint=dict(interval=num_epochs))
