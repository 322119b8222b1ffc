# FMPN stage 2 on CK+: joint training from the stage-1 checkpoint.
_base_ = [
    '../_base_/models/fmpn_inceptionv3.py',
    '../_base_/datasets/ckplus_fmpn.py',
    '../_base_/schedules/fmpn_200e.py',
    '../_base_/fmpn_runtime.py',
]

train_dataloader = dict(batch_size=16)
# tools/train.py fills in {fold}; tools/kfold.py passes the exact path.
load_from = 'work_dirs/fmg_inceptionv3_ckplus/fold_{fold}/epoch_300.pth'
