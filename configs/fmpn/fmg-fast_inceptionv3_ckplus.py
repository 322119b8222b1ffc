# FMPN stage 1 on CK+, fast: the small mask generator of
# configs/_base_/models/fmpn_fast.py, which fmpn-fast_inceptionv3_ckplus.py
# shares to load this stage's checkpoint.
_base_ = ['./fmg_inceptionv3_ckplus.py', '../_base_/models/fmpn_fast.py']

model = dict(mask_generator=_base_.fast_mask_generator)
# 10x the faithful stage 1's LR: at 1e-4 this 16x narrower generator learns
# too slowly per step (synthetic CK+, README "Cost of the motion prior").
# Stage 2 keeps the paper's 1e-5 for the generator.
optim_wrapper = dict(optimizer=dict(lr=1e-3))
