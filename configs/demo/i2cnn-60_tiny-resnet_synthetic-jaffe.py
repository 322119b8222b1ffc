# I2CNN-60 at demo scale on the synthetic JAFFE-layout set (CPU, minutes): 32 px patches
# cropped to 28, the first three stages of a ResNet-18 with 8 base channels, from scratch
# (32-d patch features, 1,920-d faces), Adam 1e-3 for 12 epochs (the paper's SGD 1e-2
# learns too slowly from scratch in so few epochs). Make the data with
#   python tools/dataset_converters/make_synthetic_jaffe.py work_dirs/demo/jaffe_raw
#   python tools/dataset_converters/prepare_jaffe.py work_dirs/demo/jaffe_raw \
#       work_dirs/demo/jaffe --landmarks work_dirs/demo/jaffe_raw/landmarks.csv
_base_ = ['../i2cnn/i2cnn-60_resnet18_jaffe.py']

data_root = 'work_dirs/demo/jaffe'
num_epochs = 12

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=18,
        stem_channels=8,
        base_channels=8,
        num_stages=3,
        strides=(1, 2, 2),
        dilations=(1, 1, 1),
        out_indices=(2, )),
    head=dict(in_channels=32))

# Every variant's patches at demo scale: 32 px, cropped to 28 (i2cnn-{1,5}_* pick theirs).
i2cnn_patch_size, i2cnn_crop_size = 32, 28
i2cnn_patches = {
    variant: dict(patches, patch_size=i2cnn_patch_size, crop_size=i2cnn_crop_size)
    for variant, patches in _base_.i2cnn_patches.items()
}
i2cnn_pipelines = {
    variant: {
        split: [
            dict(step, patch_size=i2cnn_patch_size, crop_size=i2cnn_crop_size)
            if step.type == 'FacePatches' else step for step in pipeline
        ]
        for split, pipeline in pipelines.items()
    }
    for variant, pipelines in _base_.i2cnn_pipelines.items()
}
loader = dict(num_workers=0, persistent_workers=False)
train_dataloader = dict(
    loader, dataset=dict(data_root=data_root, pipeline=i2cnn_pipelines['i2cnn60']['train']))
val_dataloader = test_dataloader = dict(
    loader, dataset=dict(data_root=data_root, pipeline=i2cnn_pipelines['i2cnn60']['test']))
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3))
param_scheduler = dict(milestones=[9])
train_cfg = dict(max_epochs=num_epochs, val_interval=num_epochs)
default_hooks = dict(checkpoint=dict(interval=num_epochs))
