# FMPN stage 2 on CK+, fast: the mask generator of fmg-fast_inceptionv3_ckplus.py
# (70x70 working size, 16 base channels), everything else as the faithful
# config. Training step 1.13-1.15x the bare Inception V3's on this project's
# 2-core CPU instead of 6.9x (tools/analysis_tools/benchmark.py, 299 px,
# batch 4); accuracy within noise of the faithful config on synthetic CK+,
# mask error higher (README, "Cost of the motion prior").
_base_ = ['./fmpn_inceptionv3_ckplus.py']

# The fusion net's convolutions channels-last: faster on CPU (oneDNN), same
# results and checkpoints; set False on a GPU if it is slower there.
model = dict(
    mask_generator=dict(
        working_size=70,
        base_channels=16,
        init_cfg=dict(checkpoint='work_dirs/fmg-fast_inceptionv3_ckplus/fold_{fold}/'
                      'epoch_300.pth')),
    fusion=dict(channels_last_convs=True))
