# I2CNN-60 at demo scale on synthetic CK+, 7 classes (peak frames and first frames as
# neutral); data as for the 6-class demo.
_base_ = ['./i2cnn-60_tiny-resnet_synthetic-ckplus6.py']

dataset = dict(ann_file=_base_.ckplus7_i2cnn.ann_file, classes=_base_.ckplus7_i2cnn.classes)
train_dataloader = dict(dataset=dataset)
val_dataloader = test_dataloader = dict(dataset=dataset)
model = dict(head=dict(num_classes=7))
