"""JAFFE: file-name parser, converter (folds, errors), dataset, synthetic JAFFE layout."""
import csv

import cv2
import numpy as np
import pytest
from raw_ckplus_fixture import load_tool

from mmfmpn.datasets import JAFFEDataset, parse_jaffe_name
from mmfmpn.datasets.annotation_file import read_annotation_file
from mmfmpn.datasets.categories import NEUTRAL7_CLASSES
from mmfmpn.synthesis import generate_synthetic_jaffe

# Five points of a face in a 256x256 JAFFE-sized image.
FIVE_POINTS = np.array([[105., 120.], [150., 120.], [128., 145.], [110., 170.], [146., 170.]])


@pytest.mark.parametrize('name, expected', [
    ('KA.AN1.39.tiff', ('KA', 'AN', 1, 39, 'anger')),
    ('YM.NE3.51.tiff', ('YM', 'NE', 3, 51, 'neutral')),
    ('NA.SU2.222.tif', ('NA', 'SU', 2, 222, 'surprise')),
    ('KM.DI1.12.tiff', ('KM', 'DI', 1, 12, 'disgust')),
])
def test_parse_jaffe_name(name, expected):
    parsed = parse_jaffe_name(name)
    assert (parsed.poser, parsed.code, parsed.take, parsed.image_id, parsed.label) == expected


@pytest.mark.parametrize('name, message', [
    ('KA.XX1.39.tiff', "unknown expression code 'XX'"),
    ('KA.AN.39.tiff', 'not a JAFFE image name'),
    ('ka.AN1.39.tiff', 'not a JAFFE image name'),
    ('KA.AN1.39.png', 'not a JAFFE image name'),
    ('KA_AN1_39.tiff', 'not a JAFFE image name'),
])
def test_parse_jaffe_name_errors_name_the_file_and_the_pattern(name, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_jaffe_name(name)
    assert str(error.value).startswith(name)
    # Every message shows what is expected: the pattern or the known codes.
    assert 'KA.AN1.39.tiff' in str(error.value) or 'HA (happy)' in str(error.value)


def test_jaffe_codes_follow_the_class_order():
    codes = ['NE', 'AN', 'DI', 'FE', 'HA', 'SA', 'SU']
    assert [parse_jaffe_name(f'KA.{code}1.1.tiff').label for code in codes] == \
        list(NEUTRAL7_CLASSES)


def write_jaffe_folder(folder,
                       posers=('KA', 'KL', 'KM'),
                       codes=('NE', 'HA', 'SU'),
                       takes=2,
                       extra_names=()):
    """Blank 256x256 TIFFs in JAFFE's names, a landmarks.csv and a README."""
    folder.mkdir()
    image = np.full((256, 256), 128, np.uint8)
    names, image_id = [], 1
    for poser in posers:
        for code in codes:
            for take in range(1, takes + 1):
                names.append(f'{poser}.{code}{take}.{image_id}.tiff')
                image_id += 1
    names += list(extra_names)
    with open(folder / 'landmarks.csv', 'w', newline='') as file:
        writer = csv.writer(file)
        writer.writerow(['path'] + [f'{axis}{i}' for i in range(1, 6) for axis in 'xy'])
        for name in names:
            cv2.imwrite(str(folder / name), image)
            writer.writerow([name, *FIVE_POINTS.reshape(-1)])
    (folder / 'README').write_text('JAFFE\n')
    return names


def run_prepare(*argv):
    return load_tool('tools/dataset_converters/prepare_jaffe.py').main([str(arg) for arg in argv])


def test_converter_writes_aligned_faces_points_and_poser_folds(tmp_path, capsys):
    names = write_jaffe_folder(tmp_path / 'jaffe')
    out = tmp_path / 'out'
    assert run_prepare(tmp_path / 'jaffe', out, '--landmarks', tmp_path / 'jaffe' / 'landmarks.csv',
                       '--crop-size', 96) == 0
    assert 'Ignored 2 non-TIFF file(s)' in capsys.readouterr().out  # README, landmarks
    annotations = read_annotation_file(out / 'annotations.csv')
    assert len(annotations) == len(names) == 18
    first = annotations[0]
    assert (first.image, first.label, first.subject) == ('imgs/KA.HA1.3.png', 'happy', 'KA')
    assert first.landmarks.shape == (5, 2)
    assert cv2.imread(str(out / first.image), cv2.IMREAD_UNCHANGED).shape == (96, 96)
    # Leave one poser out: one fold per poser, its images are the fold's test set.
    for fold in range(3):
        test = (out / f'test_ids_{fold}.csv').read_text().split()
        train = (out / f'train_ids_{fold}.csv').read_text().split()
        assert len(test) == 6 and len({name[:2] for name in test}) == 1
        assert not {name[:2] for name in test} & {name[:2] for name in train}
    assert not (out / 'test_ids_3.csv').exists()
    dataset = JAFFEDataset(data_root=str(out), fold=1, split='test')
    assert len(dataset) == 6 and dataset.metainfo['classes'] == NEUTRAL7_CLASSES
    assert dataset[0]['landmarks'].shape == (5, 2)


def test_converter_random_folds_are_stratified(tmp_path):
    write_jaffe_folder(tmp_path / 'jaffe', takes=4)
    out = tmp_path / 'out'
    assert run_prepare(tmp_path / 'jaffe', out, '--landmarks', tmp_path / 'jaffe' / 'landmarks.csv',
                       '--folds', 'random', '--num-folds', 4, '--crop-size', 64) == 0
    tests = [(out / f'test_ids_{fold}.csv').read_text().split() for fold in range(4)]
    assert sorted(sum(tests, [])) == sorted(p.name for p in (out / 'imgs').iterdir())
    for test in tests:  # 12 images per class over 4 folds: 3 of each class per fold
        assert sorted(name[3:5] for name in test) == ['HA'] * 3 + ['NE'] * 3 + ['SU'] * 3


def test_converter_names_every_bad_file(tmp_path, capsys):
    write_jaffe_folder(
        tmp_path / 'jaffe', posers=('KA', 'KL'), extra_names=('KA.XX1.99.tiff', 'scan_01.tiff'))
    out = tmp_path / 'out'
    status = run_prepare(tmp_path / 'jaffe', out, '--landmarks',
                         tmp_path / 'jaffe' / 'landmarks.csv')
    error = capsys.readouterr().err
    assert status == 1
    assert "KA.XX1.99.tiff: unknown expression code 'XX'" in error
    assert 'scan_01.tiff: not a JAFFE image name' in error
    assert not (out / 'annotations.csv').exists()
    # --skip-bad converts the rest and lists the two.
    assert run_prepare(tmp_path / 'jaffe', out, '--landmarks', tmp_path / 'jaffe' / 'landmarks.csv',
                       '--skip-bad', '--overwrite') == 0
    assert len((out / 'skipped.txt').read_text().splitlines()) == 2


def test_converter_refuses_a_missing_folder(tmp_path, capsys):
    assert run_prepare(tmp_path / 'none', tmp_path / 'out', '--landmarks', tmp_path / 'x.csv') == 2
    assert 'is not a folder' in capsys.readouterr().err


def test_synthetic_jaffe_has_jaffe_names_and_exact_landmarks(tmp_path):
    counts = generate_synthetic_jaffe(str(tmp_path), seed=0, num_posers=1)
    images = sorted(tmp_path.glob('*.tiff'))
    assert counts['images'] == len(images) and counts['posers'] == 1
    assert {parse_jaffe_name(path.name).poser for path in images} == {'KA'}
    assert {parse_jaffe_name(path.name).label for path in images} == set(NEUTRAL7_CLASSES)
    with open(tmp_path / 'landmarks.csv') as file:
        rows = list(csv.reader(file))
    assert rows[0][0] == 'path' and len(rows[0]) == 1 + 136
    assert sorted(row[0] for row in rows[1:]) == [path.name for path in images]
    image = cv2.imread(str(images[0]), cv2.IMREAD_UNCHANGED)
    assert image.shape == (256, 256) and image.dtype == np.uint8
    points = np.array(rows[1][1:], float).reshape(68, 2)
    assert points.min() > 0 and points.max() < 256
