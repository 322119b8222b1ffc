# I2CNN-5: the five local patches (one scale, no flips) of I2CNN-60.
_base_ = ['./i2cnn-60_alexnet_ckplus6.py']

patches = dict(
    type='FacePatches',
    regions={{_base_.i2cnn_local_regions}},
    patch_size={{_base_.i2cnn_patch_size}},
    crop_size={{_base_.i2cnn_crop_size}})
train_dataloader = dict(
    batch_size=16,  # faces; 80 patches
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(patches, random_crop=True),
        dict(type='PackInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[dict(type='LoadImageFromFile'), patches,
                           dict(type='PackInputs')]))
test_dataloader = val_dataloader
