"""Image and video demos, and the --help of every tool of this feature."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from random_checkpoint import TINY_CONFIG, save_random_checkpoint
from raw_ckplus_fixture import load_tool

from mmfmpn.apis import mtcnn_weights_dir
from mmfmpn.masks import REFERENCE_FIVE_POINTS

SHARED = Path(__file__).resolve().parents[2] / 'shared'
LONDON_FACES = SHARED / 'reference' / 'london-faces'


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    return str(save_random_checkpoint(tmp_path_factory.mktemp('ckpt') / 'tiny.pth'))


def generated_frame(seed: int, size: int = 160) -> np.ndarray:
    """A smooth random BGR frame."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    return cv2.resize(small, (size, size), interpolation=cv2.INTER_CUBIC)


@pytest.mark.parametrize('script,options', [
    ('demo/image_demo.py', ('--landmarks', '--device', '--cfg-options')),
    ('demo/video_demo.py', ('--face-source', '--device', '--cfg-options')),
    ('tools/analysis_tools/prediction_confusion.py', ()),
    ('tools/deployment/pytorch2onnx.py', ('--input-size', '--cfg-options')),
    ('tools/make_masks.py',
     ('--classes', '--folds', '--all-subjects', '--no-all-subjects', '--overwrite')),
])
def test_help(script, options, capsys):
    with pytest.raises(SystemExit) as exit_info:
        load_tool(script).parse_args(['--help'])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert 'usage' in help_text
    for option in options:
        assert option in help_text


def test_image_demo_with_landmarks(checkpoint, tmp_path, capsys):
    image_file = tmp_path / 'frame.png'
    cv2.imwrite(str(image_file), generated_frame(0))
    landmarks_file = tmp_path / 'landmarks.txt'
    points = REFERENCE_FIVE_POINTS + 30
    landmarks_file.write_text('\n'.join(f'{x} {y}' for x, y in points))
    out_file = tmp_path / 'out' / 'demo.png'
    demo = load_tool('demo/image_demo.py')
    assert demo.main([
        str(image_file),
        str(TINY_CONFIG), checkpoint, '--out-file',
        str(out_file), '--landmarks',
        str(landmarks_file), '--height', '200'
    ]) == 0
    figure = cv2.imread(str(out_file))
    # The frame (200 px wide at this height) and two square panels.
    assert figure.shape[0] == 200 and figure.shape[1] > 200 + 2 * 80
    assert 'figure:' in capsys.readouterr().out
    # Ten numbers on the command line work the same.
    inline = [f'{v:.4f}' for v in points.ravel()]
    assert demo.main([
        str(image_file),
        str(TINY_CONFIG), checkpoint, '--out-file',
        str(tmp_path / 'inline.png'), '--landmarks', *inline
    ]) == 0


@pytest.fixture(scope='module')
def wide_generator_checkpoint(tmp_path_factory):
    """Trained with ``--cfg-options model.mask_generator.base_channels=4``."""
    return str(
        save_random_checkpoint(
            tmp_path_factory.mktemp('ckpt') / 'wide.pth',
            cfg_options={'model.mask_generator.base_channels': 4}))


def test_demos_take_cfg_options(wide_generator_checkpoint, tmp_path):
    """The config overrides of the training run rebuild its model."""
    image_file = tmp_path / 'face.png'
    cv2.imwrite(str(image_file), generated_frame(1, 70))
    common = [
        str(TINY_CONFIG), wide_generator_checkpoint, '--face-source', 'aligned', '--cfg-options',
        'model.mask_generator.base_channels=4'
    ]
    image_demo = load_tool('demo/image_demo.py')
    out_file = tmp_path / 'demo.png'
    assert image_demo.main([str(image_file), *common, '--out-file', str(out_file)]) == 0
    assert cv2.imread(str(out_file)) is not None
    with pytest.raises(ValueError, match='does not match the model'):
        image_demo.main([str(image_file), *common[:-2]])
    video = tmp_path / 'in.avi'
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'MJPG'), 5, (70, 70))
    writer.write(generated_frame(2, 70))
    writer.release()
    assert load_tool('demo/video_demo.py').main(
        [str(video), *common, '--out-file',
         str(tmp_path / 'out.mp4')]) == 0


def test_image_demo_reports_bad_input(checkpoint, tmp_path, capsys):
    bad = tmp_path / 'bad.jpg'
    bad.write_bytes(b'\xff\xd8\xff\xe0 truncated')
    out_file = tmp_path / 'demo.png'
    assert load_tool('demo/image_demo.py').main([
        str(bad),
        str(TINY_CONFIG), checkpoint, '--out-file',
        str(out_file), '--face-source', 'aligned'
    ]) == 1
    assert 'error:' in capsys.readouterr().err
    assert not out_file.exists()


def test_video_demo_on_generated_frames(checkpoint, tmp_path, capsys):
    video = tmp_path / 'in.avi'
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'MJPG'), 5, (160, 160))
    for seed in range(4):
        writer.write(generated_frame(seed))
    writer.release()
    out_file = tmp_path / 'out.mp4'
    assert load_tool('demo/video_demo.py').main([
        str(video),
        str(TINY_CONFIG), checkpoint, '--out-file',
        str(out_file), '--face-source', 'aligned', '--max-frames', '3'
    ]) == 0
    capture = cv2.VideoCapture(str(out_file))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 3
    ok, frame = capture.read()
    assert ok and frame.shape == (160, 160, 3)
    assert '3 frames, a face in 3' in capsys.readouterr().out
    assert not list(tmp_path.glob('.*.tmp*'))


@pytest.mark.skipif(
    mtcnn_weights_dir() is None, reason='MTCNN weights not installed (pip install '
    'mtcnn==1.0.0)')
@pytest.mark.skipif(
    not (LONDON_FACES / 'annotations.json').is_file(),
    reason=f'real photos not available: {LONDON_FACES} is '
    'absent')
def test_image_demo_detects_a_real_face(checkpoint, tmp_path, capsys):
    entry = json.loads((LONDON_FACES / 'annotations.json').read_text())[0]
    out_file = tmp_path / 'demo.png'
    assert load_tool('demo/image_demo.py').main([
        str(LONDON_FACES / entry['smiling']),
        str(TINY_CONFIG), checkpoint, '--out-file',
        str(out_file)
    ]) == 0
    assert cv2.imread(str(out_file)) is not None


def test_prediction_confusion_tool(tmp_path, capsys):
    classes = ['anger', 'happy', 'surprise']
    pairs = [(0, 0), (0, 1), (1, 1), (1, 1), (2, 2), (2, 0)]
    predictions = tmp_path / 'preds.json'
    predictions.write_text(
        json.dumps(
            dict(
                classes=classes,
                predictions=[
                    dict(img_path=f'{i}.png', gt_label=gt, pred_label=pred, pred_score=[0.0] * 3)
                    for i, (gt, pred) in enumerate(pairs)
                ])))
    tool = load_tool('tools/analysis_tools/prediction_confusion.py')
    assert tool.main(
        [str(predictions), '--report-file',
         str(tmp_path / 'report.json'), '--normalize']) == 0
    assert cv2.imread(str(tmp_path / 'preds_confusion_matrix.png')) is not None
    report = json.loads((tmp_path / 'report.json').read_text())
    happy = report['classes'][1]
    assert happy == dict(**{'class': 'happy'}, precision=66.67, recall=100.0, f1=80.0, support=2)
    assert report['accuracy'] == pytest.approx(66.67)
    assert '| happy' in capsys.readouterr().out
    # Predictions without true labels cannot make a confusion matrix.
    unlabelled = tmp_path / 'unlabelled.json'
    unlabelled.write_text(
        json.dumps(
            dict(
                classes=classes, predictions=[dict(img_path='a.png', gt_label=None,
                                                   pred_label=0)])))
    assert tool.main([str(unlabelled)]) == 2
    assert 'no gt_label' in capsys.readouterr().err
