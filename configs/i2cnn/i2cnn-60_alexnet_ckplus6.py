# I2CNN-60 on CK+, 6 classes (paper: 98.3 %): the JAFFE config on CK+'s peak frames.
_base_ = ['./i2cnn-60_alexnet_jaffe.py', '../_base_/datasets/ckplus_i2cnn.py']

# Top-level names as the dataset the loaders read (the JAFFE config's are JAFFE's).
dataset_type, data_root = _base_.ckplus6_i2cnn.type, _base_.ckplus6_i2cnn.data_root
train_dataloader = dict(dataset=_base_.ckplus6_i2cnn)
val_dataloader = test_dataloader = dict(dataset=_base_.ckplus6_i2cnn)
model = dict(head=dict(num_classes=6))
