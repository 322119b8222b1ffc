# What the `make demo` configs share: the synthetic CK+ folder, the paper's
# 320 -> 299 five-crop scaled to 80 -> 75 (Inception V3's minimum), no loader
# workers, and the offline model. Names are prefixed so they do not clash with the
# keys of the CK+ configs that they are listed with; each demo config applies them.
demo_train_geometry = [
    dict(type='Resize', scale=(80, 80)),
    dict(type='RandomFiveCrop', crop_size=75),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
demo_test_geometry = [dict(type='Resize', scale=(80, 80)), dict(type='CenterCrop', crop_size=75)]
# Loading 70 px faces is cheap next to a step; workers would only compete
# with the model for the 2 cores.
demo_train_dataloader = dict(
    num_workers=0, persistent_workers=False, dataset=dict(data_root='work_dirs/demo/ckplus'))
demo_val_dataloader = dict(
    num_workers=0, persistent_workers=False, dataset=dict(data_root='work_dirs/demo/ckplus'))
# Masks carry little detail: generating them at 24 px cuts most of the cost.
demo_fmg_working_size = 24
