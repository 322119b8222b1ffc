"""Landmark prior maps, the LandmarkPriorMask transform, and the configs that use them."""
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS

import mmfmpn  # noqa: F401
import mmfmpn.datasets.fer_annotation  # noqa: F401  registers the datasets
from mmfmpn.datasets.transforms.landmark_prior import LandmarkPriorMask
from mmfmpn.masks.alignment import REFERENCE_FIVE_POINTS, transform_points
from mmfmpn.masks.landmark_prior import landmark_key_points, landmark_prior_map
from mmfmpn.masks.landmarks import NOSE_INDEX

CONFIG_DIR = Path(__file__).resolve().parents[1] / 'configs'
#: Reference five points in the 70x70 crop (pupillary distance about 35 px).
FACE = REFERENCE_FIVE_POINTS + (34.5 - REFERENCE_FIVE_POINTS[NOSE_INDEX])


def test_map_shape_range_and_peaks_at_the_key_points():
    prior = landmark_prior_map(FACE, (70, 70))
    assert prior.shape == (70, 70) and prior.dtype == np.float32
    assert prior.min() >= 0 and prior.max() == pytest.approx(1.0)
    points, pupillary_distance = landmark_key_points(FACE)
    assert len(points) == 9 and pupillary_distance == pytest.approx(35.2, abs=0.1)
    # Brows: half a pupillary distance above each eye; cheeks below.
    np.testing.assert_allclose(points[5], FACE[0] - [0, pupillary_distance / 2], atol=0.5)
    np.testing.assert_allclose(points[7], FACE[0] + [0, pupillary_distance / 2], atol=0.5)
    for x, y in np.rint(points).astype(int):
        if 0 <= x < 70 and 0 <= y < 70:
            window = prior[max(y - 4, 0):y + 5, max(x - 4, 0):x + 5]
            assert prior[y, x] >= window.max() - 0.05  # a local peak
            assert prior[y, x] > 0.5
    # Far from the face the map is dark (in the 70x70 crop the brow points lie at the
    # top edge, so look at a larger canvas).
    canvas = landmark_prior_map(FACE + 35, (140, 140))
    assert max(canvas[0, 0], canvas[0, -1], canvas[-1, 0], canvas[-1, -1]) < 0.01


def test_map_follows_a_rolled_and_scaled_face_and_68_points():
    angle = np.deg2rad(20)
    roll = 1.5 * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    matrix = np.hstack([roll, [[20], [10]]])
    rolled = transform_points(FACE, matrix)
    prior = landmark_prior_map(rolled, (140, 140))
    expected = cv2.warpAffine(landmark_prior_map(FACE, (70, 70)), matrix, (140, 140))
    inside = expected > 0.05
    assert np.abs(prior - expected)[inside].mean() < 0.05
    # Sigma is relative to the pupillary distance: half the sigma, narrower peaks.
    narrow = landmark_prior_map(FACE, (70, 70), sigma_ratio=0.125)
    assert narrow.mean() < landmark_prior_map(FACE, (70, 70)).mean()
    landmarks68 = np.zeros((68, 2))
    landmarks68[36:42], landmarks68[42:48] = FACE[0], FACE[1]
    landmarks68[30], landmarks68[48], landmarks68[54] = FACE[2], FACE[3], FACE[4]
    np.testing.assert_allclose(
        landmark_prior_map(landmarks68, (70, 70)), landmark_prior_map(FACE, (70, 70)), atol=1e-6)


@pytest.mark.parametrize('landmarks, message', [
    (np.zeros((4, 2)), r'expected \(5, 2\) or \(68, 2\)'),
    (np.zeros((5, 2)), 'eye centres are 0.00 px apart'),
    (FACE + 5000, 'far outside the 70x70 image'),
])
def test_map_rejects_bad_landmarks(landmarks, message):
    with pytest.raises(ValueError, match=message):
        landmark_prior_map(landmarks, (70, 70))


def test_transform_alone_blended_and_its_errors():
    image = np.zeros((70, 70, 3), np.uint8)
    alone = LandmarkPriorMask()(dict(img=image, landmarks=FACE, img_path='a.png'))
    mask = alone['gt_motion_mask']
    assert mask.dtype == np.uint8 and mask.shape == (70, 70) and mask.max() == 255
    class_mask = np.full((70, 70), 100, np.uint8)
    blended = LandmarkPriorMask(blend=0.25)(dict(
        img=image, landmarks=FACE, gt_motion_mask=class_mask))['gt_motion_mask']
    np.testing.assert_allclose(blended, 0.25 * mask + 75, atol=1.0)
    with pytest.raises(KeyError, match='no gt_motion_mask to blend with'):
        LandmarkPriorMask(blend=0.5)(dict(img=image, landmarks=FACE))
    with pytest.raises(ValueError, match='set blend=alpha'):
        LandmarkPriorMask()(dict(img=image, landmarks=FACE, gt_motion_mask=class_mask))
    with pytest.raises(KeyError, match='b.png has no landmarks'):
        LandmarkPriorMask()(dict(img=image, img_path='b.png'))
    with pytest.raises(ValueError, match='blend must be in'):
        LandmarkPriorMask(blend=1.5)


@pytest.fixture
def tiny_affectnet(tmp_path):
    """Converted-AffectNet layout: one face per class with landmarks, CK+ masks beside."""
    from mmfmpn.datasets.categories import AFFECTNET7_CLASSES
    root = tmp_path / 'affectnet'
    (root / 'imgs').mkdir(parents=True)
    landmarks = ';'.join(f'{value:.2f}' for value in FACE.reshape(-1))
    lines = ['image,label,subject,sequence,neutral,landmarks']
    for label in AFFECTNET7_CLASSES:
        cv2.imwrite(str(root / 'imgs' / f'{label}.png'), np.full((70, 70), 128, np.uint8))
        lines.append(f'imgs/{label}.png,{label},,,,{landmarks}')
    (root / 'annotations.csv').write_text('\n'.join(lines) + '\n')
    for split in ('train', 'val', 'test'):
        (root / f'{split}_ids.csv').write_text('\n'.join(f'{label}.png'
                                                         for label in AFFECTNET7_CLASSES))
    masks = tmp_path / 'ckplus' / 'imgs_res' / 'all'
    masks.mkdir(parents=True)
    for index in range(7):
        cv2.imwrite(str(masks / f'{index}.png'), np.full((70, 70), 40 * index, np.uint8))
    return root


@pytest.mark.parametrize(
    'config', ['fmpn_inceptionv3_affectnet.py', 'fmpn-landmark-prior_inceptionv3_affectnet.py'])
def test_affectnet_configs_load_items_and_masks_through_their_pipelines(config, tiny_affectnet):
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(str(CONFIG_DIR / 'fmpn' / config))
    assert cfg.model.backbone.num_classes == 7 and cfg.load_from is None
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset_cfg = cfg[loader].dataset
        assert 'fold' not in dataset_cfg  # tools/train.py --fold must not apply
        dataset_cfg.data_root = str(tiny_affectnet)
        dataset = DATASETS.build(dataset_cfg)
        packed = dataset[5]  # anger: CK+ mask 0
        assert packed['inputs'].shape == (3, 299, 299)
        mask = packed['data_samples'].gt_motion_mask
        assert mask.shape == (1, 299, 299)
        centre = int(mask[0, 149, 149])
        if 'landmark-prior' in config:
            assert 0 < mask.float().mean() < 128  # half of a prior map over 0
        else:
            assert centre == 0


@pytest.mark.parametrize('config, num_classes', [('fmpn/fmg_inceptionv3_oulu-casia.py', 6),
                                                 ('fmpn/fmpn_inceptionv3_oulu-casia.py', 6),
                                                 ('fmpn/fmg_inceptionv3_mmi.py', 6),
                                                 ('fmpn/fmpn_inceptionv3_mmi.py', 6),
                                                 ('fmpn/fmpn_inceptionv3_fer-annotation.py', 3)])
def test_six_class_and_user_configs(config, num_classes):
    cfg = Config.fromfile(str(CONFIG_DIR / config))
    if 'backbone' in cfg.model:  # stage 1 holds the mask generator only
        assert cfg.model.backbone.num_classes == num_classes
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.fold == 0
    assert cfg.test_dataloader.dataset.split == 'test'
