# FMPN stage 1 on CK+: train the facial-motion mask generator alone (the name
# pairs it with its stage 2, fmpn_inceptionv3_ckplus.py; it holds no backbone).
_base_ = [
    '../_base_/models/fmg.py',
    '../_base_/datasets/ckplus_fmpn.py',
    '../_base_/schedules/fmg_300e.py',
    '../_base_/fmpn_runtime.py',
]

train_dataloader = dict(batch_size=32)
# Accuracy means nothing before stage 2: judge the masks.
val_evaluator = dict(type='MotionMaskError', _delete_=True)
test_evaluator = val_evaluator
