# I2CNN-5: the five local patches (one scale, no flips) of I2CNN-60.
_base_ = ['./i2cnn-60_alexnet_ckplus7.py']

train_dataloader = dict(
    batch_size=16,  # faces; 80 patches
    dataset=dict(pipeline=_base_.i2cnn_pipelines.i2cnn5.train))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=_base_.i2cnn_pipelines.i2cnn5.test))
