# I2CNN-1: one global patch, the whole face (the plain CNN baseline), then the SVM.
_base_ = ['./i2cnn-60_alexnet_ckplus6.py']

train_dataloader = dict(
    batch_size=32,  # faces = patches
    dataset=dict(pipeline=_base_.i2cnn_pipelines.i2cnn1.train))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=_base_.i2cnn_pipelines.i2cnn1.test))
