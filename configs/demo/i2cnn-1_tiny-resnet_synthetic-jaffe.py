# I2CNN-1 at demo scale: the whole-face patch of the I2CNN-60 demo.
_base_ = ['./i2cnn-60_tiny-resnet_synthetic-jaffe.py']

patches = dict(
    type='FacePatches', regions=[{{_base_.i2cnn_face_region}}], patch_size=32, crop_size=28)
train_dataloader = dict(
    batch_size=32,
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(patches, random_crop=True),
        dict(type='PackInputs')
    ]))
val_dataloader = dict(
    dataset=dict(pipeline=[dict(type='LoadImageFromFile'), patches,
                           dict(type='PackInputs')]))
test_dataloader = val_dataloader
