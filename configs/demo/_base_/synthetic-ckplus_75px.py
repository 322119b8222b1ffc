# What the `make demo` configs share: the synthetic CK+ folder and the paper's
# 320 -> 299 five-crop augmentation scaled to 80 -> 75 (Inception V3's minimum).
# Names are prefixed so they do not clash with the CK+ configs' own keys.
demo_data_root = 'work_dirs/demo/ckplus'

demo_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(80, 80)),
            dict(type='RandomFiveCrop', crop_size=75),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
demo_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(80, 80)),
            dict(type='CenterCrop', crop_size=75),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
