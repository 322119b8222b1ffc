# I2CNN-60 on CK+, 7 classes with the first frames as neutral (paper: 96.2 %).
_base_ = ['./i2cnn-60_alexnet_ckplus6.py']

train_dataloader = dict(dataset=_base_.ckplus7_i2cnn)
val_dataloader = test_dataloader = dict(dataset=_base_.ckplus7_i2cnn)
model = dict(head=dict(num_classes=7))
