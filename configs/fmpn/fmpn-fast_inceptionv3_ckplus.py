# FMPN stage 2 on CK+, fast: the mask generator of fmg-fast_inceptionv3_ckplus.py
# (70x70 working size, 16 base channels), everything else as the faithful
# config. Training step 1.1x the bare Inception V3's on one CPU thread instead
# of 6.9x (tools/analysis_tools/benchmark.py, 299 px, batch 4); most of what
# remains is the prior fusion net at full resolution.
_base_ = ['./fmpn_inceptionv3_ckplus.py']

model = dict(mask_generator=dict(working_size=70, base_channels=16))
load_from = 'work_dirs/fmg-fast_inceptionv3_ckplus/fold_{fold}/epoch_300.pth'
