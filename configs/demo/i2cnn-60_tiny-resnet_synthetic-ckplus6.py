# I2CNN-60 at demo scale on synthetic CK+, 6 classes (peak frames). Make the data with
#   python tools/dataset_converters/make_synthetic_ckplus.py work_dirs/demo/ckplus_raw
#   python tools/dataset_converters/prepare_ckplus.py work_dirs/demo/ckplus_raw \
#       work_dirs/demo/ckplus --i2cnn
_base_ = ['./i2cnn-60_tiny-resnet_synthetic-jaffe.py']

data_root = 'work_dirs/demo/ckplus/i2cnn'
dataset = dict(
    type='FERAnnotationDataset',
    data_root=data_root,
    ann_file='ckplus6.csv',
    classes=('anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise'))
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = val_dataloader
model = dict(head=dict(num_classes=6))
