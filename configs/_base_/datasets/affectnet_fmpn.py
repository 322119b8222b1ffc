# AffectNet's seven basic expressions (tools/dataset_converters/prepare_affectnet.py):
# no subjects and no neutral faces, so no folds and no Eq. 1 masks of its own; the
# masks are CK+'s, borrowed by class name (AffectNet's "happy" reads CK+'s 4.png).
_base_ = ['./ckplus_fmpn.py']

# CK+ masks from every subject (tools/make_masks.py writes imgs_res/all), relative to
# data_root; the FMPN authors' released masks work too:
# '<path>/fmpn-official/CKPlus/imgs_res/0' (an absolute path).
affectnet = dict(
    type='AffectNetDataset',
    data_root='data/affectnet',
    mask_dir='../ckplus/imgs_res/all',
    mask_classes='ckplus')
# AffectNet has fixed splits, no folds: each split replaces the CK+ dataset (_delete_).
train_dataloader = dict(
    dataset=dict(_delete_=True, **affectnet, split='train', pipeline=_base_.train_pipeline))
# val_ids.csv: the 10% of training.csv held out; test_ids.csv: validation.csv.
val_dataloader = dict(
    dataset=dict(_delete_=True, **affectnet, split='val', pipeline=_base_.test_pipeline))
test_dataloader = dict(
    dataset=dict(_delete_=True, **affectnet, split='test', pipeline=_base_.test_pipeline))
