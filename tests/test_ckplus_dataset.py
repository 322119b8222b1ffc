import os
import os.path as osp
import pickle
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmpretrain.registry import TRANSFORMS

import mmfmpn  # noqa: F401
from mmfmpn.datasets import CKPLUS_CLASSES, CKPlusDataset, read_split_file
from mmfmpn.synthesis import make_tiny_ckplus
from mmfmpn.utils import UnsafePickleError, load_restricted_pickle

OFFICIAL = (
    Path(__file__).resolve().parents[2] / 'shared' / 'reference' / 'fmpn-official' / 'CKPlus')


@pytest.fixture
def tiny_root(tmp_path):
    make_tiny_ckplus(str(tmp_path))
    return str(tmp_path)


def test_items_carry_label_subject_and_fold_mask(tiny_root):
    dataset = CKPlusDataset(tiny_root, fold=1, split='test')
    assert dataset.metainfo['classes'] == CKPLUS_CLASSES
    item = dataset.get_data_info(0)
    name = osp.basename(item['img_path'])
    assert item['subject'] == name[:4]
    assert item['gt_label'] == int(name[5:8]) - 1
    assert item['motion_mask_path'] == osp.join(tiny_root, 'imgs_res', '1',
                                                f"{item['gt_label']}.png")


def test_folds_are_subject_independent_and_cover_everything(tiny_root):
    for fold in (0, 1):
        train = CKPlusDataset(tiny_root, fold=fold, split='train')
        test = CKPlusDataset(tiny_root, fold=fold, split='test')
        train_subjects = {train.get_data_info(i)['subject'] for i in range(len(train))}
        test_subjects = {test.get_data_info(i)['subject'] for i in range(len(test))}
        assert not train_subjects & test_subjects
        assert len(train) + len(test) == 4 * 7 * 3


@pytest.mark.skipif(not OFFICIAL.is_dir(), reason='../shared/reference/fmpn-official is absent')
def test_reads_the_authors_released_files(tmp_path):
    """The authors' split, label and mask files, with stand-in images."""
    root = tmp_path / 'ckplus'
    (root / 'imgs').mkdir(parents=True)
    for path in OFFICIAL.glob('*_ids_*.csv'):
        (root / path.name).write_bytes(path.read_bytes())
    (root / 'emotion_labels.pkl').write_bytes((OFFICIAL / 'emotion_labels.pkl').read_bytes())
    os.symlink(OFFICIAL / 'imgs_res', root / 'imgs_res')
    names = set()
    for fold in range(10):
        names.update(read_split_file(str(root / f'test_ids_{fold}.csv')))
    stand_in = np.zeros((70, 70), np.uint8)
    for name in names:
        cv2.imwrite(str(root / 'imgs' / name), stand_in)
    assert len(names) == 981
    test_sizes = [len(CKPlusDataset(str(root), fold=k, split='test')) for k in range(10)]
    assert test_sizes == [78, 72, 114, 90, 90, 93, 111, 108, 114, 111]
    train = CKPlusDataset(str(root), fold=0, split='train')
    assert len(train) + test_sizes[0] == 981
    labels = {train.get_data_info(i)['gt_label'] for i in range(len(train))}
    assert labels == set(range(7))
    # The released masks load, 70x70 like the aligned faces.
    pipeline = Compose([TRANSFORMS.build(dict(type='LoadMotionMask'))])
    item = dict(train.get_data_info(0), img=np.zeros((70, 70, 3), np.uint8))
    assert pipeline(item)['gt_motion_mask'].shape == (70, 70)


def test_unknown_fold_lists_the_folds_found(tiny_root):
    with pytest.raises(FileNotFoundError, match=r'unknown fold 7.*\[0, 1\]'):
        CKPlusDataset(tiny_root, fold=7, split='train')


def test_bad_split_name(tiny_root):
    with pytest.raises(ValueError, match="'train' or 'test'"):
        CKPlusDataset(tiny_root, fold=0, split='val')


def test_empty_split_file(tiny_root):
    open(osp.join(tiny_root, 'test_ids_0.csv'), 'w').close()
    with pytest.raises(ValueError, match='test_ids_0.csv is empty'):
        CKPlusDataset(tiny_root, fold=0, split='test')


def test_malformed_split_file(tiny_root):
    with open(osp.join(tiny_root, 'test_ids_0.csv'), 'w') as file:
        file.write('image,label\nS005_001_00000007.png,1\n')
    with pytest.raises(ValueError, match='entry 1.*no header'):
        CKPlusDataset(tiny_root, fold=0, split='test')


def test_missing_image_names_the_file(tiny_root):
    name = read_split_file(osp.join(tiny_root, 'test_ids_0.csv'))[0]
    os.remove(osp.join(tiny_root, 'imgs', name))
    with pytest.raises(FileNotFoundError, match=re.escape(name)):
        CKPlusDataset(tiny_root, fold=0, split='test')


def test_missing_mask_names_the_file(tiny_root):
    os.remove(osp.join(tiny_root, 'imgs_res', '0', '3.png'))
    with pytest.raises(FileNotFoundError, match=r'imgs_res/0/3\.png.*make_masks'):
        CKPlusDataset(tiny_root, fold=0, split='test')
    # Without masks (baselines) the dataset still loads.
    assert len(CKPlusDataset(tiny_root, fold=0, split='test', mask_dir=None))


@pytest.mark.parametrize('label', [-1, 8, 0, 2.5, 'happy'])
def test_label_outside_the_class_list(tiny_root, label):
    path = osp.join(tiny_root, 'emotion_labels.pkl')
    labels = load_restricted_pickle(path)
    name = read_split_file(osp.join(tiny_root, 'test_ids_0.csv'))[0]
    labels[name[:8]] = label
    with open(path, 'wb') as file:
        pickle.dump(labels, file)
    with pytest.raises(ValueError, match=f'{name[:8]}.*outside 1..7'):
        CKPlusDataset(tiny_root, fold=0, split='test')


def test_untrusted_label_pickle_is_refused(tiny_root):

    class Payload:

        def __reduce__(self):
            return (os.system, ('echo owned', ))

    with open(osp.join(tiny_root, 'emotion_labels.pkl'), 'wb') as file:
        pickle.dump({'S005_001': Payload()}, file)
    with pytest.raises(UnsafePickleError, match='refusing to unpickle'):
        CKPlusDataset(tiny_root, fold=0, split='test')


def test_restricted_pickle_allows_numpy_only_when_asked(tmp_path):
    path = str(tmp_path / 'landmarks.pkl')
    with open(path, 'wb') as file:
        pickle.dump({'a': [np.zeros((1, 10), np.float32)]}, file)
    with pytest.raises(UnsafePickleError):
        load_restricted_pickle(path)
    loaded = load_restricted_pickle(path, allow_numpy=True)
    assert loaded['a'][0].shape == (1, 10)
    (tmp_path / 'bad.pkl').write_bytes(b'not a pickle')
    with pytest.raises(ValueError, match='bad.pkl'):
        load_restricted_pickle(str(tmp_path / 'bad.pkl'))


@pytest.mark.skipif(not OFFICIAL.is_dir(), reason='../shared/reference/fmpn-official is absent')
def test_restricted_pickle_reads_the_authors_landmarks():
    landmarks = load_restricted_pickle(str(OFFICIAL / 'bbox_landmark_mtcnn.pkl'), allow_numpy=True)
    assert len(landmarks) == 2372
    boxes, points = next(iter(landmarks.values()))
    assert boxes.shape[1] == 5 and points.shape[1] == 10


def _load_mask(tmp_path, mask, image_shape=(16, 16, 3)):
    path = str(tmp_path / 'mask.png')
    cv2.imwrite(path, mask)
    transform = TRANSFORMS.build(dict(type='LoadMotionMask'))
    return transform(
        dict(motion_mask_path=path, img=np.zeros(image_shape, np.uint8), img_path='face.png'))


def test_mask_of_wrong_size_or_channels(tmp_path):
    with pytest.raises(ValueError, match='mask.png is 8x8 but image'):
        _load_mask(tmp_path, np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError, match='single-channel'):
        _load_mask(tmp_path, np.zeros((16, 16, 3), np.uint8))
    results = _load_mask(tmp_path, np.full((16, 16), 7, np.uint8))
    assert results['gt_motion_mask'].dtype == np.uint8


def test_corrupt_or_missing_mask(tmp_path):
    transform = TRANSFORMS.build(dict(type='LoadMotionMask'))
    (tmp_path / 'broken.png').write_bytes(b'\x89PNG garbage')
    with pytest.raises(ValueError, match='broken.png cannot be decoded'):
        transform(dict(motion_mask_path=str(tmp_path / 'broken.png')))
    with pytest.raises(FileNotFoundError, match='nope.png'):
        transform(dict(motion_mask_path=str(tmp_path / 'nope.png')))


def test_image_and_mask_stay_aligned_through_the_training_pipeline(tmp_path):
    """A mask equal to the gray face stays equal to it, for many draws."""
    from mmengine.config import Config
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(
        osp.join(osp.dirname(__file__), '..', 'configs', '_base_', 'datasets', 'ckplus_fmpn.py'))
    rng = np.random.default_rng(0)
    face = cv2.GaussianBlur(rng.integers(0, 256, (70, 70), dtype=np.uint8), (5, 5), 0)
    face[:10, :30] = 255  # an asymmetric mark: flips and crops show
    cv2.imwrite(str(tmp_path / 'face.png'), face)
    cv2.imwrite(str(tmp_path / 'mask.png'), face)
    pipeline = Compose(cfg.train_pipeline)
    positions = set()
    for _ in range(40):
        packed = pipeline(
            dict(
                img_path=str(tmp_path / 'face.png'),
                motion_mask_path=str(tmp_path / 'mask.png'),
                gt_label=4))
        image = packed['inputs']
        mask = packed['data_samples'].gt_motion_mask
        assert image.shape == (3, 299, 299) and mask.shape == (1, 299, 299)
        assert (image[0] == mask[0]).all()
        positions.add(tuple(image[0, ::149, ::149].flatten().tolist()))
    assert len(positions) > 3  # the crops and flips really varied
    test_pipeline = Compose(cfg.test_pipeline)
    packed = test_pipeline(
        dict(
            img_path=str(tmp_path / 'face.png'),
            motion_mask_path=str(tmp_path / 'mask.png'),
            gt_label=4))
    assert (packed['inputs'][0] == packed['data_samples'].gt_motion_mask[0]).all()


@pytest.mark.parametrize('content,reason', [(b'', 'empty file'), (b'not a png', 'not an image')])
def test_unreadable_image_is_an_error_when_the_dataset_is_built(tiny_root, content, reason):
    name = read_split_file(osp.join(tiny_root, 'test_ids_0.csv'))[1]
    with open(osp.join(tiny_root, 'imgs', name), 'wb') as file:
        file.write(content)
    with pytest.raises(ValueError, match=f'{re.escape(name)} \\({reason}'):
        CKPlusDataset(tiny_root, fold=0, split='test')


def test_reader_of_the_authors_layout_gives_annotations(tiny_root):
    from mmfmpn.datasets import read_fmpn_ckplus_annotations
    annotations = read_fmpn_ckplus_annotations(osp.join(tiny_root, 'emotion_labels.pkl'))
    assert len(annotations) == 4 * 7 * 3
    first = annotations[0]
    assert first.image.startswith('imgs/S005_001_')
    assert (first.label, first.subject, first.sequence) == ('anger', 'S005', 'S005_001')
