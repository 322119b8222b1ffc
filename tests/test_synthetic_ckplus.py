"""Tests of the synthetic CK+ generator: layout, file formats, determinism and expressions."""
import importlib.util
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmfmpn.datasets.categories import CKPLUS_CLASSES
from mmfmpn.synthesis import face_model, generate_synthetic_ckplus
from mmfmpn.synthesis.ckplus import CKPLUS_FOLDERS

REPO_ROOT = Path(__file__).resolve().parents[1]
IMAGE_NAME = re.compile(r'^(S\d{3})_(\d{3})_(\d{8})\.png$')
LANDMARK_LINE = re.compile(r'^ {3}\d\.\d{7}e[+-]\d{2} {3}\d\.\d{7}e[+-]\d{2}$')
EMOTION_TEXT = re.compile(r'^ {3}[1-7]\.0{7}e\+00\n$')


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    """Three subjects (14 sequences) written once for the whole module."""
    out_dir = tmp_path_factory.mktemp('synthetic') / 'ckplus'
    summary = generate_synthetic_ckplus(str(out_dir), num_subjects=3, seed=0)
    return out_dir, summary


def sequence_dirs(out_dir: Path):
    return sorted((out_dir / 'cohn-kanade-images').glob('S*/*'))


def read_landmarks(path: Path) -> np.ndarray:
    return np.array(path.read_text().split(), dtype=np.float64).reshape(-1, 2)


def landmark_path(out_dir: Path, image_path: Path) -> Path:
    subject, number = image_path.parts[-3:-1]
    return out_dir / 'Landmarks' / subject / number / f'{image_path.stem}_landmarks.txt'


def tree_bytes(out_dir: Path) -> dict:
    return {
        str(path.relative_to(out_dir)): path.read_bytes()
        for path in sorted(out_dir.rglob('*')) if path.is_file()
    }


def test_layout_and_names(tiny_set):
    out_dir, summary = tiny_set
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(CKPLUS_FOLDERS)
    subjects = sorted(p.name for p in (out_dir / 'cohn-kanade-images').iterdir())
    assert subjects[0] == 'S005' and len(subjects) == summary['subjects'] == 3
    assert len(sequence_dirs(out_dir)) == summary['sequences']
    num_frames = 0
    for sequence_dir in sequence_dirs(out_dir):
        subject, number = sequence_dir.parts[-2:]
        assert re.fullmatch(r'S\d{3}', subject) and re.fullmatch(r'\d{3}', number)
        names = sorted(p.name for p in sequence_dir.iterdir())
        matches = [IMAGE_NAME.match(name) for name in names]
        assert all(matches), names
        assert {(m.group(1), m.group(2)) for m in matches} == {(subject, number)}
        assert [int(m.group(3)) for m in matches] == list(range(1, len(names) + 1))
        assert 6 <= len(names) <= 10
        landmark_dir = out_dir / 'Landmarks' / subject / number
        assert sorted(p.name for p in landmark_dir.iterdir()) == [
            name.replace('.png', '_landmarks.txt') for name in names
        ]
        num_frames += len(names)
    assert num_frames == summary['frames']
    assert not list(out_dir.rglob('*.tmp')), 'temporary files left behind'


def test_images_are_gray_640x490(tiny_set):
    out_dir, _ = tiny_set
    for sequence_dir in sequence_dirs(out_dir)[:3]:
        for image_path in sorted(sequence_dir.glob('*.png')):
            image = cv2.imread(str(image_path), cv2.IMREAD_UNCHANGED)
            assert image.shape == (490, 640) and image.dtype == np.uint8
            assert 20 < image.std() and image.min() < image.max()


def test_landmark_files_hold_68_points_inside_the_image(tiny_set):
    out_dir, _ = tiny_set
    for landmark_file in (out_dir / 'Landmarks').rglob('*_landmarks.txt'):
        lines = landmark_file.read_text().splitlines()
        assert len(lines) == 68
        assert all(LANDMARK_LINE.match(line) for line in lines), lines[0]
        points = read_landmarks(landmark_file)
        assert np.all(points >= 0) and np.all(points[:, 0] < 640) and np.all(points[:, 1] < 490)


def test_landmarks_are_ibug_ordered(tiny_set):
    out_dir, _ = tiny_set
    points = read_landmarks(next((out_dir / 'Landmarks').rglob('*_00000001_landmarks.txt')))
    left_eye, right_eye = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    assert left_eye[0] < points[30, 0] < right_eye[0]  # image-left eye first
    assert points[17:22, 0].max() < points[22:27, 0].min()
    assert points[30, 1] > left_eye[1] and points[51, 1] > points[33, 1] > points[30, 1]
    assert points[48, 0] < points[51, 0] < points[54, 0]
    assert points[8, 1] > points[57, 1] > points[51, 1]  # chin below the lips


def test_emotion_files_only_on_the_peak_frame(tiny_set):
    out_dir, summary = tiny_set
    codes = []
    for sequence_dir in sequence_dirs(out_dir):
        subject, number = sequence_dir.parts[-2:]
        emotion_dir = out_dir / 'Emotion' / subject / number
        assert emotion_dir.is_dir()  # as in CK+, unlabelled sequences keep an empty folder
        emotion_files = list(emotion_dir.iterdir())
        assert len(emotion_files) <= 1
        if emotion_files:
            last_frame = sorted(sequence_dir.glob('*.png'))[-1]
            assert emotion_files[0].name == f'{last_frame.stem}_emotion.txt'
            text = emotion_files[0].read_text()
            assert EMOTION_TEXT.match(text), repr(text)
            codes.append(int(float(text)))
    assert len(codes) == summary['labelled_sequences'] < summary['sequences']
    assert {name: codes.count(index + 1) for index, name in enumerate(CKPLUS_CLASSES)} == \
        summary['class_counts']


def test_same_seed_gives_the_same_bytes_whatever_else_is_generated(tiny_set, tmp_path):
    # One subject alone, rendered by two processes, must come out exactly as the first
    # subject of the three-subject set rendered by one.
    out_dir, _ = tiny_set
    generate_synthetic_ckplus(str(tmp_path / 'one'), num_subjects=1, seed=0, num_workers=2)
    alone = tree_bytes(tmp_path / 'one')
    first_subject = {name: data for name, data in tree_bytes(out_dir).items() if '/S005/' in name}
    assert alone == first_subject


def test_refuses_a_non_empty_folder(tiny_set):
    out_dir, _ = tiny_set
    with pytest.raises(FileExistsError, match='overwrite'):
        generate_synthetic_ckplus(str(out_dir), num_subjects=1)


def test_overwrite_replaces_only_the_ckplus_folders(tmp_path):
    stale = tmp_path / 'Emotion' / 'S999' / '001' / 'S999_001_00000005_emotion.txt'
    stale.parent.mkdir(parents=True)
    stale.write_text('   1.0000000e+00\n')
    (tmp_path / 'notes.txt').write_text('keep me')
    generate_synthetic_ckplus(str(tmp_path), num_subjects=1, seed=0, overwrite=True)
    assert not stale.exists()
    assert (tmp_path / 'notes.txt').read_text() == 'keep me'
    assert (tmp_path / 'cohn-kanade-images' / 'S005').is_dir()


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match='num_subjects'):
        generate_synthetic_ckplus(str(tmp_path / 'a'), num_subjects=0)
    with pytest.raises(ValueError, match='fewer subjects'):
        generate_synthetic_ckplus(str(tmp_path / 'b'), num_subjects=2000)
    with pytest.raises(ValueError, match='unknown action units'):
        face_model.build_face(
            face_model.FaceIdentity.sample(np.random.default_rng(0)), {'AU99': 1.0})


def test_every_ckplus_class_has_an_expression():
    assert sorted(face_model.EXPRESSION_ACTION_UNITS) == sorted(CKPLUS_CLASSES)


def region_changes(neutral: np.ndarray, peak: np.ndarray, landmarks: np.ndarray) -> dict:
    """Mean absolute change per face region, regions placed from the neutral landmarks."""
    brow_top = landmarks[17:27, 1].min()
    eye_y = landmarks[36:48, 1].mean()
    gap = eye_y - brow_top
    boxes = {
        'forehead': (landmarks[19, 0], landmarks[24, 0], brow_top - gap, brow_top - 0.2 * gap),
        'brows': (landmarks[17, 0], landmarks[26, 0], brow_top - 0.3 * gap, eye_y - 0.3 * gap),
        'eyes': (landmarks[36, 0], landmarks[45, 0], eye_y - 0.3 * gap, eye_y + 0.3 * gap),
        'nose': (landmarks[31, 0], landmarks[35, 0], landmarks[29, 1], landmarks[33, 1]),
        'mouth':
        (landmarks[48, 0], landmarks[54, 0], landmarks[50:53, 1].min(), landmarks[56:59, 1].max()),
    }
    change = np.abs(peak.astype(np.float64) - neutral)
    return {
        name: change[int(y0):int(y1), int(x0):int(x1)].mean()
        for name, (x0, x1, y0, y1) in boxes.items()
    }


# Regions each prototype must change (mean change > 4 gray levels) and leave alone (< 1.5).
EXPECTED_REGIONS = {
    'anger': ({'brows', 'eyes', 'mouth'}, {'forehead', 'nose'}),
    'contempt': ({'mouth'}, {'forehead', 'brows', 'eyes', 'nose'}),
    'disgust': ({'brows', 'nose', 'mouth'}, set()),
    'fear': ({'forehead', 'brows', 'eyes', 'mouth'}, {'nose'}),
    'happy': ({'eyes', 'mouth'}, {'forehead', 'nose'}),
    'sadness': ({'forehead', 'brows', 'mouth'}, {'nose'}),
    'surprise': ({'forehead', 'brows', 'eyes', 'mouth'}, {'nose'}),
}


@pytest.mark.parametrize('expression', sorted(EXPECTED_REGIONS))
@pytest.mark.parametrize('identity_seed', [0, 1])
def test_expressions_move_their_facs_regions(expression, identity_seed):
    rng = np.random.default_rng(identity_seed)
    identity = face_model.FaceIdentity.sample(rng)
    setup = face_model.CaptureSetup.sample(rng)
    neutral, landmarks = face_model.render_frame(face_model.build_face(identity, {}), setup)
    peak, _ = face_model.render_frame(
        face_model.build_face(identity, face_model.EXPRESSION_ACTION_UNITS[expression]), setup)
    changes = region_changes(neutral, peak, landmarks)
    moving, still = EXPECTED_REGIONS[expression]
    assert all(changes[name] > 4 for name in moving), changes
    assert all(changes[name] < 1.5 for name in still), changes


def labelled_sequence(out_dir, expression):
    """``(subject, number)`` of the first written sequence labelled ``expression``."""
    code = CKPLUS_CLASSES.index(expression) + 1
    emotion_file = next(
        path for path in (out_dir / 'Emotion').rglob('*_emotion.txt')
        if int(float(path.read_text())) == code)
    return emotion_file.parts[-3:-1]


def test_written_happy_sequence_changes_the_mouth_not_the_forehead(tiny_set):
    out_dir, _ = tiny_set
    subject, number = labelled_sequence(out_dir, 'happy')
    frames = sorted((out_dir / 'cohn-kanade-images' / subject / number).glob('*.png'))
    neutral, peak = (
        cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) for path in (frames[0], frames[-1]))
    changes = region_changes(neutral, peak, read_landmarks(landmark_path(out_dir, frames[0])))
    assert changes['mouth'] > 3 * changes['forehead'], changes


def test_landmarks_follow_the_expression(tiny_set):
    out_dir, _ = tiny_set
    subject, number = labelled_sequence(out_dir, 'surprise')
    landmark_files = sorted((out_dir / 'Landmarks' / subject / number).iterdir())
    neutral, peak = read_landmarks(landmark_files[0]), read_landmarks(landmark_files[-1])
    # Inner lower lip (66) minus inner upper lip (62): the jaw drop opens the mouth.
    opening = peak[66, 1] - peak[62, 1]
    assert opening > neutral[66, 1] - neutral[62, 1] + 10


def test_command_line_tool_and_seeds(tiny_set, tmp_path, capsys):
    out_dir, _ = tiny_set
    spec = importlib.util.spec_from_file_location(
        'make_synthetic_ckplus',
        REPO_ROOT / 'tools' / 'dataset_converters' / 'make_synthetic_ckplus.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    with pytest.raises(SystemExit) as exit_info:
        tool.main(['--help'])
    assert exit_info.value.code == 0
    with pytest.raises(SystemExit, match='not empty'):
        tool.main([str(out_dir), '--subjects', '1'])

    tool.main([str(tmp_path / 'cli'), '--subjects', '1', '--seed', '1', '--workers', '1'])
    assert 'subjects 1, sequences' in capsys.readouterr().out
    first = next((out_dir / 'cohn-kanade-images').rglob('*_00000001.png'))
    other_seed = next((tmp_path / 'cli' / 'cohn-kanade-images').rglob('*_00000001.png'))
    assert first.read_bytes() != other_seed.read_bytes()
