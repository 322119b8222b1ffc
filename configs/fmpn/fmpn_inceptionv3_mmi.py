# FMPN stage 2 on MMI (frontal videos): joint training from the stage-1
# checkpoint of the same fold, six classes.
_base_ = ['./fmpn_inceptionv3_ckplus.py']

dataset_type = 'MMIDataset'
data_root = 'data/mmi'
model = dict(
    backbone=dict(num_classes=6),
    mask_generator=dict(
        init_cfg=dict(
            checkpoint='work_dirs/fmg_inceptionv3_mmi/fold_{fold}/'
            'epoch_300.pth')))
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, mask_dir='imgs_res/{fold}'))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, mask_dir='imgs_res/{fold}'))
test_dataloader = val_dataloader
