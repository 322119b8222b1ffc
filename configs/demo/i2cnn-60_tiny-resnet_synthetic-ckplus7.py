# I2CNN-60 at demo scale on synthetic CK+, 7 classes (peak frames and first frames as
# neutral); data as for the 6-class demo.
_base_ = ['./i2cnn-60_tiny-resnet_synthetic-ckplus6.py']

dataset = dict(
    ann_file='ckplus7.csv',
    classes=('neutral', 'anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise'))
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = val_dataloader
model = dict(head=dict(num_classes=7))
