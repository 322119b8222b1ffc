"""Expression synthesis on real faces: landmarks, warp, mouth, registration, the CK+ writer."""
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfmpn.evaluation.smile_check import PairScores, smile_check_summary
from mmfmpn.masks.registration import aligned_face_regions, face_region, refine_registration
from mmfmpn.synthesis.real_faces.ckplus import (DEFAULT_FACES_DIR, REAL_SMILE,
                                                generate_real_face_ckplus, plan_sequences,
                                                read_faces)
from mmfmpn.synthesis.real_faces.expression_transfer import landmark_motion, warp_to_landmarks
from mmfmpn.synthesis.real_faces.landmarks import london_to_ibug68
from mmfmpn.synthesis.real_faces.photo_rendering import (crease_shading, mouth_opening,
                                                         render_mouth_interior)

LONDON_ROOT = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'reference' / 'london-faces'


@pytest.fixture(scope='module')
def face():
    """The first shipped London crop: ``(128, 128)`` uint8 and its 68 landmarks."""
    entry = json.loads((DEFAULT_FACES_DIR / 'faces.json').read_text())[0]
    image = cv2.imread(str(DEFAULT_FACES_DIR / entry['neutral']), cv2.IMREAD_GRAYSCALE)
    return image, np.array(entry['landmarks_68'])


@pytest.mark.skipif(
    not (LONDON_ROOT / 'annotations.json').is_file(),
    reason='../shared/reference/london-faces is absent')
def test_london_189_points_reduce_to_68_on_the_lab_points():
    person = json.loads((LONDON_ROOT / 'annotations.json').read_text())[0]
    landmarks = london_to_ibug68(person['neutral_landmarks_189'])
    five = np.array(person['neutral_landmarks_5'])
    assert landmarks.shape == (68, 2)
    # Eye centres near the pupils, mouth corners on the lab's corners.
    eye_centres = np.stack([landmarks[36:42].mean(axis=0), landmarks[42:48].mean(axis=0)])
    assert np.abs(eye_centres - five[:2]).max() < 4
    np.testing.assert_allclose(landmarks[[48, 54]], five[3:], atol=1e-6)
    assert landmarks[8, 1] > landmarks[57, 1] > landmarks[33, 1] > landmarks[27, 1]
    with pytest.raises(ValueError, match='189'):
        london_to_ibug68(np.zeros((68, 2)))


def test_landmark_motion_follows_the_action_units(face):
    _, landmarks = face
    np.testing.assert_array_equal(landmark_motion(landmarks, {}), 0)
    smile = landmark_motion(landmarks, {'AU12': 1.0})
    assert smile[48, 1] < -1 and smile[54, 1] < -1  # corners rise
    assert smile[48, 0] < 0 < smile[54, 0]  # and widen
    jaw_drop = landmark_motion(landmarks, {'AU26': 1.0})
    assert jaw_drop[8, 1] > 5 and abs(jaw_drop[8, 0]) < 1
    with pytest.raises(ValueError, match='unknown action units'):
        landmark_motion(landmarks, {'AU99': 1.0})


def test_warp_is_the_identity_at_zero_motion(face):
    image, landmarks = face
    np.testing.assert_array_equal(warp_to_landmarks(image, landmarks, landmarks), image)


def test_warp_moves_each_landmark_where_the_motion_says(face):
    image, landmarks = face
    # On whole pixels, so that reading a landmark's pixel involves no interpolation across
    # mesh triangles.
    moved = np.round(landmarks + landmark_motion(landmarks, {'AU12': 1.0, 'AU26': 0.8, 'AU1': 1.0}))
    # Images that hold their own coordinates (linear, so the warp's sampling is exact on them).
    height, width = image.shape
    x_ramp = np.tile(np.arange(width, dtype=np.float32), (height, 1))
    y_ramp = np.tile(np.arange(height, dtype=np.float32)[:, None], (1, width))
    warped_x = warp_to_landmarks(x_ramp, landmarks, moved)
    warped_y = warp_to_landmarks(y_ramp, landmarks, moved)
    rows, columns = moved[:, 1].astype(int), moved[:, 0].astype(int)
    np.testing.assert_allclose(warped_x[rows, columns], landmarks[:, 0], atol=1e-3)
    np.testing.assert_allclose(warped_y[rows, columns], landmarks[:, 1], atol=1e-3)
    # The background in the top corners stays put.
    np.testing.assert_allclose(warped_x[:8, [0, -1]], [[0, width - 1]] * 8, atol=1e-3)
    np.testing.assert_allclose(warped_y[:8, [0, -1]], y_ramp[:8, [0, -1]], atol=1e-3)


def test_mouth_interior_is_painted_only_between_parted_lips(face):
    image, landmarks = face
    image = image.astype(np.float32)
    assert mouth_opening(landmarks) < 1
    np.testing.assert_array_equal(render_mouth_interior(image, landmarks), image)
    barely_parted = landmarks.copy()
    barely_parted[65:68, 1] += 0.3
    np.testing.assert_array_equal(render_mouth_interior(image, barely_parted), image)
    moved = landmarks + landmark_motion(landmarks, {'AU25': 1.0, 'AU26': 1.0})
    assert mouth_opening(moved) > 4
    warped = warp_to_landmarks(image, landmarks, moved)
    painted = render_mouth_interior(warped, moved)
    inner = np.round(moved[60:68]).astype(np.int32)
    inside = np.zeros(image.shape, np.uint8)
    cv2.fillPoly(inside, [inner], 1)
    inside = cv2.erode(inside, np.ones((3, 3), np.uint8)).astype(bool)
    outside = ~cv2.dilate(inside.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    np.testing.assert_array_equal(painted[outside], warped[outside])
    skin = float(np.median(image[40:90, 30:100]))
    column = int(round((moved[62, 0] + moved[66, 0]) / 2))
    rows = np.flatnonzero(inside[:, column])
    # Teeth under the upper lip, a dark cavity further down.
    assert painted[rows[0], column] > 0.8 * skin
    assert painted[rows, column].min() < 0.5 * skin


def test_creases_darken_only_when_action_units_are_on(face):
    image, landmarks = face
    assert not crease_shading(landmarks, {}, image.shape).any()
    frown = crease_shading(landmarks, {'AU4': 1.0}, image.shape)
    between_brows = np.round((landmarks[21] + landmarks[22]) / 2).astype(int)
    assert frown[between_brows[1] - 3:between_brows[1] + 4,
                 between_brows[0] - 4:between_brows[0] + 5].min() < -0.1
    assert frown[-10:, :].min() == 0  # nothing on the neck


def test_registration_refinement_undoes_a_small_head_motion(face):
    image, landmarks = face
    moved = cv2.warpAffine(
        image,
        cv2.getRotationMatrix2D((64, 64), 1.5, 1.01) + [[0, 0, 1.6], [0, 0, -1.2]],
        image.shape[::-1],
        borderMode=cv2.BORDER_REPLICATE)
    region = face_region(landmarks, image.shape)
    before = np.abs(moved.astype(float) - image)[region > 0].mean()
    registration = refine_registration(moved, image, region)
    after = np.abs(registration.image.astype(float) - image)[region > 0].mean()
    assert registration.converged and after < 0.4 * before
    with pytest.raises(ValueError, match='one shape'):
        refine_registration(image, image[:-1])


def test_aligned_face_region_keeps_the_face_and_drops_the_corners():
    face, still = aligned_face_regions(70)
    assert face.shape == still.shape == (70, 70)
    assert face[35, 35] == 1 and face[0, 0] == face[0, 69] == face[69, 0] == 0
    assert still.sum() < face.sum() and not still[60:, :].any()


def test_real_face_sequences_in_the_ckplus_layout(tmp_path):
    entries = json.loads((DEFAULT_FACES_DIR / 'faces.json').read_text())[:1]
    faces_dir = tmp_path / 'faces'
    for kind in ('neutral', 'smiling'):
        (faces_dir / kind).mkdir(parents=True)
        shutil.copy(DEFAULT_FACES_DIR / entries[0][kind], faces_dir / entries[0][kind])
    (faces_dir / 'faces.json').write_text(json.dumps(entries))
    plans = plan_sequences(read_faces(faces_dir), seed=0)
    assert sorted(plan.expression for plan in plans).count(REAL_SMILE) == 1
    assert sorted(plan.label for plan in plans).count('happy') == 2

    summary = generate_real_face_ckplus(str(tmp_path / 'raw'), faces_dir=faces_dir)
    assert summary['sequences'] == 8 and summary['real_smiles'] == 1
    subject = f'S{int(entries[0]["subject"]):03d}'
    sequences = sorted((tmp_path / 'raw' / 'cohn-kanade-images' / subject).iterdir())
    assert len(sequences) == 8
    frames = sorted(sequences[0].glob('*.png'))
    assert 5 <= len(frames) <= 8
    assert cv2.imread(str(frames[0]), cv2.IMREAD_UNCHANGED).shape == (128, 128)
    landmark_file = (
        tmp_path / 'raw' / 'Landmarks' / subject / sequences[0].name /
        f'{frames[-1].stem}_landmarks.txt')
    assert len(landmark_file.read_text().splitlines()) == 68
    emotion = list((tmp_path / 'raw' / 'Emotion' / subject / sequences[0].name).iterdir())
    assert [path.name for path in emotion] == [f'{frames[-1].stem}_emotion.txt']
    with pytest.raises(FileExistsError):
        generate_real_face_ckplus(str(tmp_path / 'raw'), faces_dir=faces_dir)


def test_smile_check_auc_and_rates():
    pairs = [
        PairScores('1', 0.1, 0.9, 'sadness', 'happy'),
        PairScores('2', 0.4, 0.3, 'happy', 'disgust')
    ]
    summary = smile_check_summary(pairs)
    assert summary['auc'] == pytest.approx(0.75)
    assert summary['pair_accuracy'] == 0.5
    assert summary['smile_to_happy'] == summary['neutral_to_happy'] == 0.5
    with pytest.raises(ValueError):
        smile_check_summary([])
