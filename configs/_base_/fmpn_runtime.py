_base_ = ['mmpretrain::_base_/default_runtime.py']

# Checks values, fills in {fold}, loads checkpoints strictly, refuses to train
# over a finished run: also under MMPretrain's stock tools/train.py / test.py.
runner_type = 'FMPNRunner'

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=2, save_last=True))
randomness = dict(seed=0, deterministic=False)
