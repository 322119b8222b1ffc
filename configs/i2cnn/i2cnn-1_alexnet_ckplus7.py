# I2CNN-1: one global patch, the whole face (the plain CNN baseline), then the SVM.
_base_ = ['./i2cnn-60_alexnet_ckplus7.py']

patches = dict(
    type='FacePatches',
    regions=[{{_base_.i2cnn_face_region}}],
    patch_size={{_base_.i2cnn_patch_size}},
    crop_size={{_base_.i2cnn_crop_size}})
train_dataloader = dict(
    batch_size=32,  # faces = patches
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(patches, random_crop=True),
        dict(type='PackInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[dict(type='LoadImageFromFile'), patches,
                           dict(type='PackInputs')]))
test_dataloader = val_dataloader
