# CK+ in I2CNN's 7-class protocol: the 6-class faces plus each sequence's first frame as
# neutral (OUT/i2cnn/ckplus7.csv of `prepare_ckplus.py ... --i2cnn`).
_base_ = ['./ckplus6_i2cnn.py']

ckplus_classes = ('neutral', 'anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise')
dataset = dict(ann_file='ckplus7.csv', classes=ckplus_classes)
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = val_dataloader
