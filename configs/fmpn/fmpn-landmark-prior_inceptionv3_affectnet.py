# FMPN on AffectNet with per-image masks: half the borrowed CK+ class mask, half a
# landmark prior map from the image's own 68 landmarks (annotations.csv).
_base_ = ['./fmpn_inceptionv3_affectnet.py']

landmark_prior = dict(type='LandmarkPriorMask', sigma_ratio=0.2, blend=0.5)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    landmark_prior,
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(320, 320)),
            dict(type='RandomFiveCrop', crop_size=299),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    landmark_prior,
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(320, 320)),
            dict(type='CenterCrop', crop_size=299),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
