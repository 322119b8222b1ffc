# CK+ in I2CNN's protocols, as written by `tools/dataset_converters/prepare_ckplus.py ...
# --i2cnn` into OUT/i2cnn/: 6 classes, the last three (peak) frames of the sequences
# labelled with a basic emotion (no contempt); 7 classes, those plus each sequence's first
# frame as neutral. Folds from the subjects (the rule of the FMPN folds). A config sets
# one as the dataset of the JAFFE I2CNN config (jaffe_i2cnn.py): its pipelines and folds.
ckplus6_i2cnn = dict(
    type='FERAnnotationDataset',
    data_root='data/ckplus/i2cnn',
    ann_file='ckplus6.csv',
    classes=('anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise'))
ckplus7_i2cnn = dict(
    ckplus6_i2cnn,
    ann_file='ckplus7.csv',
    classes=('neutral', 'anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise'))
