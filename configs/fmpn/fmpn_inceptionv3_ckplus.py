# FMPN stage 2 on CK+: joint training, the mask generator initialised strictly
# from the stage-1 checkpoint of the same fold (any backbone can follow it).
_base_ = [
    '../_base_/models/fmpn_inceptionv3.py',
    '../_base_/datasets/ckplus_fmpn.py',
    '../_base_/schedules/fmpn_200e.py',
    '../_base_/fmpn_runtime.py',
]

train_dataloader = dict(batch_size=16)
# FMPNRunner fills in {fold} from the datasets' fold; tools/kfold.py passes
# the exact path.
model = dict(
    mask_generator=dict(
        init_cfg=dict(
            type='StrictPretrained',
            checkpoint='work_dirs/fmg_inceptionv3_ckplus/fold_{fold}/'
            'epoch_300.pth',
            prefix='mask_generator.')))
