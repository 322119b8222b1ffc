# FMPN on your own data, described by one annotation file (CSV or JSON; see
# mmfmpn/datasets/annotation_file.py): image,label[,subject,sequence,neutral,landmarks]
# with class NAMES. Without neutral faces there are no masks of its own: this example
# borrows the CK+ masks by class name and blends each with a landmark prior map of the
# image (needs the landmarks column), and trains jointly from the start. With neutral
# faces, build your own masks with tools/make_masks.py and set mask_dir='imgs_res/{fold}'
# and mask_classes=None.
_base_ = ['./fmpn_inceptionv3_ckplus.py']

data_root = 'data/my_faces'
classes = ('happy', 'sadness', 'surprise')
# No stage 1: the mask generator starts from its own init.
model = dict(
    backbone=dict(num_classes=len(classes)),
    mask_generator=dict(init_cfg=None))

landmark_prior = dict(type='LandmarkPriorMask', sigma_ratio=0.2, blend=0.5)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    landmark_prior,
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(320, 320)),
            dict(type='RandomFiveCrop', crop_size=299),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadMotionMask'),
    landmark_prior,
    dict(
        type='MotionMaskBroadcaster',
        transforms=[
            dict(type='Resize', scale=(320, 320)),
            dict(type='CenterCrop', crop_size=299),
        ]),
    dict(type='MotionMaskToTensor'),
    dict(type='PackInputs', algorithm_keys=['gt_motion_mask']),
]
# fold K: train_ids_K.csv / test_ids_K.csv if present, else 10 subject-independent
# folds computed from the subject column.
train_dataloader = dict(
    dataset=dict(
        type='FERAnnotationDataset',
        data_root=data_root,
        ann_file='annotations.csv',
        classes=classes,
        mask_dir='../ckplus/imgs_res/all',
        mask_classes='ckplus',
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        type='FERAnnotationDataset',
        data_root=data_root,
        ann_file='annotations.csv',
        classes=classes,
        mask_dir='../ckplus/imgs_res/all',
        mask_classes='ckplus',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
