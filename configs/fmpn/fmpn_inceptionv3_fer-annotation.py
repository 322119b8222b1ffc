# FMPN on your own data, described by one annotation file (CSV or JSON; see
# mmfmpn/datasets/annotation_file.py): image,label[,subject,sequence,neutral,landmarks]
# with class NAMES. Without neutral faces there are no masks of its own: this example
# borrows the CK+ masks by class name and blends each with a landmark prior map of the
# image (needs the landmarks column), and trains jointly from the start. With neutral
# faces, build your own masks with tools/make_masks.py and set mask_dir='imgs_res/{fold}'
# and mask_classes=None.
_base_ = ['./fmpn_inceptionv3_ckplus.py']

classes = ('happy', 'sadness', 'surprise')
# No stage 1: the mask generator starts from its own init.
model = dict(backbone=dict(num_classes=len(classes)), mask_generator=dict(init_cfg=None))

# The prior map, blended into the class mask before the geometry that moves both.
landmark_prior = dict(type='LandmarkPriorMask', sigma_ratio=0.2, blend=0.5)
train_pipeline = [*_base_.train_pipeline[:2], landmark_prior, *_base_.train_pipeline[2:]]
test_pipeline = [*_base_.test_pipeline[:2], landmark_prior, *_base_.test_pipeline[2:]]
# fold K: train_ids_K.csv / test_ids_K.csv if present, else 10 subject-independent
# folds computed from the subject column.
my_faces = dict(
    type='FERAnnotationDataset',
    data_root='data/my_faces',
    ann_file='annotations.csv',
    classes=classes,
    mask_dir='../ckplus/imgs_res/all',
    mask_classes='ckplus')
train_dataloader = dict(dataset=dict(my_faces, pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(my_faces, pipeline=test_pipeline))
