# I2CNN-60 at demo scale on synthetic CK+, 6 classes (peak frames). Make the data with
#   python tools/dataset_converters/make_synthetic_ckplus.py work_dirs/demo/ckplus_raw
#   python tools/dataset_converters/prepare_ckplus.py work_dirs/demo/ckplus_raw \
#       work_dirs/demo/ckplus --i2cnn
_base_ = ['./i2cnn-60_tiny-resnet_synthetic-jaffe.py', '../_base_/datasets/ckplus_i2cnn.py']

dataset = dict(_base_.ckplus6_i2cnn, data_root='work_dirs/demo/ckplus/i2cnn')
train_dataloader = dict(dataset=dataset)
val_dataloader = test_dataloader = dict(dataset=dataset)
model = dict(head=dict(num_classes=6))
