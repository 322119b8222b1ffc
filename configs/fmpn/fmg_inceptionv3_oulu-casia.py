# FMPN stage 1 on Oulu-CASIA (VIS, strong light): the mask generator alone, six classes.
# Data: tools/dataset_converters/prepare_oulu_casia.py, then tools/make_masks.py --classes basic6.
_base_ = ['./fmg_inceptionv3_ckplus.py']

dataset_type = 'OuluCASIADataset'
data_root = 'data/oulu-casia'
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, mask_dir='imgs_res/{fold}'))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type, data_root=data_root, mask_dir='imgs_res/{fold}'))
test_dataloader = val_dataloader
