# FMPN stage 1 on the synthetic CK+ of `make demo` (tools/demo_ckplus.py):
# the CK+ config at 75 px (Inception V3's minimum) with a short schedule.
_base_ = [
    '../fmpn/fmg_inceptionv3_ckplus.py',
    './_base_/synthetic-ckplus_75px.py',
]

data_root = {{_base_.demo_data_root}}
train_pipeline = {{_base_.demo_train_pipeline}}
test_pipeline = {{_base_.demo_test_pipeline}}
# Masks carry little detail: generating them at 24 px cuts most of the cost.
fmg_working_size = 24
num_epochs = 4

model = dict(mask_generator=dict(working_size=fmg_working_size))

# Loading 70 px faces is cheap next to a step; workers would only compete
# with the model for the 2 cores.
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    # Whole batches only, as stage 2 (fmpn_inceptionv3_synthetic-ckplus.py).
    drop_last=True,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader

# The CK+ schedule's shape (constant, then linear decay to 0 over the second
# half), shortened.
param_scheduler = dict(begin=num_epochs // 2, end=num_epochs)
train_cfg = dict(max_epochs=num_epochs, val_interval=num_epochs)
default_hooks = dict(checkpoint=dict(interval=num_epochs))
