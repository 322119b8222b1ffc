# Stage 1 of fmpn_tiny.py: the same tiny model and 28 px data, mask generator
# only, judged by the mask error (as configs/fmpn/fmg_inceptionv3_ckplus.py).
_base_ = ['./fmpn_tiny.py']

model = dict(phase='mask_generator')
val_evaluator = dict(type='MotionMaskError', _delete_=True)
test_evaluator = val_evaluator
optim_wrapper = dict(paramwise_cfg=None)  # stage 1: the FMG at the full lr
