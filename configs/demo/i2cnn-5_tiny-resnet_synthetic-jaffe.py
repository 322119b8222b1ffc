# I2CNN-5 at demo scale: the five local patches of the I2CNN-60 demo.
_base_ = ['./i2cnn-60_tiny-resnet_synthetic-jaffe.py']

patches = dict(
    type='FacePatches', regions={{_base_.i2cnn_local_regions}}, patch_size=32, crop_size=28)
train_dataloader = dict(
    batch_size=16,
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(patches, random_crop=True),
        dict(type='PackInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[dict(type='LoadImageFromFile'), patches,
                           dict(type='PackInputs')]))
test_dataloader = val_dataloader
