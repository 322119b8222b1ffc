# FMPN stage 2 on MMI (frontal videos): joint training from the stage-1
# checkpoint of the same fold, six classes.
_base_ = ['./fmpn_inceptionv3_ckplus.py', '../_base_/datasets/mmi.py']

stage1_checkpoint = 'work_dirs/fmg_inceptionv3_mmi/fold_{fold}/epoch_300.pth'
model = dict(
    backbone=dict(num_classes=6), mask_generator=dict(init_cfg=dict(checkpoint=stage1_checkpoint)))
# Every split of the CK+ config, on MMI (same fold and split names).
train_dataloader = val_dataloader = test_dataloader = dict(dataset=_base_.mmi)
