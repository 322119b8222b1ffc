# Stage 2 of the fast FMPN (configs/fmpn/fmpn-fast_inceptionv3_ckplus.py) on the
# synthetic CK+ of `make demo`, after fmg-fast_inceptionv3_synthetic-ckplus.py.
_base_ = ['./fmpn_inceptionv3_synthetic-ckplus.py', '../_base_/models/fmpn_fast.py']

model = dict(
    mask_generator=dict(
        _base_.fast_mask_generator,
        init_cfg=dict(checkpoint='work_dirs/demo/kfold-fast/fold_{fold}/stage1/epoch_4.pth')),
    fusion=_base_.fast_fusion)
