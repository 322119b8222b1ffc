"""FERAnnotationDataset on hand-written annotation files: formats, errors, folds, class-name
mask mapping between class lists."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfmpn.datasets.annotation_file import (annotations_csv_text, parse_landmarks,
                                             read_annotation_file)
from mmfmpn.datasets.categories import (AFFECTNET7_CLASSES, BASIC6_CLASSES, CKPLUS_CLASSES,
                                        class_index_map, resolve_class_names)
from mmfmpn.datasets.fer_annotation import AffectNetDataset, FERAnnotationDataset

CLASSES = ('happy', 'sadness', 'surprise')


def five_points_text():
    return '20;25;50;25;35;40;24;52;46;52'


@pytest.fixture
def data_root(tmp_path):
    """Six subjects x three classes, one image each, with a neutral face and landmarks."""
    (tmp_path / 'imgs').mkdir()
    (tmp_path / 'neutral').mkdir()
    lines = ['image,label,subject,sequence,neutral,landmarks']
    for subject in range(6):
        cv2.imwrite(str(tmp_path / 'neutral' / f's{subject}.png'), np.full((70, 70), 90, np.uint8))
        for label in CLASSES:
            name = f's{subject}_{label}.png'
            cv2.imwrite(str(tmp_path / 'imgs' / name), np.full((70, 70), 100, np.uint8))
            lines.append(f'imgs/{name},{label},S{subject},S{subject}_{label},'
                         f'neutral/s{subject}.png,{five_points_text()}')
    (tmp_path / 'annotations.csv').write_text('\n'.join(lines) + '\n')
    return tmp_path


def labels_of(dataset):
    return [dataset.get_data_info(i)['gt_label'] for i in range(len(dataset))]


def test_every_row_with_label_index_landmarks_and_neutral(data_root):
    dataset = FERAnnotationDataset(str(data_root), classes=CLASSES)
    assert len(dataset) == 18 and dataset.metainfo['classes'] == CLASSES
    item = dataset.get_data_info(1)
    assert item['img_path'] == str(data_root / 'imgs' / 's0_sadness.png')
    assert item['gt_label'] == 1 and item['subject'] == 'S0'
    assert item['neutral_path'] == str(data_root / 'neutral' / 's0.png')
    assert item['landmarks'].shape == (5, 2) and item['landmarks'].dtype == np.float32
    assert 'motion_mask_path' not in item


def test_json_file_gives_the_same_items(data_root):
    rows = read_annotation_file(data_root / 'annotations.csv')
    entries = [
        dict(image=r.image, label=r.label, subject=r.subject, landmarks=r.landmarks.tolist())
        for r in rows
    ]
    (data_root / 'annotations.json').write_text(json.dumps(entries))
    from_json = FERAnnotationDataset(str(data_root), ann_file='annotations.json', classes=CLASSES)
    from_csv = FERAnnotationDataset(str(data_root), classes=CLASSES)
    assert labels_of(from_json) == labels_of(from_csv)
    np.testing.assert_allclose(
        from_json.get_data_info(0)['landmarks'],
        from_csv.get_data_info(0)['landmarks'])


def test_computed_folds_are_subject_independent_and_cover_everything(data_root):
    seen = []
    for fold in range(3):
        train = FERAnnotationDataset(
            str(data_root), fold=fold, split='train', num_folds=3, classes=CLASSES)
        test = FERAnnotationDataset(
            str(data_root), fold=fold, split='test', num_folds=3, classes=CLASSES)
        assert test.test_mode and not train.test_mode
        train_subjects = {train.get_data_info(i)['subject'] for i in range(len(train))}
        test_subjects = {test.get_data_info(i)['subject'] for i in range(len(test))}
        assert not train_subjects & test_subjects
        assert len(train) + len(test) == 18 and len(test_subjects) == 2
        seen += sorted(test_subjects)
    assert sorted(seen) == [f'S{i}' for i in range(6)]


def test_split_files_take_precedence_and_unknown_entries_name_the_line(data_root):
    (data_root / 'test_ids_0.csv').write_text('s5_happy.png\nimgs/s4_surprise.png\n')
    test = FERAnnotationDataset(str(data_root), fold=0, split='test', classes=CLASSES)
    assert [Path(test.get_data_info(i)['img_path']).name
            for i in range(len(test))] == ['s5_happy.png', 's4_surprise.png']
    (data_root / 'val_ids.csv').write_text('s1_happy.png\nnope.png\n')
    with pytest.raises(ValueError, match=r'val_ids.csv:2: nope.png is not in'):
        FERAnnotationDataset(str(data_root), split='val', classes=CLASSES)
    with pytest.raises(FileNotFoundError, match='train_ids.csv does not exist'):
        FERAnnotationDataset(str(data_root), split='train', classes=CLASSES)


@pytest.mark.parametrize('mutate, message', [
    (lambda text: text.replace('s2_sadness.png,sadness', 's2_sadness.png,sad'),
     r"annotations.csv:9: unknown class 'sad'; the classes are happy, sadness"),
    (lambda text: text.replace(',happy,S3,', ',,S3,'), r"annotations.csv:11: empty 'label'"),
    (lambda text: text.replace('image,label', 'image,label,age').replace(
        '.png,happy,', '.png,happy,30,'), r'annotations.csv:1: header .*unknown'),
    (lambda text: text.replace(five_points_text(), '1;2;3', 1),
     r'annotations.csv:2: landmarks must be 5 or 68'),
    (lambda text: text + text.splitlines()[1] + '\n',
     r'annotations.csv:20: image imgs/s0_happy.png is already listed at .*:2'),
])
def test_bad_rows_name_the_file_and_row(data_root, mutate, message):
    path = data_root / 'annotations.csv'
    path.write_text(mutate(path.read_text()))
    with pytest.raises(ValueError, match=message):
        FERAnnotationDataset(str(data_root), classes=CLASSES)


def test_missing_images_and_absent_classes_are_errors(data_root):
    (data_root / 'imgs' / 's3_surprise.png').unlink()
    with pytest.raises(FileNotFoundError, match=r's3_surprise.png \(.*annotations.csv:'):
        FERAnnotationDataset(str(data_root), classes=CLASSES)
    with pytest.raises(ValueError, match='no class list'):
        FERAnnotationDataset(str(data_root))


def test_rows_without_subjects_need_split_files(data_root):
    path = data_root / 'annotations.csv'
    path.write_text(path.read_text().replace(',S4,', ',,'))
    with pytest.raises(ValueError, match='rows have no subject, e.g. .*annotations.csv:'):
        FERAnnotationDataset(str(data_root), fold=0, split='train', classes=CLASSES)


def write_masks(folder, count):
    folder.mkdir(parents=True)
    for index in range(count):
        cv2.imwrite(str(folder / f'{index}.png'), np.full((70, 70), index, np.uint8))


def test_masks_of_another_class_list_are_used_by_class_name(data_root):
    write_masks(data_root / 'ckplus_masks', 7)
    dataset = FERAnnotationDataset(
        str(data_root), classes=CLASSES, mask_dir='ckplus_masks', mask_classes='ckplus')
    by_label = {
        item['gt_label']: item['motion_mask_path']
        for item in (dataset.get_data_info(i) for i in range(len(dataset)))
    }
    assert {
        label: path[-5:]
        for label, path in by_label.items()
    } == {
        0: '4.png',
        1: '5.png',
        2: '6.png'
    }  # happy, sadness, surprise in CK+
    renamed = data_root / 'annotations.csv'
    renamed.write_text(renamed.read_text().replace(',sadness,', ',sad,'))
    dataset = FERAnnotationDataset(
        str(data_root),
        classes=('happy', 'sad', 'surprise'),
        mask_dir='ckplus_masks',
        mask_classes=CKPLUS_CLASSES,
        mask_class_renames={'sad': 'sadness'})
    assert {
        dataset.get_data_info(i)['motion_mask_path'][-5:]
        for i in range(len(dataset)) if dataset.get_data_info(i)['gt_label'] == 1
    } == {'5.png'}
    with pytest.raises(ValueError, match="class 'sad' has no counterpart"):
        FERAnnotationDataset(
            str(data_root),
            classes=('happy', 'sad', 'surprise'),
            mask_dir='ckplus_masks',
            mask_classes='ckplus')


def test_fold_masks_and_missing_mask_files(data_root):
    write_masks(data_root / 'imgs_res' / '1', 3)

    def dataset_of_fold(fold):
        return FERAnnotationDataset(
            str(data_root),
            fold=fold,
            split='train',
            num_folds=3,
            classes=CLASSES,
            mask_dir='imgs_res/{fold}')

    assert dataset_of_fold(1).get_data_info(0)['motion_mask_path'].startswith(
        str(data_root / 'imgs_res' / '1'))
    with pytest.raises(FileNotFoundError, match=r'imgs_res/2/0.png'):
        dataset_of_fold(2)
    with pytest.raises(ValueError, match='contains {fold} but fold is None'):
        FERAnnotationDataset(str(data_root), classes=CLASSES, mask_dir='imgs_res/{fold}')


def test_class_index_map_between_six_and_seven_classes():
    assert class_index_map(BASIC6_CLASSES, CKPLUS_CLASSES) == (0, 2, 3, 4, 5, 6)
    assert class_index_map(AFFECTNET7_CLASSES, CKPLUS_CLASSES) == (4, 5, 6, 3, 2, 0, 1)
    assert class_index_map(CKPLUS_CLASSES[:1], BASIC6_CLASSES) == (0, )
    with pytest.raises(ValueError, match="class 'contempt' has no counterpart"):
        class_index_map(CKPLUS_CLASSES, BASIC6_CLASSES)
    with pytest.raises(ValueError, match='renames'):
        class_index_map(BASIC6_CLASSES, CKPLUS_CLASSES, {'joy': 'happy'})
    assert resolve_class_names('basic6') == BASIC6_CLASSES
    with pytest.raises(ValueError, match='unknown class set'):
        resolve_class_names('ck')


def test_affectnet_dataset_borrows_ckplus_masks(tmp_path):
    (tmp_path / 'imgs').mkdir()
    lines = ['image,label,subject,sequence,neutral']
    for label in AFFECTNET7_CLASSES:
        cv2.imwrite(str(tmp_path / 'imgs' / f'{label}.png'), np.zeros((70, 70), np.uint8))
        lines.append(f'imgs/{label}.png,{label},,,')
    (tmp_path / 'annotations.csv').write_text('\n'.join(lines) + '\n')
    (tmp_path / 'train_ids.csv').write_text('\n'.join(f'{label}.png'
                                                      for label in AFFECTNET7_CLASSES))
    write_masks(tmp_path / 'ckplus', 7)
    dataset = AffectNetDataset(
        str(tmp_path), split='train', mask_dir='ckplus', mask_classes='ckplus')
    for index, label in enumerate(AFFECTNET7_CLASSES):
        assert dataset.get_data_info(index)['motion_mask_path'].endswith(
            f'/{CKPLUS_CLASSES.index(label)}.png')


def test_annotation_csv_round_trip(data_root):
    rows = read_annotation_file(data_root / 'annotations.csv')
    (data_root / 'copy.csv').write_text(annotations_csv_text(rows))
    again = read_annotation_file(data_root / 'copy.csv')
    assert [(r.image, r.label, r.subject, r.neutral)
            for r in again] == [(r.image, r.label, r.subject, r.neutral) for r in rows]
    assert parse_landmarks('', 'x') is None
    assert parse_landmarks([[1, 2]] * 68, 'x').shape == (68, 2)
