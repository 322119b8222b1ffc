# FMPN on AffectNet with per-image masks: half the borrowed CK+ class mask, half a
# landmark prior map from the image's own 68 landmarks (annotations.csv).
_base_ = ['./fmpn_inceptionv3_affectnet.py']

# After loading the face and its class mask, before the geometry that moves both.
landmark_prior = dict(type='LandmarkPriorMask', sigma_ratio=0.2, blend=0.5)
train_pipeline = [*_base_.train_pipeline[:2], landmark_prior, *_base_.train_pipeline[2:]]
test_pipeline = [*_base_.test_pipeline[:2], landmark_prior, *_base_.test_pipeline[2:]]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
