# The paper's "CNN baseline" row: Inception V3 alone on the same CK+ folds.
_base_ = [
    'mmpretrain::_base_/models/inception_v3.py',
    '../_base_/datasets/ckplus_fmpn.py',
    '../_base_/schedules/fmpn_200e.py',
    '../_base_/fmpn_runtime.py',
]

custom_imports = dict(imports=['mmfmpn'], allow_failed_imports=False)

model = dict(
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        num_classes=7,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'inception-v3/inception-v3_3rdparty_8xb32_in1k_20220615-dcd4d910'
            '.pth',
            prefix='backbone')),
    head=dict(topk=(1, )))
# Same augmentation as FMPN, without the masks.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(320, 320)),
    dict(type='RandomFiveCrop', crop_size=299),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(320, 320)),
    dict(type='CenterCrop', crop_size=299),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=16, dataset=dict(mask_dir=None, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(mask_dir=None, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ), _delete_=True)
test_evaluator = val_evaluator
