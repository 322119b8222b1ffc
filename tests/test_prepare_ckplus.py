import csv
import pickle
import shutil
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from raw_ckplus_fixture import SequenceSpec, all_class_sequences, load_tool, write_raw_ckplus

from mmfmpn.datasets.categories import CKPLUS_CLASSES
from mmfmpn.datasets.converters import ConversionError, ConversionOptions, prepare_ckplus
from mmfmpn.datasets.folds import subject_folds
from mmfmpn.masks.alignment import REFERENCE_FIVE_POINTS
from mmfmpn.masks.landmarks import five_points_from_68
from mmfmpn.utils.safe_pickle import load_restricted_pickle

#: The command line, for its exit codes and messages; the logic is tested in the package.
prepare_tool = load_tool('tools/dataset_converters/prepare_ckplus.py')

OFFICIAL_DIR = (Path(__file__).resolve().parents[2] / 'shared' / 'reference' / 'fmpn-official')
SUBJECTS = ('S005', 'S010', 'S011', 'S014', 'S022', 'S026')
NUM_FRAMES = 4


def read_lines(path):
    return [line for line in path.read_text().splitlines() if line]


@pytest.fixture(scope='module')
def raw_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('raw') / 'CK+'
    write_raw_ckplus(root, all_class_sequences(SUBJECTS, NUM_FRAMES), colour_subjects=['S010'])
    return root


@pytest.fixture(scope='module')
def prepared(raw_root, tmp_path_factory):
    out = tmp_path_factory.mktemp('prepared') / 'ckplus'
    prepare_ckplus(raw_root, out, num_folds=3)
    return out


@pytest.fixture
def small_raw(tmp_path):
    """Three subjects with happy, surprise and an unlabelled sequence each."""
    root = tmp_path / 'small'
    specs = []
    for subject in ('S050', 'S051', 'S052'):
        specs += [
            SequenceSpec(subject, '001', 5, NUM_FRAMES),
            SequenceSpec(subject, '002', 7, NUM_FRAMES),
            SequenceSpec(subject, '003', None, NUM_FRAMES)
        ]
    landmarks = write_raw_ckplus(root, specs, seed=1)
    return root, landmarks


def test_writes_three_expressive_faces_and_one_neutral_per_sequence(prepared):
    images = sorted(path.name for path in (prepared / 'imgs').iterdir())
    neutrals = sorted(path.name for path in (prepared / 'neutral').iterdir())
    labelled = [spec for spec in all_class_sequences(SUBJECTS, NUM_FRAMES) if spec.code is not None]
    assert len(images) == 3 * len(labelled)
    assert len(neutrals) == len(labelled)
    assert images == sorted(f'{spec.subject}_{spec.number}_{frame:08d}.png' for spec in labelled
                            for frame in (2, 3, 4))
    assert neutrals == sorted(f'{spec.subject}_{spec.number}_00000001.png' for spec in labelled)
    for path in (prepared / 'imgs' / images[0], prepared / 'neutral' / 'S010_001_00000001.png'):
        face = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        assert face.shape == (70, 70) and face.dtype == np.uint8


def test_labels_match_the_emotion_files(prepared):
    raw = (prepared / 'emotion_labels.pkl').read_bytes()
    assert raw[:2] == b'\x80\x02'  # protocol 2, as the authors'
    labels = load_restricted_pickle(str(prepared / 'emotion_labels.pkl'))
    assert type(labels) is dict and len(labels) == 8 * len(SUBJECTS)
    assert labels['S005_003'] == 3.0 and labels['S026_007'] == 7.0
    assert labels['S011_008'] == -1.0
    assert all(type(value) is float for value in labels.values())

    with open(prepared / 'annotations.csv', newline='') as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ['image', 'label', 'subject', 'sequence', 'neutral']
    assert len(rows) == 3 * 7 * len(SUBJECTS)
    for row in rows:
        code = int(labels[row['sequence']])
        assert row['label'] == CKPLUS_CLASSES[code - 1]
        assert row['subject'] == row['sequence'][:4]
        assert row['image'].startswith(f'imgs/{row["sequence"]}_')
        assert row['neutral'] == f'neutral/{row["sequence"]}_00000001.png'
        assert (prepared / row['image']).is_file()
        assert (prepared / row['neutral']).is_file()


def test_folds_partition_the_images_by_subject(prepared):
    all_images = {path.name for path in (prepared / 'imgs').iterdir()}
    test_sets = []
    for fold in range(3):
        train = read_lines(prepared / f'train_ids_{fold}.csv')
        test = read_lines(prepared / f'test_ids_{fold}.csv')
        assert train == sorted(train) and test == sorted(test)
        assert set(train) | set(test) == all_images
        assert not set(train) & set(test)
        assert not {name[:4] for name in train} & {name[:4] for name in test}
        test_sets.append(set(test))
    assert sum(map(len, test_sets)) == len(all_images)
    assert set.union(*test_sets) == all_images
    # Sorted subjects in contiguous blocks, the first block is the last fold.
    assert {name[:4] for name in test_sets[2]} == {'S005', 'S010'}
    assert {name[:4] for name in test_sets[0]} == {'S022', 'S026'}


def test_aligned_neutral_pupils_sit_on_the_reference_eyes(prepared):
    eyes = REFERENCE_FIVE_POINTS[:2] - REFERENCE_FIVE_POINTS[2] + 34.5
    for subject in SUBJECTS:
        face = cv2.imread(
            str(prepared / 'neutral' / f'{subject}_001_00000001.png'), cv2.IMREAD_GRAYSCALE)
        for eye in eyes:
            x, y = np.rint(eye).astype(int)
            window = face[y - 5:y + 6, x - 5:x + 6]
            rows, cols = np.nonzero(window < 60)
            centre = np.array([cols.mean() + x - 5, rows.mean() + y - 5])
            assert np.linalg.norm(centre - eye) < 1.5, subject


def test_subject_folds_cuts_sorted_subjects_into_contiguous_blocks():
    folds = subject_folds(['S4', 'S2', 'S5', 'S1', 'S3'], 2)
    assert folds == {'S1': 1, 'S2': 1, 'S3': 1, 'S4': 0, 'S5': 0}
    with pytest.raises(ValueError, match='--num-folds'):
        subject_folds(['S1', 'S2', 'S3'], 4)


@pytest.mark.skipif(
    not (OFFICIAL_DIR / 'CKPlus' / 'test_ids_0.csv').is_file(),
    reason=f'the FMPN authors\' release is not at {OFFICIAL_DIR}')
def test_subject_folds_reproduce_the_authors_split():
    split_dir = OFFICIAL_DIR / 'CKPlus'
    authors_fold = {}
    test_sizes = []
    for fold in range(10):
        names = read_lines(split_dir / f'test_ids_{fold}.csv')
        test_sizes.append(len(names))
        authors_fold.update({name[:4]: fold for name in names})
    assert subject_folds(list(authors_fold), 10) == authors_fold
    # The labelled sequences (3 images each) of each fold's subjects give its size.
    labels = load_restricted_pickle(str(split_dir / 'emotion_labels.pkl'))
    folds = subject_folds([key[:4] for key, value in labels.items() if value != -1], 10)
    images_per_fold = Counter()
    for key, value in labels.items():
        if value != -1:
            images_per_fold[folds[key[:4]]] += 3
    assert [images_per_fold[fold] for fold in range(10)] == test_sizes


def test_refuses_a_non_empty_output_and_overwrite_replaces_it_whole(small_raw, tmp_path, capsys):
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'notes.txt').write_text('keep me')
    args = [str(small_raw[0]), str(out), '--num-folds', '2']
    assert prepare_tool.main(args) == 2
    assert '--overwrite' in capsys.readouterr().err
    assert (out / 'notes.txt').read_text() == 'keep me'
    # --overwrite replaces only a converted dataset: this folder is not one.
    assert prepare_tool.main(args + ['--overwrite']) != 0
    assert 'annotations.csv' in capsys.readouterr().err
    assert (out / 'notes.txt').read_text() == 'keep me'
    (out / 'annotations.csv').write_text('an old conversion\n')
    (out / 'test_ids_7.csv').write_text('stale\n')
    (out / 'imgs_res' / '0').mkdir(parents=True)
    (out / 'imgs_res' / '0' / '0.png').write_bytes(b'old fold mask')
    assert prepare_tool.main(args + ['--overwrite']) == 0
    # The new dataset replaces the old one whole: no old split, no mask of the old folds.
    assert sorted(path.name for path in out.iterdir()) == [
        'annotations.csv', 'emotion_labels.pkl', 'imgs', 'neutral', 'test_ids_0.csv',
        'test_ids_1.csv', 'train_ids_0.csv', 'train_ids_1.csv'
    ]
    assert len(list((out / 'imgs').iterdir())) == 3 * 6
    assert sorted(path.name for path in tmp_path.iterdir()) == ['out', 'small']


def test_missing_landmark_file_is_an_error_naming_it(small_raw, tmp_path, capsys):
    root = small_raw[0]
    missing = root / 'Landmarks/S051/002/S051_002_00000004_landmarks.txt'
    missing.unlink()
    assert prepare_tool.main([str(root), str(tmp_path / 'out'), '--num-folds', '2']) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and '--skip-bad' in err
    assert not (tmp_path / 'out').exists()


def test_unreadable_image_is_an_error_naming_it(small_raw, tmp_path):
    root = small_raw[0]
    broken = root / 'cohn-kanade-images/S050/001/S050_001_00000003.png'
    broken.write_bytes(b'not a png')
    with pytest.raises(ConversionError) as error:
        prepare_ckplus(root, tmp_path / 'out', num_folds=2)
    assert list(error.value.bad) == ['S050_001']
    assert str(broken) in error.value.bad['S050_001']


def test_skip_bad_leaves_out_and_reports_every_bad_sequence(small_raw, tmp_path):
    root = small_raw[0]
    (root / 'Landmarks/S051/002/S051_002_00000004_landmarks.txt').unlink()
    (root / 'cohn-kanade-images/S050/001/S050_001_00000003.png').write_bytes(b'not a png')
    (root / 'cohn-kanade-images/S052/002/S052_002_00000002.png').unlink()
    emotion_file = root / 'Emotion/S052/001/S052_001_00000004_emotion.txt'
    emotion_file.write_text('   9.0000000e+00\n')
    out = tmp_path / 'out'
    conversion = prepare_ckplus(root, out, num_folds=2, options=ConversionOptions(skip_bad=True))
    skipped = dict(line.split('\t', 1) for line in (out / 'skipped.txt').read_text().splitlines())
    assert sorted(skipped) == ['S050_001', 'S051_002', 'S052_001', 'S052_002']
    assert 'landmark' in skipped['S051_002']
    assert 'unreadable image' in skipped['S050_001']
    assert '3 frames' in skipped['S052_002']
    assert str(emotion_file) in skipped['S052_001']
    summary = conversion.summary()
    assert 'Skipped 4 sequence(s)' in summary[-5]
    assert summary[-4:] == [f'  skipped {key}' for key in sorted(skipped)]
    images = {path.name[:8] for path in (out / 'imgs').iterdir()}
    assert images == {'S050_002', 'S051_001'}
    labels = load_restricted_pickle(str(out / 'emotion_labels.pkl'))
    assert 'S052_001' not in labels and labels['S051_002'] == 7.0


def test_split_dir_copies_given_folds_and_rejects_unknown_images(small_raw, tmp_path):
    root = small_raw[0]
    computed = tmp_path / 'computed'
    prepare_ckplus(root, computed, num_folds=3)
    given = tmp_path / 'given'
    prepare_ckplus(root, given, num_folds=3, split_dir=computed)
    for fold in range(3):
        for part in ('train', 'test'):
            name = f'{part}_ids_{fold}.csv'
            assert read_lines(given / name) == read_lines(computed / name)

    with open(computed / 'test_ids_1.csv', 'a') as file:
        file.write('S999_001_00000003.png\n')
    with pytest.raises(ConversionError, match='S999_001_00000003.png'):
        prepare_ckplus(root, tmp_path / 'rejected', num_folds=3, split_dir=computed)
    # Re-preparing with the folds of the dataset being replaced keeps them.
    prepare_ckplus(
        root, given, num_folds=3, split_dir=given, options=ConversionOptions(overwrite=True))
    for fold in range(3):
        assert read_lines(given / f'test_ids_{fold}.csv') == read_lines(
            tmp_path / 'computed' /
            f'test_ids_{fold}.csv')[:len(read_lines(given / f'test_ids_{fold}.csv'))]


def test_bbox_landmarks_pickle_gives_the_same_faces(small_raw, tmp_path):
    root, landmarks = small_raw
    detections = {}
    for key, frame_landmarks in landmarks.items():
        five_points = five_points_from_68(frame_landmarks)
        detections[f'/dfsdata/CKPlus/cohn-kanade-images/{key}'] = [
            np.array([[0, 0, 100, 100, 0.99]]),
            np.concatenate([five_points[:, 0], five_points[:, 1]])[None].astype(np.float32)
        ]
    pkl_path = tmp_path / 'bbox_landmark_mtcnn.pkl'
    pkl_path.write_bytes(pickle.dumps(detections))
    from_68 = tmp_path / 'from_68'
    prepare_ckplus(root, from_68, num_folds=2)
    shutil.rmtree(root / 'Landmarks')
    from_mtcnn = tmp_path / 'from_mtcnn'
    prepare_ckplus(root, from_mtcnn, num_folds=2, bbox_landmarks=pkl_path)
    for path in sorted((from_68 / 'imgs').iterdir()):
        expected = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE).astype(int)
        actual = cv2.imread(str(from_mtcnn / 'imgs' / path.name), cv2.IMREAD_GRAYSCALE).astype(int)
        assert np.abs(actual - expected).max() <= 1


def test_help_describes_the_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        prepare_tool.parse_args(['--help'])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    for option in ('--bbox-landmarks', '--split-dir', '--num-folds', '--skip-bad', '--overwrite'):
        assert option in help_text


def landmark_file(root, sequence, frame):
    subject, number = sequence.split('_')
    return (root / 'Landmarks' / subject / number / f'{sequence}_{frame:08d}_landmarks.txt')


def replace_points(path, change):
    points = np.loadtxt(path)
    np.savetxt(path, change(points), fmt='%.7e')
    return path


def rewrite_emotion_file(root, sequence, text):
    subject, number = sequence.split('_')
    path = next((root / 'Emotion' / subject / number).glob('*_emotion.txt'))
    path.write_text(text)
    return path


BAD_INPUTS = {
    'NaN landmarks':
    lambda root:
    (replace_points(landmark_file(root, 'S050_001', 3), lambda p: np.where(p > 0, np.nan, p)),
     'NaN or infinite'),
    'infinite landmarks':
    lambda root:
    (replace_points(landmark_file(root, 'S050_001', 4), lambda p: p * np.inf), 'NaN or infinite'),
    'coincident landmarks':
    lambda root:
    (replace_points(landmark_file(root, 'S050_001', 1), lambda p: p * 0 + 100), 'coincident'),
    'swapped eyes':
    lambda root: (replace_points(
        landmark_file(root, 'S050_001', 2), lambda p: np.concatenate(
            [p[:36], p[42:48], p[36:42], p[48:]])), 'swapped or misplaced'),
    'landmarks outside the frame':
    lambda root:
    (replace_points(landmark_file(root, 'S050_001', 4), lambda p: p + 1e5), 'outside the'),
    'empty emotion file':
    lambda root: (rewrite_emotion_file(root, 'S050_001', ''), 'empty emotion file'),
    'non-numeric emotion file':
    lambda root: (rewrite_emotion_file(root, 'S050_001', 'happy\n'), "emotion code 'happy'"),
    'infinite emotion code':
    lambda root: (rewrite_emotion_file(root, 'S050_001', 'inf\n'), "emotion code 'inf'"),
}


@pytest.mark.parametrize('case', sorted(BAD_INPUTS))
def test_bad_input_names_its_file_and_skip_bad_skips_exactly_it(case, small_raw, tmp_path):
    root = small_raw[0]
    bad_file, message = BAD_INPUTS[case](root)
    with pytest.raises(ConversionError) as error:
        prepare_ckplus(root, tmp_path / 'out', num_folds=2)
    assert list(error.value.bad) == ['S050_001']
    assert str(bad_file) in error.value.bad['S050_001']
    assert message in error.value.bad['S050_001']
    assert not (tmp_path / 'out').exists()
    prepare_ckplus(root, tmp_path / 'out', num_folds=2, options=ConversionOptions(skip_bad=True))
    skipped = (tmp_path / 'out' / 'skipped.txt').read_text().splitlines()
    assert [line.split('\t')[0] for line in skipped] == ['S050_001']
    images = {path.name[:8] for path in (tmp_path / 'out' / 'imgs').iterdir()}
    assert len(images) == 5 and 'S050_001' not in images


def test_missing_neutral_frame_is_an_error_naming_it(small_raw, tmp_path):
    root = small_raw[0]
    neutral = root / 'cohn-kanade-images/S051/001/S051_001_00000001.png'
    neutral.unlink()
    with pytest.raises(ConversionError) as error:
        prepare_ckplus(root, tmp_path / 'out', num_folds=2)
    assert error.value.bad['S051_001'].startswith(f'{neutral}: missing neutral frame')


def test_interrupted_overwrite_leaves_the_old_dataset_whole(small_raw, tmp_path, monkeypatch):
    import mmfmpn.datasets.converters.ckplus as ckplus_converter
    root = small_raw[0]
    out = tmp_path / 'out'
    prepare_ckplus(root, out, num_folds=2)
    (out / 'imgs_res' / '0').mkdir(parents=True)
    (out / 'imgs_res' / '0' / '0.png').write_bytes(b'mask of fold 0')
    before = sorted(str(path.relative_to(out)) for path in out.rglob('*'))
    convert = ckplus_converter.convert_sequence
    calls = []

    def interrupted(*args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return convert(*args)

    monkeypatch.setattr(ckplus_converter, 'convert_sequence', interrupted)
    with pytest.raises(KeyboardInterrupt):
        prepare_ckplus(root, out, num_folds=3, options=ConversionOptions(overwrite=True))
    assert sorted(str(path.relative_to(out)) for path in out.rglob('*')) == before
    assert read_lines(out / 'test_ids_1.csv') and not (out / 'test_ids_2.csv').exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ['out', 'small']


def test_the_raw_dataset_cannot_be_the_output(small_raw):
    root = small_raw[0]
    with pytest.raises(ValueError, match='lies inside the output folder'):
        prepare_ckplus(root, root.parent, num_folds=2, options=ConversionOptions(overwrite=True))
    assert (root / 'cohn-kanade-images').is_dir()
