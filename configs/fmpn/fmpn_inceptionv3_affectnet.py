# FMPN on AffectNet (seven classes): joint training from the start. There is no
# stage 1: without neutral faces the FMG learns the CK+ masks borrowed by class name
# together with the classifier.
_base_ = [
    '../_base_/models/fmpn_inceptionv3.py',
    '../_base_/datasets/affectnet_fmpn.py',
    '../_base_/schedules/fmpn_200e.py',
    '../_base_/fmpn_runtime.py',
]

train_dataloader = dict(batch_size=16)
