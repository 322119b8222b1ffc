import shutil

import cv2
import numpy as np
import pytest
from raw_ckplus_fixture import all_class_sequences, load_tool, write_raw_ckplus

from mmfmpn.datasets.categories import CKPLUS_CLASSES
from mmfmpn.masks.motion_masks import (class_motion_masks, equalize_motion_mask,
                                       mean_absolute_difference, motion_mask_montage)

prepare_ckplus = load_tool('tools/dataset_converters/prepare_ckplus.py')
make_masks = load_tool('tools/make_masks.py')

SUBJECTS = ('S005', 'S010', 'S011', 'S014', 'S022', 'S026')
NUM_FOLDS = 3


@pytest.fixture(scope='module')
def prepared(tmp_path_factory):
    """A converted dataset without masks, 3 folds of 2 subjects."""
    raw_root = tmp_path_factory.mktemp('raw') / 'CK+'
    write_raw_ckplus(raw_root, all_class_sequences(SUBJECTS), seed=2)
    out = tmp_path_factory.mktemp('prepared') / 'ckplus'
    assert prepare_ckplus.main([str(raw_root), str(out), '--num-folds', str(NUM_FOLDS)]) == 0
    return out


@pytest.fixture
def data_root(prepared, tmp_path):
    """A private copy of the converted dataset that a test may change."""
    return shutil.copytree(prepared, tmp_path / 'ckplus')


def read_masks(data_root, split):
    return np.stack([
        cv2.imread(str(data_root / 'imgs_res' / split / f'{index}.png'), cv2.IMREAD_UNCHANGED)
        for index in range(len(CKPLUS_CLASSES))
    ])


def test_writes_equalised_masks_and_montages_for_every_fold(data_root):
    assert make_masks.main([str(data_root)]) == 0
    for split in [str(fold) for fold in range(NUM_FOLDS)] + ['all']:
        masks = read_masks(data_root, split)
        assert masks.shape == (7, 70, 70) and masks.dtype == np.uint8
        assert (masks.min(axis=(1, 2)) == 0).all()
        assert (masks.max(axis=(1, 2)) == 255).all()
        montage = cv2.imread(
            str(data_root / 'imgs_res' / split / 'montage.png'), cv2.IMREAD_UNCHANGED)
        assert montage.shape == (140 + 24, 7 * 140)
    # Surprise drops the jaw: the mouth region moves more than in anger.
    surprise, anger = read_masks(data_root, '0')[[6, 0]]
    assert surprise[50:66, 25:45].mean() > anger[50:66, 25:45].mean()


def test_fold_masks_ignore_the_test_subjects(data_root):
    assert make_masks.main([str(data_root), '--no-all-subjects']) == 0
    before = {fold: read_masks(data_root, str(fold)) for fold in range(NUM_FOLDS)}
    test_subjects = {line[:4] for line in (data_root / 'test_ids_0.csv').read_text().split()}
    for folder in ('imgs', 'neutral'):
        for path in (data_root / folder).iterdir():
            if path.name[:4] in test_subjects:
                face = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
                cv2.imwrite(str(path), 255 - face[:, ::-1])
    assert make_masks.main([str(data_root), '--overwrite']) == 0
    np.testing.assert_array_equal(read_masks(data_root, '0'), before[0])
    # Where those subjects are training subjects the masks do change.
    assert not np.array_equal(read_masks(data_root, '1'), before[1])


def test_is_deterministic_and_refuses_to_overwrite(data_root, capsys):
    assert make_masks.main([str(data_root), '--folds', '1']) == 0
    first = (data_root / 'imgs_res/1/3.png').read_bytes()
    assert make_masks.main([str(data_root), '--folds', '1']) == 2
    assert '--overwrite' in capsys.readouterr().err
    assert make_masks.main([str(data_root), '--folds', '1', '--overwrite']) == 0
    assert (data_root / 'imgs_res/1/3.png').read_bytes() == first
    assert not (data_root / 'imgs_res/0').exists()


def test_class_without_training_samples_is_an_error(data_root, capsys):
    # Contempt is in the data set but not among fold 2's training images.
    annotations = (data_root / 'annotations.csv').read_text().splitlines()
    contempt = {line.split(',')[0].split('/')[-1] for line in annotations if ',contempt,' in line}
    train_file = data_root / 'train_ids_2.csv'
    train_file.write_text(''.join(f'{name}\n' for name in train_file.read_text().split()
                                  if name not in contempt))
    assert make_masks.main([str(data_root), '--folds', '2']) == 1
    err = capsys.readouterr().err
    assert "'contempt'" in err and 'fold 2' in err
    assert not (data_root / 'imgs_res/2/0.png').exists()


def test_masks_only_for_the_classes_the_data_set_shows(data_root, capsys):
    annotation_file = data_root / 'annotations.csv'
    lines = annotation_file.read_text().splitlines(keepends=True)
    happy = [line for line in lines[1:] if ',happy,' in line]
    annotation_file.write_text(lines[0] + ''.join(happy))
    happy_names = {line.split(',')[0].split('/')[-1] for line in happy}
    for split_file in data_root.glob('*_ids_*.csv'):
        split_file.write_text(''.join(f'{name}\n' for name in split_file.read_text().split()
                                      if name in happy_names))
    assert make_masks.main([str(data_root), '--classes', 'happy', '--folds', '0']) == 0
    assert sorted(path.name for path in (data_root / 'imgs_res/0').iterdir()) == [
        '0.png', 'montage.png', 'provenance.json'
    ]
    # The CK+ list on a smiles-only set: happy keeps its CK+ index 4, the rest are reported.
    assert make_masks.main(
        [str(data_root), '--folds', '1', '--no-all-subjects', '--refine-registration']) == 0
    assert 'no annotated image of anger, contempt, disgust' in capsys.readouterr().out
    assert sorted(path.name for path in (data_root / 'imgs_res/1').iterdir()) == [
        '4.png', 'montage.png', 'provenance.json'
    ]
    mask = cv2.imread(str(data_root / 'imgs_res/1/4.png'), cv2.IMREAD_UNCHANGED)
    assert mask.shape == (70, 70) and mask.max() == 255


def test_rows_need_a_neutral_face_and_a_class_of_the_class_list(data_root, capsys):
    annotation_file = data_root / 'annotations.csv'
    original = annotation_file.read_text()
    lines = original.splitlines(keepends=True)
    lines[1] = lines[1][:lines[1].rindex(',') + 1] + '\n'
    annotation_file.write_text(''.join(lines))
    assert make_masks.main([str(data_root)]) == 2
    err = capsys.readouterr().err
    assert 'annotations.csv' in err and 'no neutral face' in err
    assert 'landmark prior' in err
    annotation_file.write_text(original)
    assert make_masks.main([str(data_root), '--classes', 'basic6']) == 2
    err = capsys.readouterr().err
    assert "'contempt'" in err and '--classes' in err
    assert make_masks.main([str(data_root), '--classes', 'ckplus7']) == 2
    assert "unknown class set 'ckplus7'" in capsys.readouterr().err
    assert not (data_root / 'imgs_res').exists()


def test_subject_in_train_and_test_is_an_error(data_root, capsys):
    test_file = data_root / 'test_ids_0.csv'
    leaked = (data_root / 'train_ids_0.csv').read_text().split()[0]
    test_file.write_text(test_file.read_text() + leaked + '\n')
    assert make_masks.main([str(data_root), '--folds', '0']) == 2
    assert leaked[:4] in capsys.readouterr().err


def test_eq1_is_the_equalised_mean_absolute_difference(tmp_path):
    rng = np.random.default_rng(0)
    expressive = rng.integers(0, 256, size=(4, 8, 8), dtype=np.uint8)
    neutral = rng.integers(0, 256, size=(4, 8, 8), dtype=np.uint8)
    labels = [0, 1, 0, 1]
    masks = class_motion_masks(list(expressive), list(neutral), labels, 2)
    difference = np.abs(expressive.astype(int) - neutral.astype(int))
    for class_index in range(2):
        mean = difference[np.array(labels) == class_index].mean(axis=0)
        stretched = (mean - mean.min()) * 255 / (mean.max() - mean.min())
        expected = cv2.equalizeHist(np.rint(stretched).astype(np.uint8))
        np.testing.assert_array_equal(masks[class_index], expected)
    # File paths work the same as arrays.
    paths = []
    for index, face in enumerate(np.concatenate([expressive, neutral])):
        paths.append(tmp_path / f'{index}.png')
        cv2.imwrite(str(paths[-1]), face)
    np.testing.assert_array_equal(class_motion_masks(paths[:4], paths[4:], labels, 2), masks)


def test_equalisation_spreads_to_the_full_range():
    ramp = np.tile(np.linspace(10, 40, 64), (64, 1))
    mask = equalize_motion_mask(ramp)
    assert mask.dtype == np.uint8 and mask.shape == (64, 64)
    assert mask.min() == 0 and mask.max() == 255


def test_mask_functions_reject_bad_input():
    face = np.zeros((8, 8), np.uint8)
    with pytest.raises(ValueError, match="'contempt' \\(index 1\\).*fold 4"):
        class_motion_masks([face], [face], [0], 2, class_names=CKPLUS_CLASSES, split_name='fold 4')
    with pytest.raises(ValueError, match='outside'):
        class_motion_masks([face], [face], [7], 7)
    with pytest.raises(ValueError, match='differ in size'):
        mean_absolute_difference([face], [np.zeros((9, 9), np.uint8)])
    with pytest.raises(ValueError, match='one name per mask'):
        motion_mask_montage(np.zeros((2, 8, 8), np.uint8), ['anger'])


def test_masks_of_other_folds_are_refused_at_load_time(data_root):
    from mmfmpn.datasets import CKPlusDataset
    assert make_masks.main([str(data_root), '--no-all-subjects']) == 0
    assert (data_root / 'imgs_res/0/provenance.json').is_file()
    assert len(CKPlusDataset(str(data_root), fold=0, split='test'))
    # The converter re-run with other folds: fold 0 now trains on fold 1's images.
    for split in ('train', 'test'):
        (data_root / f'{split}_ids_0.csv').write_bytes(
            (data_root / f'{split}_ids_1.csv').read_bytes())
    with pytest.raises(ValueError, match=r'imgs_res/0/provenance\.json.*make_masks\.py'):
        CKPlusDataset(str(data_root), fold=0, split='test')
    assert make_masks.main([str(data_root), '--folds', '0', '--overwrite',
                            '--no-all-subjects']) == 0
    assert len(CKPlusDataset(str(data_root), fold=0, split='train'))
