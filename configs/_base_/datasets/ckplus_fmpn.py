# CK+ in the FMPN authors' layout (tools/dataset_converters/prepare_ckplus.py
# and tools/make_masks.py write it). `tools/train.py --fold K --data-root DIR`
# changes the fold and the folder of every split below.
dataset_type = 'CKPlusDataset'
data_root = 'data/ckplus'
fold = 0

# The paper's augmentation: resize to 320, one of the five 299 crops, flip.
# The broadcaster gives the face and its class mask the very same geometry.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
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
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(320, 320)),
            dict(type='CenterCrop', crop_size=299),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        fold=fold,
        split='train',
        pipeline=train_pipeline))
# CK+ has no validation split: the protocol evaluates each fold's test
# subjects (the authors report the last epoch).
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        fold=fold,
        split='test',
        pipeline=test_pipeline))
val_evaluator = [dict(type='Accuracy', topk=(1, )), dict(type='MotionMaskError')]

test_dataloader = val_dataloader
test_evaluator = val_evaluator
