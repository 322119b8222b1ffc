# I2CNN's network: AlexNet shared by all patches of a face (MultiPatchClassifier). FC6 and
# FC7 (4096, ReLU, dropout 0.5) are the head's hidden layers, so the 4096-d FC7 output is
# the patch feature that `extract_feat` concatenates for the SVM (`svm_stage`).
custom_imports = dict(imports=['mmfmpn'], allow_failed_imports=False)

model = dict(
    type='MultiPatchClassifier',
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        # Inputs are (N, K, 3, H, W): dimension 1 is the patch, not the channel.
        to_rgb=False),
    backbone=dict(type='AlexNet', num_classes=-1),  # 227 px -> 256 x 6 x 6
    neck=dict(type='FlattenNeck'),
    head=dict(
        type='StackedLinearClsHead',
        num_classes=7,
        in_channels=256 * 6 * 6,
        mid_channels=[4096, 4096],
        dropout_rate=0.5,
        norm_cfg=None,
        act_cfg=dict(type='ReLU'),
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        topk=(1, )))
# The SVM on the concatenated patch features, fitted per fold on its training faces
# (mmfmpn.engine.svm_stage): parameters chosen by 3-fold grid search, the folds grouped
# by subject.
svm_stage = dict(param_grid=dict(kernel=['linear'], C=[0.001, 0.01, 0.1, 1.0, 10.0]), cv_folds=3)
