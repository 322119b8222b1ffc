# I2CNN-60 on CK+, 6 classes (paper: 98.3 %).
_base_ = [
    '../_base_/models/i2cnn_alexnet.py',
    '../_base_/datasets/ckplus6_i2cnn.py',
    '../_base_/schedules/i2cnn_sgd.py',
    '../_base_/fmpn_runtime.py',
]

custom_imports = dict(imports=['mmfmpn'], allow_failed_imports=False)

model = dict(head=dict(num_classes=6))
