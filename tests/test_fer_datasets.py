"""Oulu-CASIA, MMI and AffectNet converters on small trees in their real layouts, and the
datasets that read what they write."""
import shutil
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from raw_ckplus_fixture import load_tool
from raw_fer_fixtures import (AffectNetRowSpec, MMISessionSpec, write_landmarks_file,
                              write_raw_affectnet, write_raw_mmi, write_raw_oulu)

import mmfmpn.datasets.converters.common as converters_common
from mmfmpn.datasets.annotation_file import read_annotation_file
from mmfmpn.datasets.categories import AFFECTNET7_CLASSES, BASIC6_CLASSES, CKPLUS_CLASSES
from mmfmpn.datasets.converters import (ConversionError, ConversionOptions, prepare_affectnet,
                                        prepare_mmi, prepare_oulu_casia)
from mmfmpn.datasets.converters.oulu_casia import EXPRESSION_FOLDERS
from mmfmpn.datasets.fer_annotation import AffectNetDataset, MMIDataset, OuluCASIADataset
from mmfmpn.masks.alignment import REFERENCE_FIVE_POINTS
from mmfmpn.masks.image_io import write_png_atomic
from mmfmpn.masks.landmarks import NOSE_INDEX

#: The command lines, for their options, exit codes and messages.
oulu_tool = load_tool('tools/dataset_converters/prepare_oulu_casia.py')
mmi_tool = load_tool('tools/dataset_converters/prepare_mmi.py')
affectnet_tool = load_tool('tools/dataset_converters/prepare_affectnet.py')
make_masks = load_tool('tools/make_masks.py')

OULU_SUBJECTS = ('P001', 'P002', 'P004', 'P007')
#: Reference five points in a 70x70 crop centred on the nose tip.
CROP_FIVE_POINTS = REFERENCE_FIVE_POINTS + (34.5 - REFERENCE_FIVE_POINTS[NOSE_INDEX])


def read_lines(path):
    return [line for line in Path(path).read_text().splitlines() if line]


def assert_subject_independent_folds(out, num_folds, subject_of):
    all_images = set(subject_of)
    for fold in range(num_folds):
        train = read_lines(out / f'train_ids_{fold}.csv')
        test = read_lines(out / f'test_ids_{fold}.csv')
        assert set(train) | set(test) == all_images
        assert not {subject_of[n] for n in train} & {subject_of[n] for n in test}


# ----------------------------------------------------------------- Oulu-CASIA


@pytest.fixture(scope='module')
def oulu_raw(tmp_path_factory):
    root = tmp_path_factory.mktemp('oulu') / 'OriginalImg'
    landmarks = write_raw_oulu(root, OULU_SUBJECTS, num_frames=5)
    landmarks_file = root.parent / 'landmarks.csv'
    write_landmarks_file(landmarks_file, landmarks)
    return root, landmarks_file, landmarks


@pytest.fixture(scope='module')
def oulu_out(oulu_raw, tmp_path_factory):
    root, landmarks_file, _ = oulu_raw
    out = tmp_path_factory.mktemp('oulu_out') / 'oulu'
    prepare_oulu_casia(root, out, landmarks_file=landmarks_file, num_folds=2)
    assert make_masks.main([str(out), '--classes', 'basic6', '--no-all-subjects']) == 0
    return out


def test_oulu_writes_last_three_frames_neutral_first_and_subject_folds(oulu_out):
    rows = read_annotation_file(oulu_out / 'annotations.csv')
    assert len(rows) == len(OULU_SUBJECTS) * 6 * 3
    assert Counter(r.label for r in rows) == {name: 12 for name in BASIC6_CLASSES}
    happy = [r for r in rows if r.sequence == 'P002_Happiness']
    assert [r.image for r in happy] == [f'imgs/P002_Happiness_00{i}.png' for i in (2, 3, 4)]
    assert {r.neutral for r in happy} == {'neutral/P002_Happiness_000.png'}
    assert {r.label for r in happy} == {'happy'} and happy[0].subject == 'P002'
    face = cv2.imread(str(oulu_out / happy[0].image), cv2.IMREAD_UNCHANGED)
    assert face.shape == (70, 70) and face.dtype == np.uint8
    # The converter aligned the given 68 landmarks onto the reference eyes.
    eyes = np.stack([happy[0].landmarks[36:42].mean(0), happy[0].landmarks[42:48].mean(0)])
    np.testing.assert_allclose(eyes, CROP_FIVE_POINTS[:2], atol=2.5)
    assert_subject_independent_folds(oulu_out, 2, {Path(r.image).name: r.subject for r in rows})


def test_oulu_dataset_reads_the_converted_folds_and_masks(oulu_out):
    train = OuluCASIADataset(str(oulu_out), fold=0, split='train', mask_dir='imgs_res/{fold}')
    test = OuluCASIADataset(str(oulu_out), fold=0, split='test', mask_dir='imgs_res/{fold}')
    assert train.metainfo['classes'] == BASIC6_CLASSES
    assert len(train) + len(test) == 72
    assert not ({train.get_data_info(i)['subject']
                 for i in range(len(train))}
                & {test.get_data_info(i)['subject']
                   for i in range(len(test))})
    item = test.get_data_info(0)
    assert item['landmarks'].shape == (68, 2) and Path(item['neutral_path']).is_file()
    assert item['motion_mask_path'] == str(oulu_out / 'imgs_res' / '0' / f'{item["gt_label"]}.png')
    folder = Path(item['img_path']).name.split('_')[1]
    assert EXPRESSION_FOLDERS[folder] == BASIC6_CLASSES[item['gt_label']]


def test_oulu_masks_borrowed_from_ckplus_by_class_name(oulu_out, tmp_path):
    ckplus_masks = tmp_path / 'ckplus_masks'
    for index in range(7):
        write_png_atomic(ckplus_masks / f'{index}.png', np.full((70, 70), index, np.uint8))
    dataset = OuluCASIADataset(
        str(oulu_out), fold=1, split='train', mask_dir=str(ckplus_masks), mask_classes='ckplus')
    for index in range(len(dataset)):
        item = dataset.get_data_info(index)
        name = BASIC6_CLASSES[item['gt_label']]
        assert item['motion_mask_path'] == str(ckplus_masks / f'{CKPLUS_CLASSES.index(name)}.png')
    disgust = next(
        dataset.get_data_info(i) for i in range(len(dataset))
        if dataset.get_data_info(i)['gt_label'] == 1)
    assert disgust['motion_mask_path'].endswith('/2.png')  # CK+ index of disgust


@pytest.mark.parametrize('config',
                         ['fmg_inceptionv3_oulu-casia.py', 'fmpn_inceptionv3_oulu-casia.py'])
def test_oulu_configs_read_the_converted_folds(config, oulu_out):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(str(Path(__file__).resolve().parents[1] / 'configs' / 'fmpn' / config))
    for loader, size in (('train_dataloader', 36), ('test_dataloader', 36)):
        cfg[loader].dataset.data_root = str(oulu_out)
        dataset = DATASETS.build(cfg[loader].dataset)
        assert len(dataset) == size
        packed = dataset[0]
        assert packed['inputs'].shape == (3, 299, 299)
        assert packed['data_samples'].gt_motion_mask.shape == (1, 299, 299)


def test_make_masks_builds_six_class_masks_for_oulu(oulu_out, tmp_path):
    data_root = shutil.copytree(oulu_out, tmp_path / 'oulu')
    shutil.rmtree(data_root / 'imgs_res')
    assert make_masks.main([str(data_root), '--classes', *BASIC6_CLASSES]) == 0
    for fold in ('0', '1', 'all'):
        assert len(list((data_root / 'imgs_res' / fold).glob('[0-9].png'))) == 6


def copy_tree(source, destination):
    return Path(shutil.copytree(source, destination))


@pytest.fixture
def small_oulu(oulu_raw, tmp_path):
    """Two subjects of the Oulu tree with their landmarks file, for error cases."""
    root, _, landmarks = oulu_raw
    small = tmp_path / 'OriginalImg'
    for subject in OULU_SUBJECTS[:2]:
        shutil.copytree(root / 'VL' / 'Strong' / subject, small / 'VL' / 'Strong' / subject)
    kept = {
        key: value
        for key, value in landmarks.items() if key.split('/')[2] in OULU_SUBJECTS[:2]
    }
    return small, kept


def run_oulu(small, landmarks, out, **options):
    landmarks_file = small.parent / 'landmarks.csv'
    write_landmarks_file(landmarks_file, landmarks)
    return prepare_oulu_casia(small, out, landmarks_file=landmarks_file, num_folds=2, **options)


def conversion_error(convert, *args, **options) -> str:
    """The report of the ConversionError ``convert`` raises, as the tool prints it."""
    with pytest.raises(ConversionError) as error:
        convert(*args, **options)
    return '\n'.join(error.value.report_lines())


def test_oulu_missing_landmark_names_the_image_or_is_skipped(small_oulu, tmp_path):
    small, landmarks = small_oulu
    missing = 'VL/Strong/P002/Fear/004.jpeg'
    del landmarks[missing]
    error = conversion_error(run_oulu, small, landmarks, tmp_path / 'out')
    assert str(small / missing) in error and 'missing landmarks' in error
    assert not (tmp_path / 'out').exists()
    run_oulu(small, landmarks, tmp_path / 'out', options=ConversionOptions(skip_bad=True))
    report = (tmp_path / 'out' / 'skipped.txt').read_text()
    assert report.startswith('VL/Strong/P002/Fear\t') and missing in report
    rows = read_annotation_file(tmp_path / 'out' / 'annotations.csv')
    assert len(rows) == 2 * 6 * 3 - 3
    assert 'P002_Fear' not in {r.sequence for r in rows}


@pytest.mark.parametrize('change, message', [
    (lambda points: points * np.nan, 'NaN or infinite'),
    (lambda points: points * 0 + 50, 'coincident'),
    (lambda points: points + 1e5, 'outside the 320x240 image'),
])
def test_oulu_bad_landmark_values_are_one_bad_sample(small_oulu, tmp_path, change, message):
    small, landmarks = small_oulu
    bad = 'VL/Strong/P001/Happiness/000.jpeg'
    landmarks = dict(landmarks, **{bad: change(landmarks[bad])})
    with pytest.raises(ConversionError) as error:
        run_oulu(small, landmarks, tmp_path / 'out')
    assert list(error.value.bad) == ['VL/Strong/P001/Happiness']
    reason = error.value.bad['VL/Strong/P001/Happiness']
    assert reason.startswith(f'{small / bad}: bad landmarks') and message in reason
    conversion = run_oulu(
        small, landmarks, tmp_path / 'out', options=ConversionOptions(skip_bad=True))
    assert list(conversion.bad) == ['VL/Strong/P001/Happiness']
    assert len(conversion.annotations) == (2 * 6 - 1) * 3


def test_oulu_missing_neutral_frame_names_it(small_oulu, tmp_path):
    small, landmarks = small_oulu
    neutral = small / 'VL' / 'Strong' / 'P002' / 'Sadness' / '000.jpeg'
    neutral.unlink()
    error = conversion_error(run_oulu, small, landmarks, tmp_path / 'out')
    assert f'{neutral}: missing neutral frame' in error


def test_oulu_unreadable_image_and_unknown_expression_folder(small_oulu, tmp_path):
    small, landmarks = small_oulu
    broken = small / 'VL' / 'Strong' / 'P001' / 'Surprise' / '003.jpeg'
    broken.write_bytes(b'not a jpeg')
    (small / 'VL' / 'Strong' / 'P001' / 'Contempt').mkdir()
    shutil.copy(small / 'VL' / 'Strong' / 'P001' / 'Anger' / '000.jpeg',
                small / 'VL' / 'Strong' / 'P001' / 'Contempt' / '000.jpeg')
    error = conversion_error(run_oulu, small, landmarks, tmp_path / 'out')
    assert f'{broken}: unreadable image' in error
    assert "unknown expression folder 'Contempt'" in error


def test_oulu_without_landmarks_falls_back_to_the_detector(small_oulu, tmp_path, monkeypatch):
    small, landmarks = small_oulu
    asked = []

    class FakeDetector:
        """Stands in for MTCNN (slow on two shared cores; tests/test_london_faces.py
        runs the real one on real photos)."""

        def __call__(self, key, image, source):
            asked.append(key)
            return landmarks[key]

    monkeypatch.setattr(converters_common, 'DetectedLandmarks', FakeDetector)
    prepare_oulu_casia(small, tmp_path / 'out', num_folds=2)
    assert len(asked) == 2 * 6 * 4  # first and last 3 frames of every sequence


def test_without_landmarks_or_detector_the_error_says_what_to_supply(small_oulu, tmp_path,
                                                                     monkeypatch, capsys):
    import mmfmpn.apis.face_detection as face_detection
    monkeypatch.setattr(face_detection, 'mtcnn_weights_dir', lambda: None)
    small, _ = small_oulu
    assert oulu_tool.main([str(small), str(tmp_path / 'out')]) == 2
    error = capsys.readouterr().err
    assert 'Pass --landmarks FILE' in error and 'path,x1,y1' in error


# ------------------------------------------------------------------------ MMI

MMI_SESSIONS = [
    MMISessionSpec(number, f'S{subject:03d}-{take:03d}', str(code))
    for number, (subject, take, code) in enumerate([(1, 1, 1), (1, 2, 4), (2, 1, 2), (2, 2, 5),
                                                    (3, 1, 3), (3, 2, 6), (5, 1, 4), (5, 2, 1)],
                                                   start=1)
] + [
    MMISessionSpec(20, 'S006-001', '4', view='1'),  # profile view: left out
    MMISessionSpec(21, 'S006-002', None),  # no Emotion metatag: left out
]


@pytest.fixture(scope='module')
def mmi_raw(tmp_path_factory):
    root = tmp_path_factory.mktemp('mmi') / 'mmi'
    landmarks = write_raw_mmi(root, MMI_SESSIONS)
    return root, landmarks


@pytest.fixture(scope='module')
def mmi_out(mmi_raw, tmp_path_factory):
    root, landmarks = mmi_raw
    landmarks_file = root.parent / 'landmarks.csv'
    write_landmarks_file(landmarks_file, landmarks)
    out = tmp_path_factory.mktemp('mmi_out') / 'mmi'
    prepare_mmi(root, out, landmarks_file=landmarks_file, num_folds=2)
    return out


def test_mmi_takes_the_middle_frames_of_frontal_labelled_videos(mmi_out):
    rows = read_annotation_file(mmi_out / 'annotations.csv')
    assert len(rows) == 8 * 3
    assert {r.subject for r in rows} == {'S001', 'S002', 'S003', 'S005'}
    session = [r for r in rows if r.sequence == 'S001-002']
    # 9 frames, apex at frame 4: frames 3, 4, 5; neutral = frame 0.
    assert [r.image for r in session] == [f'imgs/S001-002_000{i}.png' for i in (3, 4, 5)]
    assert {r.neutral for r in session} == {'neutral/S001-002_0000.png'}
    assert {r.label for r in session} == {'happy'}
    assert {r.label for r in rows if r.sequence == 'S002-001'} == {'disgust'}
    assert_subject_independent_folds(mmi_out, 2, {Path(r.image).name: r.subject for r in rows})
    dataset = MMIDataset(str(mmi_out), fold=0, split='test')
    assert dataset.metainfo['classes'] == BASIC6_CLASSES
    assert 0 < len(dataset) < 24


def test_mmi_unknown_emotion_code_names_the_file(mmi_raw, tmp_path, capsys):
    root, landmarks = mmi_raw
    raw = copy_tree(root, tmp_path / 'mmi')
    emotion_file = raw / 'Sessions' / '3' / 'S002-001.xml'
    emotion_file.write_text(emotion_file.read_text().replace('Name="Emotion" Value="2"',
                                                             'Name="Emotion" Value="9"'))
    write_landmarks_file(tmp_path / 'landmarks.csv', landmarks)
    args = [
        str(raw),
        str(tmp_path / 'out'), '--landmarks',
        str(tmp_path / 'landmarks.csv'), '--num-folds', '2'
    ]
    assert mmi_tool.main(args) == 1
    error = capsys.readouterr().err
    assert f"{emotion_file}: unknown emotion code '9'" in error
    assert not (tmp_path / 'out').exists()
    assert mmi_tool.main(args + ['--skip-bad']) == 0
    assert 'Sessions/3\t' in (tmp_path / 'out' / 'skipped.txt').read_text()


# ------------------------------------------------------------------ AffectNet

AFFECTNET_TRAIN = [
    AffectNetRowSpec(f'{index % 3}/train{index:03d}.jpg', str(code))
    for index, code in enumerate([1, 2, 3, 4, 5, 6, 7] * 4 + [0, 0, 8, 9, 10])
]
AFFECTNET_VALIDATION = [
    AffectNetRowSpec(f'7/val{index:03d}.jpg', str(code))
    for index, code in enumerate([1, 2, 3, 4, 5, 6, 7, 0])
]


@pytest.fixture(scope='module')
def affectnet_raw(tmp_path_factory):
    root = tmp_path_factory.mktemp('affectnet') / 'AffectNet'
    write_raw_affectnet(root, AFFECTNET_TRAIN, AFFECTNET_VALIDATION)
    return root


def affectnet_lists(root):
    lists = root / 'Manually_Annotated_file_lists'
    return dict(
        train_csv=lists / 'training.csv',
        val_csv=lists / 'validation.csv',
        images_dir=root / 'Manually_Annotated_Images')


def test_affectnet_keeps_seven_classes_and_splits_train_9_to_1(affectnet_raw, tmp_path, capsys):
    out = tmp_path / 'affectnet'
    assert affectnet_tool.main([str(affectnet_raw), str(out), '--val-fraction', '0.25']) == 0
    summary = capsys.readouterr().out
    assert 'dropped 2 neutral, 1 non-face, 1 none, 1 uncertain' in summary
    rows = {Path(r.image).name: r for r in read_annotation_file(out / 'annotations.csv')}
    assert len(rows) == 28 + 7
    assert rows['1_train001.png'].label == 'sadness'  # code 2
    assert rows['0_train006.png'].label == 'contempt'  # code 7
    assert all(not r.neutral and not r.subject for r in rows.values())
    assert rows['7_val000.png'].landmarks.shape == (68, 2)
    train, val, test = (read_lines(out / f'{split}_ids.csv') for split in ('train', 'val', 'test'))
    assert sorted(test) == sorted(f'7_val{i:03d}.png' for i in range(7))
    assert not set(train) & set(val) and len(train) + len(val) == 28
    assert Counter(rows[name].label for name in val) == {
        name: 1
        for name in AFFECTNET7_CLASSES
    }  # 4 per class, 25 % held out
    dataset = AffectNetDataset(str(out), split='val')
    assert dataset.metainfo['classes'] == AFFECTNET7_CLASSES
    assert len(dataset) == 7 and 'neutral_path' not in dataset.get_data_info(0)


def test_affectnet_balanced_subset_is_seeded(affectnet_raw, tmp_path):
    outputs = []
    for run in ('a', 'b'):
        out = tmp_path / run
        prepare_affectnet(
            out, **affectnet_lists(affectnet_raw), per_class=2, seed=3, val_fraction=0.5)
        outputs.append([read_lines(out / f'{split}_ids.csv') for split in ('train', 'val')])
    assert outputs[0] == outputs[1]
    train, val = outputs[0]
    assert len(train) == len(val) == 7


def test_affectnet_bad_rows_name_the_file_or_go_to_the_skip_report(tmp_path):
    root = tmp_path / 'AffectNet'
    write_raw_affectnet(root, [
        AffectNetRowSpec('1/good.jpg', '1'),
        AffectNetRowSpec('1/code.jpg', '12'),
        AffectNetRowSpec('1/nolandmarks.jpg', '3', landmarks=False),
        AffectNetRowSpec('1/outside.jpg', '4', box_shift=200.0),
        AffectNetRowSpec('1/broken.jpg', '5'),
    ], [AffectNetRowSpec('2/val.jpg', '6')])
    images = root / 'Manually_Annotated_Images'
    (images / '1' / 'broken.jpg').write_bytes(b'\xff\xd8 truncated')
    training = root / 'Manually_Annotated_file_lists' / 'training.csv'
    out = tmp_path / 'out'
    error = conversion_error(prepare_affectnet, out, **affectnet_lists(root))
    assert f"{training}:3: unknown expression code '12'" in error
    assert f'{training}:4 ({images / "1" / "nolandmarks.jpg"}): missing landmarks' \
        in error
    assert f'{training}:5 ({images / "1" / "outside.jpg"}): face box' in error
    assert 'is outside the 256x256 image' in error
    assert f'{images / "1" / "broken.jpg"}: unreadable image' in error
    prepare_affectnet(out, **affectnet_lists(root), options=ConversionOptions(skip_bad=True))
    report = read_lines(out / 'skipped.txt')
    assert [line.split('\t')[0]
            for line in report] == [f'{training}:{line}' for line in (3, 4, 5, 6)]
    assert read_lines(out / 'train_ids.csv') + read_lines(out / 'val_ids.csv') == ['1_good.png']


# --------------------------------------------------------------------- tools


@pytest.mark.parametrize('tool', [oulu_tool, mmi_tool, affectnet_tool])
def test_converters_have_help(tool, capsys):
    with pytest.raises(SystemExit) as exit_info:
        tool.main(['--help'])
    assert exit_info.value.code == 0
    assert '--skip-bad' in capsys.readouterr().out


def test_landmarks_file_errors_name_the_line(small_oulu, tmp_path, capsys):
    small, _ = small_oulu
    bad_file = tmp_path / 'landmarks.csv'
    bad_file.write_text('path,x1,y1\nVL/Strong/P001/Anger/000.jpeg,1,2,3\n')
    assert oulu_tool.main([str(small), str(tmp_path / 'out'), '--landmarks', str(bad_file)]) == 2
    assert f'{bad_file}:2: expected 5 or 68' in capsys.readouterr().err


def test_compare_class_masks_tool(oulu_out, tmp_path):
    compare = load_tool('tools/analysis_tools/compare_class_masks.py')
    mask_file = tmp_path / 'mask.png'
    write_png_atomic(mask_file, np.tile(np.arange(70, dtype=np.uint8), (70, 1)))
    out = tmp_path / 'figure.png'
    assert compare.main([
        str(out), '--panel', f'file={mask_file}', '--panel', f'Oulu={oulu_out}', '--class-name',
        'happy', '--caption', 'credit line'
    ]) == 0
    figure = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
    assert figure.shape == (140 + 24 + 20, 2 * 140)
    assert compare.main([str(out), '--panel', f'x={oulu_out}', '--class-name', 'contempt']) == 2
