# MMI, frontal sequences of the six basic expressions: written by
# tools/dataset_converters/prepare_mmi.py, masks by tools/make_masks.py --classes basic6.
# A CK+ config swaps it in for every split: configs/fmpn/fmpn_inceptionv3_mmi.py.
mmi = dict(type='MMIDataset', data_root='data/mmi', mask_dir='imgs_res/{fold}')
