import pickle
from pathlib import Path

import cv2
import numpy as np
import pytest
from raw_ckplus_fixture import draw_face, face_to_frame_matrix, template_landmarks

from mmfmpn.masks.alignment import (ALIGNED_FACE_SIZE, REFERENCE_FIVE_POINTS, align_face,
                                    alignment_matrix, estimate_similarity_transform,
                                    transform_points)
from mmfmpn.masks.landmarks import (ckplus_frame_key, five_alignment_points, five_points_from_68,
                                    load_mtcnn_five_points)

OFFICIAL_DIR = (Path(__file__).resolve().parents[2] / 'shared' / 'reference' / 'fmpn-official')
CROP_SIZE = ALIGNED_FACE_SIZE
#: Where the reference five points land in the 70x70 crop (nose tip at its centre).
REFERENCE_IN_CROP = REFERENCE_FIVE_POINTS - REFERENCE_FIVE_POINTS[2] + (CROP_SIZE - 1) / 2


def similarity(scale, degrees, translation):
    angle = np.deg2rad(degrees)
    linear = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return np.hstack([linear, np.asarray(translation, float)[:, None]])


def test_five_points_from_68_uses_eye_means_nose_and_mouth_corners():
    landmarks = np.arange(136, dtype=np.float64).reshape(68, 2)
    five_points = five_points_from_68(landmarks)
    np.testing.assert_allclose(five_points[0], landmarks[36:42].mean(axis=0))
    np.testing.assert_allclose(five_points[1], landmarks[42:48].mean(axis=0))
    np.testing.assert_allclose(five_points[2:], landmarks[[30, 48, 54]])
    with pytest.raises(ValueError, match=r'\(68, 2\)'):
        five_points_from_68(landmarks[:5])


def test_similarity_recovers_a_known_transform():
    rng = np.random.default_rng(0)
    src = rng.uniform(0, 100, size=(5, 2))
    matrix = similarity(1.7, 12.0, [30.0, -8.0])
    estimated = estimate_similarity_transform(src, transform_points(src, matrix))
    np.testing.assert_allclose(estimated, matrix, atol=1e-9)


def test_similarity_is_least_squares_without_reflection():
    rng = np.random.default_rng(1)
    src = rng.uniform(0, 100, size=(5, 2))
    matrix = similarity(0.5, -20.0, [3.0, 4.0])
    noisy = transform_points(src, matrix) + rng.normal(0, 0.5, size=(5, 2))
    estimated = estimate_similarity_transform(src, noisy)
    residual = np.abs(transform_points(src, estimated) - noisy).max()
    assert residual < 2.0
    mirrored = src * [-1, 1]
    no_reflection = estimate_similarity_transform(src, mirrored)
    assert np.linalg.det(no_reflection[:, :2]) > 0
    with pytest.raises(ValueError, match='coincide'):
        estimate_similarity_transform(np.ones((5, 2)), src)


@pytest.mark.parametrize('seed', range(5))
def test_aligned_landmarks_land_on_the_reference_points(seed):
    to_frame = face_to_frame_matrix(np.random.default_rng(seed))
    neutral = transform_points(template_landmarks(), to_frame)
    matrix = alignment_matrix(five_points_from_68(neutral), CROP_SIZE)
    assert matrix.shape == (2, 3)
    aligned = transform_points(five_points_from_68(neutral), matrix)
    np.testing.assert_allclose(aligned, REFERENCE_IN_CROP, atol=1e-6)
    # Landmark detectors are off by a pixel or so; the points still land close.
    noisy = neutral + np.random.default_rng(seed).normal(0, 1.0, neutral.shape)
    noisy_points = five_points_from_68(noisy)
    aligned = transform_points(noisy_points, alignment_matrix(noisy_points, CROP_SIZE))
    assert np.linalg.norm(aligned - REFERENCE_IN_CROP, axis=1).max() < 2.0


def test_align_face_puts_the_drawn_pupils_and_nose_on_the_reference():
    to_frame = face_to_frame_matrix(np.random.default_rng(3))
    landmarks = transform_points(template_landmarks(), to_frame)
    frame = draw_face(landmarks)
    nose = tuple(np.rint(landmarks[30] * 16).astype(int))
    cv2.circle(frame, nose, 2 * 16, 255, -1, cv2.LINE_AA, 4)
    aligned = align_face(frame, five_points_from_68(landmarks), CROP_SIZE)
    assert aligned.shape == (CROP_SIZE, CROP_SIZE)
    assert aligned.dtype == np.uint8

    def blob_centre(mask):
        rows, cols = np.nonzero(mask)
        return np.array([cols.mean(), rows.mean()])

    window = np.zeros_like(aligned, dtype=bool)
    centre = np.rint(REFERENCE_IN_CROP[2]).astype(int)
    window[centre[1] - 4:centre[1] + 5, centre[0] - 4:centre[0] + 5] = True
    nose_centre = blob_centre(window & (aligned > 200))
    assert np.linalg.norm(nose_centre - REFERENCE_IN_CROP[2]) < 1.0
    for eye in REFERENCE_IN_CROP[:2]:
        window[:] = False
        x, y = np.rint(eye).astype(int)
        window[y - 5:y + 6, x - 5:x + 6] = True
        pupil_centre = blob_centre(window & (aligned < 60))
        assert np.linalg.norm(pupil_centre - eye) < 1.5


def test_align_face_converts_colour_to_gray():
    to_frame = face_to_frame_matrix(np.random.default_rng(4))
    landmarks = transform_points(template_landmarks(), to_frame)
    gray = draw_face(landmarks)
    five_points = five_points_from_68(landmarks)
    from_colour = align_face(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), five_points)
    np.testing.assert_array_equal(from_colour, align_face(gray, five_points))


def test_mtcnn_pickle_keeps_the_best_detection_and_matches_trailing_keys(tmp_path):
    good = np.array([[1, 2, 3, 4, 5, 11, 12, 13, 14, 15]], dtype=np.float32)
    weak = np.full((1, 10), -1, dtype=np.float32)
    detections = {
        '/data/CKP/cohn-kanade-images/S005/001/S005_001_00000001.png':
        [np.array([[0, 0, 9, 9, 1.0]]), good],
        'C:\\ck\\S010\\002\\S010_002_00000004.png':
        [np.array([[0, 0, 9, 9, 0.3], [0, 0, 9, 9, 0.99]]),
         np.concatenate([weak, good])],
    }
    pkl_path = tmp_path / 'bbox_landmark_mtcnn.pkl'
    pkl_path.write_bytes(pickle.dumps(detections))
    five_points = load_mtcnn_five_points(str(pkl_path))
    assert set(five_points) == {'S005/001/S005_001_00000001.png', 'S010/002/S010_002_00000004.png'}
    expected = np.array([[1, 11], [2, 12], [3, 13], [4, 14], [5, 15]], float)
    for points in five_points.values():
        np.testing.assert_array_equal(points, expected)
    assert ckplus_frame_key(
        Path('/x/y/S005/001/S005_001_00000001.png')) == ('S005/001/S005_001_00000001.png')


@pytest.mark.skipif(
    not (OFFICIAL_DIR / 'CKPlus' / 'bbox_landmark_mtcnn.pkl').is_file(),
    reason=f'the FMPN authors\' release is not at {OFFICIAL_DIR}')
def test_reads_the_authors_mtcnn_pickle():
    five_points = load_mtcnn_five_points(str(OFFICIAL_DIR / 'CKPlus' / 'bbox_landmark_mtcnn.pkl'))
    assert len(five_points) == 2372
    points = five_points['S005/001/S005_001_00000001.png']
    assert points.shape == (5, 2)
    # Image-left eye first, mouth below the nose below the eyes.
    assert points[0, 0] < points[1, 0] and points[3, 0] < points[4, 0]
    assert points[:2, 1].max() < points[2, 1] < points[3:, 1].min()


#: A frontal face in a 100x100 image.
FRONTAL = np.array([[35, 40], [65, 40], [50, 55], [38, 72], [62, 72]], dtype=np.float64)


def test_five_alignment_points_accepts_5_or_68_points_of_a_face():
    np.testing.assert_array_equal(five_alignment_points(FRONTAL, (100, 100)), FRONTAL)
    landmarks68 = np.zeros((68, 2))
    landmarks68[36:42], landmarks68[42:48] = FRONTAL[0], FRONTAL[1]
    landmarks68[30], landmarks68[48], landmarks68[54] = FRONTAL[2:]
    np.testing.assert_array_equal(five_alignment_points(landmarks68), FRONTAL)


@pytest.mark.parametrize('landmarks, message', [
    (FRONTAL[:4], r'expected \(5, 2\) or \(68, 2\)'),
    (np.where(np.eye(5, 2, dtype=bool), np.nan, FRONTAL), 'NaN or infinite'),
    (np.where(np.eye(5, 2, dtype=bool), np.inf, FRONTAL), 'NaN or infinite'),
    (np.full((5, 2), 50.0), 'coincident'),
    (FRONTAL[[1, 0, 2, 3, 4]], 'swapped or misplaced'),
    (FRONTAL * [1, 20], 'swapped or misplaced'),
    (FRONTAL + 1e6, 'outside the 100x100 image'),
])
def test_five_alignment_points_refuses_what_is_no_face(landmarks, message):
    with pytest.raises(ValueError, match=message):
        five_alignment_points(landmarks, (100, 100, 3))
