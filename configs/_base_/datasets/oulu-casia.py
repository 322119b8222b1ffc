# Oulu-CASIA (VIS camera, strong light), the six basic expressions: written by
# tools/dataset_converters/prepare_oulu_casia.py, masks by tools/make_masks.py
# --classes basic6. A CK+ config swaps it in for every split:
# configs/fmpn/fmpn_inceptionv3_oulu-casia.py.
oulu_casia = dict(type='OuluCASIADataset', data_root='data/oulu-casia', mask_dir='imgs_res/{fold}')
