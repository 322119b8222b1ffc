# FMPN stage 1: the mask generator alone, Adam 1e-4, linear decay to 0 from
# epoch 150 to 300 (the authors' niter=150, niter_decay=150).
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999), weight_decay=0))
param_scheduler = dict(
    type='LinearLR',
    start_factor=1.0,
    end_factor=0.0,
    begin=150,
    end=300,
    by_epoch=True,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=300, val_interval=10)
val_cfg = dict()
test_cfg = dict()
# The global batch this LR is for (configs/fmpn/fmg_*.py train with 32);
# tools/train.py --auto-scale-lr rescales the LR to the actual global batch.
auto_scale_lr = dict(base_batch_size=32, enable=False)
