# The paper's "CNN baseline" row: Inception V3 alone on the same CK+ folds.
_base_ = [
    '../_base_/models/fmpn_inceptionv3.py',
    '../_base_/datasets/ckplus_fmpn.py',
    '../_base_/schedules/fmpn_200e.py',
    '../_base_/fmpn_runtime.py',
]

# FMPN's classifier network and head, without the prior: mmpretrain's classifier.
model = dict(
    _delete_=True,
    type='ImageClassifier',
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True),
    backbone=_base_.model.backbone,
    neck=None,
    head=_base_.model.head)
# Same augmentation as FMPN, without the masks.
train_pipeline = [dict(type='LoadImageFromFile'), *_base_.train_geometry, dict(type='PackInputs')]
test_pipeline = [dict(type='LoadImageFromFile'), *_base_.test_geometry, dict(type='PackInputs')]
train_dataloader = dict(batch_size=16, dataset=dict(mask_dir=None, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(mask_dir=None, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ), _delete_=True)
test_evaluator = val_evaluator
