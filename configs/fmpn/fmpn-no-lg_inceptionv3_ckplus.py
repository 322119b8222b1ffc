# The paper's "CNN (no lG)" row: FMG and PFN trained by CE alone, no stage 1.
_base_ = ['./fmpn_inceptionv3_ckplus.py']

model = dict(mask_loss=None, mask_generator=dict(init_cfg=None))
