# I2CNN-5 at demo scale: the five local patches of the I2CNN-60 demo.
_base_ = ['./i2cnn-60_tiny-resnet_synthetic-jaffe.py']

train_dataloader = dict(batch_size=16, dataset=dict(pipeline=_base_.i2cnn_pipelines.i2cnn5.train))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=_base_.i2cnn_pipelines.i2cnn5.test))
