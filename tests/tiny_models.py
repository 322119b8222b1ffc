"""Tiny model configs shared by tests."""


def tiny_model_cfg(**kwargs) -> dict:
    """An FMPN with a tiny ResNet-18 and a small mask generator."""
    cfg = dict(
        type='FMPNClassifier',
        backbone=dict(type='ResNet', depth=18, stem_channels=8, base_channels=8, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead', num_classes=7, in_channels=64,
            loss=dict(type='CrossEntropyLoss')),
        mask_generator=dict(type='FacialMotionMaskGenerator', base_channels=8, num_res_blocks=1),
        fusion=dict(type='PriorFusionNet'),
        mask_loss=dict(type='MotionMaskLoss', loss_weight=10.0))
    cfg.update(kwargs)
    return cfg
