# FMPN stage 1 on CK+, fast: the mask generator works at 70x70, the detail of
# the ground-truth masks (the authors' are 70x70), with a quarter of the
# channels (16, 64 at the bottleneck): 0.13 GFLOPs and 0.38 M parameters per
# face instead of 38 GFLOPs and 6.0 M. Keep `model.mask_generator` identical
# in fmpn-fast_inceptionv3_ckplus.py, which loads this stage's checkpoint.
_base_ = ['./fmg_inceptionv3_ckplus.py']

model = dict(mask_generator=dict(working_size=70, base_channels=16))
# 10x the faithful stage 1's LR: at 1e-4 this 16x narrower generator learns
# too slowly per step (synthetic CK+, README "Cost of the motion prior").
# Stage 2 keeps the paper's 1e-5 for the generator.
optim_wrapper = dict(optimizer=dict(lr=1e-3))
