# FMPN stage 2 on CK+, fast: the mask generator of fmg-fast_inceptionv3_ckplus.py
# (70x70 working size, 16 base channels: configs/_base_/models/fmpn_fast.py) and
# a channels-last fusion net, everything else as the faithful config. Training
# step 1.13-1.15x the bare Inception V3's on this project's 2-core CPU instead
# of 6.9x (tools/analysis_tools/benchmark.py, 299 px, batch 4); accuracy within
# noise of the faithful config on synthetic CK+, mask error higher (README,
# "Cost of the motion prior").
_base_ = ['./fmpn_inceptionv3_ckplus.py', '../_base_/models/fmpn_fast.py']

model = dict(
    mask_generator=dict(
        _base_.fast_mask_generator,
        init_cfg=dict(
            checkpoint='work_dirs/fmg-fast_inceptionv3_ckplus/fold_{fold}/epoch_300.pth')),
    fusion=_base_.fast_fusion)
