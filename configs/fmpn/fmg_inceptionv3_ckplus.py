# FMPN stage 1 on CK+: train the facial-motion mask generator alone.
_base_ = [
    '../_base_/models/fmpn_inceptionv3.py',
    '../_base_/datasets/ckplus_fmpn.py',
    '../_base_/schedules/fmg_300e.py',
    '../_base_/fmpn_runtime.py',
]

model = dict(phase='mask_generator')
train_dataloader = dict(batch_size=32)
# Accuracy means nothing before stage 2: judge the masks.
val_evaluator = dict(type='MotionMaskError', _delete_=True)
test_evaluator = val_evaluator
