# Stage 1 of the fast FMPN (configs/fmpn/fmg-fast_inceptionv3_ckplus.py) on the
# synthetic CK+ of `make demo`: its mask generator and learning rate on the
# demo's 75 px faces and short schedule. The fast-vs-faithful comparison of the
# README runs this against fmg_inceptionv3_synthetic-ckplus.py.
_base_ = ['./fmg_inceptionv3_synthetic-ckplus.py', '../_base_/models/fmpn_fast.py']

model = dict(mask_generator=_base_.fast_mask_generator)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
