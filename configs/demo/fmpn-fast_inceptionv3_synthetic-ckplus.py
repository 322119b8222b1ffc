# Stage 2 of the fast FMPN (configs/fmpn/fmpn-fast_inceptionv3_ckplus.py) on the
# synthetic CK+ of `make demo`, after fmg-fast_inceptionv3_synthetic-ckplus.py.
_base_ = ['./fmpn_inceptionv3_synthetic-ckplus.py']

# The fusion net's convolutions channels-last: faster on CPU (oneDNN), same
# results and checkpoints; set False on a GPU if it is slower there.
model = dict(
    mask_generator=dict(
        working_size=70,
        base_channels=16,
        init_cfg=dict(checkpoint='work_dirs/demo/kfold-fast/fold_{fold}/'
                      'stage1/epoch_4.pth')),
    fusion=dict(channels_last_convs=True))
