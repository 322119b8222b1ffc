# FMPN stage 1 on Oulu-CASIA (VIS, strong light): the CK+ stage 1 on its six classes.
_base_ = ['./fmg_inceptionv3_ckplus.py', '../_base_/datasets/oulu-casia.py']

train_dataloader = val_dataloader = test_dataloader = dict(dataset=_base_.oulu_casia)
