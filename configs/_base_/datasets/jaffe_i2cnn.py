# JAFFE as written by tools/dataset_converters/prepare_jaffe.py, cut into I2CNN-60's
# patches (10 regions x 3 scales x 2 flips). `tools/kfold.py --data-root DIR` and
# `tools/train.py --fold K` change the folder and the fold of every split.
_base_ = ['../i2cnn_patches.py']

dataset_type = 'JAFFEDataset'
data_root = 'data/jaffe'
fold = 0

train_pipeline = _base_.i2cnn_pipelines.i2cnn60.train
test_pipeline = _base_.i2cnn_pipelines.i2cnn60.test

train_dataloader = dict(
    batch_size=8,  # faces; 480 patches
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type=dataset_type, data_root=data_root, fold=fold, split='train', pipeline=train_pipeline))
# No validation split in the protocol: "val" is the fold's test faces (the training
# loader's settings, unshuffled), scored by the CNN alone (mean patch score); the fold's
# result is the SVM's (svm_stage).
val_dataloader = dict(
    train_dataloader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(train_dataloader['dataset'], split='test', pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
