# FMPN stage 2: joint training, Adam 1e-4 (the mask generator at 1e-5),
# linear decay to 0 from epoch 100 to 200.
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999), weight_decay=0),
    paramwise_cfg=dict(custom_keys={'mask_generator': dict(lr_mult=0.1)}),
    # The same param groups as plain dicts, so that compile=True works.
    constructor='PlainParamGroupsOptimWrapperConstructor')
param_scheduler = dict(
    type='LinearLR',
    start_factor=1.0,
    end_factor=0.0,
    begin=100,
    end=200,
    by_epoch=True,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=10)
val_cfg = dict()
test_cfg = dict()
# The global batch this LR is for (the stage-2 configs train with 16);
# tools/train.py --auto-scale-lr rescales the LR to the actual global batch.
auto_scale_lr = dict(base_batch_size=16, enable=False)
