# FMPN stage 1 on MMI (frontal videos): the CK+ stage 1 on MMI's six classes.
_base_ = ['./fmg_inceptionv3_ckplus.py', '../_base_/datasets/mmi.py']

train_dataloader = val_dataloader = test_dataloader = dict(dataset=_base_.mmi)
