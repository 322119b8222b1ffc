# CK+ in I2CNN's 6-class protocol: the last three (peak) frames of the sequences labelled
# with a basic emotion (no contempt), as written by
# `tools/dataset_converters/prepare_ckplus.py ... --i2cnn` into OUT/i2cnn/; folds from the
# subjects (the rule of the FMPN folds).
_base_ = ['./jaffe_i2cnn.py']

dataset_type = 'FERAnnotationDataset'
data_root = 'data/ckplus/i2cnn'
ckplus_classes = ('anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise')
dataset = dict(
    type=dataset_type, data_root=data_root, ann_file='ckplus6.csv', classes=ckplus_classes)
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = val_dataloader
