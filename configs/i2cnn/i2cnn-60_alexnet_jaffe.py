# I2CNN-60 on JAFFE (paper Table 4: 75.28 %): AlexNet shared by 60 patches per face, then
# an SVM on the 60 x 4096 features. `tools/kfold.py --stage2 THIS --data-root data/jaffe`
# trains, fits the SVM and tests every fold.
_base_ = [
    '../_base_/models/i2cnn_alexnet.py',
    '../_base_/datasets/jaffe_i2cnn.py',
    '../_base_/schedules/i2cnn_sgd.py',
    '../_base_/fmpn_runtime.py',
]

model = dict(head=dict(num_classes=7))
