# FMPN stage 2: joint training with stage 1's Adam 1e-4 (the mask generator at
# 1e-5), linear decay to 0 from epoch 100 to 200.
_base_ = ['./fmg_300e.py']

optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'mask_generator': dict(lr_mult=0.1)}),
    # The same param groups as plain dicts, so that compile=True works.
    constructor='PlainParamGroupsOptimWrapperConstructor')
param_scheduler = dict(begin=100, end=200)
train_cfg = dict(max_epochs=200)
# The global batch this LR is for (the stage-2 configs train with 16);
# tools/train.py --auto-scale-lr rescales the LR to the actual global batch.
auto_scale_lr = dict(base_batch_size=16)
