# FMPN stage 1 on MMI (frontal videos): the mask generator alone, six classes.
# Data: tools/dataset_converters/prepare_mmi.py, then tools/make_masks.py --classes basic6.
_base_ = ['./fmg_inceptionv3_ckplus.py']

dataset_type = 'MMIDataset'
data_root = 'data/mmi'
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, mask_dir='imgs_res/{fold}'))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, mask_dir='imgs_res/{fold}'))
test_dataloader = val_dataloader
