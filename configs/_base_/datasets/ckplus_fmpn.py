# CK+ in the FMPN authors' layout (tools/dataset_converters/prepare_ckplus.py
# and tools/make_masks.py write it). `tools/train.py --fold K --data-root DIR`
# changes the fold and the folder of every split below.
#
# The FMPN pipeline, defined here once for every dataset: load the face and the
# motion mask of its class, give both the very same geometry (the broadcaster),
# pack the mask with the face. Configs at other sizes replace the broadcaster's
# `transforms` (configs/demo/_base_/synthetic-ckplus_75px.py); configs that
# make the mask from landmarks insert LandmarkPriorMask after LoadMotionMask.
#
# The paper's augmentation: resize to 320, one of the five 299 crops, flip.
train_geometry = [
    dict(type='Resize', scale=(320, 320)),
    dict(type='RandomFiveCrop', crop_size=299),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
test_geometry = [
    dict(type='Resize', scale=(320, 320)),
    dict(type='CenterCrop', crop_size=299),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    dict(type='MotionMaskBroadcaster', transforms=train_geometry),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
# The same steps with the test geometry.
test_pipeline = [
    dict(step, transforms=test_geometry) if step['type'] == 'MotionMaskBroadcaster' else step
    for step in train_pipeline
]

ckplus = dict(type='CKPlusDataset', data_root='data/ckplus', fold=0)
# Whole batches only: a last batch of one image would give a batch norm one
# value per channel where the features end at 1x1 (Inception V3 at 75 px).
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(ckplus, split='train', pipeline=train_pipeline))
# CK+ has no validation split: the protocol evaluates each fold's test
# subjects (the authors report the last epoch).
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(ckplus, split='test', pipeline=test_pipeline))
val_evaluator = [dict(type='Accuracy', topk=(1, )), dict(type='MotionMaskError')]

test_dataloader = val_dataloader
test_evaluator = val_evaluator
