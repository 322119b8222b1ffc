"""The CK+ converter's --i2cnn sets: 6 classes (peak frames), 7 (plus first frames)."""
from collections import Counter

import cv2
import numpy as np
import pytest
from raw_ckplus_fixture import all_class_sequences, load_tool, write_raw_ckplus

from mmfmpn.datasets import FERAnnotationDataset
from mmfmpn.datasets.annotation_file import read_annotation_file
from mmfmpn.datasets.categories import BASIC6_CLASSES, NEUTRAL7_CLASSES
from mmfmpn.datasets.converters.ckplus_i2cnn import convert_i2cnn_sequence

SUBJECTS = ('S005', 'S010', 'S011')


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    root = tmp_path_factory.mktemp('ck')
    write_raw_ckplus(root / 'raw', all_class_sequences(SUBJECTS, num_frames=5))
    tool = load_tool('tools/dataset_converters/prepare_ckplus.py')
    assert tool.main([
        str(root / 'raw'),
        str(root / 'out'), '--num-folds', '3', '--i2cnn', '--i2cnn-crop-size', '96'
    ]) == 0
    return root / 'out' / 'i2cnn'


def test_six_and_seven_class_sets_leave_contempt_out(converted):
    six = read_annotation_file(converted / 'ckplus6.csv')
    seven = read_annotation_file(converted / 'ckplus7.csv')
    # 3 subjects x 6 basic emotions x 3 peak frames; the 7-class set adds one neutral
    # first frame per sequence.
    assert Counter(row.label for row in six) == {name: 9 for name in BASIC6_CLASSES}
    assert Counter(row.label for row in seven) == dict({name: 9
                                                        for name in BASIC6_CLASSES},
                                                       neutral=18)
    neutral = [row.image for row in seven if row.label == 'neutral']
    assert all(name.endswith('_00000001.png') for name in neutral)
    assert {row.image for row in six} < {row.image for row in seven}
    for row in seven:
        assert row.landmarks.shape == (5, 2) and row.subject in SUBJECTS
        assert cv2.imread(str(converted / row.image), cv2.IMREAD_UNCHANGED).shape == (96, 96)


def test_datasets_read_the_sets_with_subject_folds(converted):
    for ann_file, classes in (('ckplus6.csv', BASIC6_CLASSES), ('ckplus7.csv', NEUTRAL7_CLASSES)):
        test, train = (
            FERAnnotationDataset(
                data_root=str(converted),
                ann_file=ann_file,
                classes=classes,
                fold=0,
                split=split,
                num_folds=3) for split in ('test', 'train'))
        test_subjects = {test.get_data_info(i)['subject'] for i in range(len(test))}
        train_subjects = {train.get_data_info(i)['subject'] for i in range(len(train))}
        assert len(test_subjects) == 1 and len(train_subjects) == 2
        assert not test_subjects & train_subjects


def test_contempt_and_short_sequences_are_refused(tmp_path):
    with pytest.raises(ValueError, match="not 'contempt'"):
        convert_i2cnn_sequence('S005', 'contempt', [], None, tmp_path)
    with pytest.raises(ValueError, match='need a first frame and three peak frames'):
        convert_i2cnn_sequence('S005', 'happy', [tmp_path / 'a.png'] * 3, lambda path: np.zeros(
            (5, 2)), tmp_path)
