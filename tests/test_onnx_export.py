"""ONNX export of the whole FMPN and its parity with PyTorch."""
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from random_checkpoint import TINY_CONFIG, save_random_checkpoint
from raw_ckplus_fixture import load_tool

onnxruntime = pytest.importorskip(
    'onnxruntime', reason='onnxruntime is not installed (pip install onnx '
    'onnxruntime)')
pytest.importorskip('onnx', reason='onnx is not installed (pip install onnx)')

REPO_ROOT = Path(__file__).resolve().parents[1]


def load_export_tool():
    return load_tool('tools/deployment/pytorch2onnx.py')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    return str(save_random_checkpoint(tmp_path_factory.mktemp('ckpt') / 'tiny.pth'))


def test_input_size_comes_from_the_test_pipeline():
    tool = load_export_tool()
    full = Config.fromfile(str(REPO_ROOT / 'configs' / 'fmpn' / 'fmpn_inceptionv3_ckplus.py'))
    assert tool.square_input_size(full) == 299
    assert tool.square_input_size(Config.fromfile(str(TINY_CONFIG))) == 28


def test_export_with_mask_matches_pytorch(checkpoint, tmp_path, capsys):
    output_file = tmp_path / 'model.onnx'
    assert load_export_tool().main([
        str(TINY_CONFIG), checkpoint, '--output-file',
        str(output_file), '--with-mask', '--atol', '1e-5'
    ]) == 0
    out = capsys.readouterr().out
    assert 'scores' in out and 'motion_mask' in out
    session = onnxruntime.InferenceSession(str(output_file), providers=['CPUExecutionProvider'])
    assert [o.name for o in session.get_outputs()] == ['scores', 'motion_mask']
    assert not list(tmp_path.glob('.*.tmp'))


def test_uint8_export_agrees_with_the_inferencer(checkpoint, tmp_path):
    """The same face through FMPNInferencer and through the ONNX file."""
    from mmfmpn.apis import FMPNInferencer
    output_file = tmp_path / 'model_uint8.onnx'
    tool = load_export_tool()
    assert tool.main([
        str(TINY_CONFIG), checkpoint, '--output-file',
        str(output_file), '--uint8-input', '--skip-verify'
    ]) == 0
    face = np.random.default_rng(0).integers(0, 256, (70, 70, 3), np.uint8)
    result = FMPNInferencer(TINY_CONFIG, checkpoint, face_source='aligned')(face)[0]
    session = onnxruntime.InferenceSession(str(output_file), providers=['CPUExecutionProvider'])
    faces = result['face'].transpose(2, 0, 1)[None]  # the RGB face it saw
    scores = session.run(None, {'faces': faces})[0]
    np.testing.assert_allclose(scores[0], result['pred_scores'], atol=1e-5)


def test_checkpoint_mismatch_stops_export(tmp_path):
    from mmfmpn.apis import CheckpointMismatchError
    other = save_random_checkpoint(
        tmp_path / 'other.pth', cfg_options={'model.head.num_classes': 5})
    with pytest.raises(CheckpointMismatchError):
        load_export_tool().main(
            [str(TINY_CONFIG),
             str(other), '--output-file',
             str(tmp_path / 'model.onnx')])
    assert not (tmp_path / 'model.onnx').exists()
    # The training run's config overrides rebuild its model.
    wide = save_random_checkpoint(
        tmp_path / 'wide.pth', cfg_options={'model.mask_generator.base_channels': 4})
    assert load_export_tool().main([
        str(TINY_CONFIG),
        str(wide), '--output-file',
        str(tmp_path / 'wide.onnx'), '--skip-verify', '--cfg-options',
        'model.mask_generator.base_channels=4'
    ]) == 0
