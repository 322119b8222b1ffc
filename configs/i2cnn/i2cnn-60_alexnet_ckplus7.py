# I2CNN-60 on CK+, 7 classes with the first frames as neutral (paper: 96.2 %).
_base_ = [
    '../_base_/models/i2cnn_alexnet.py',
    '../_base_/datasets/ckplus7_i2cnn.py',
    '../_base_/schedules/i2cnn_sgd.py',
    '../_base_/fmpn_runtime.py',
]

custom_imports = dict(imports=['mmfmpn'], allow_failed_imports=False)

model = dict(head=dict(num_classes=7))
