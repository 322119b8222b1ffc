"""tools/analysis_tools/mask_resolution_floor.py: the least mask error at a
working size."""
import json

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from raw_ckplus_fixture import load_tool


def load_floor_tool():
    return load_tool('tools/analysis_tools/mask_resolution_floor.py')


def test_upsampling_matrix_is_the_generators_bilinear_resize():
    tool = load_floor_tool()
    small = torch.rand(1, 1, 7, 7, dtype=torch.float64)
    up = tool.upsampling_matrix(7, 30)
    expected = F.interpolate(small, size=(30, 30), mode='bilinear', align_corners=False)[0, 0]
    np.testing.assert_allclose(up @ small[0, 0].numpy() @ up.T, expected.numpy(), atol=1e-12)


def test_floor_is_zero_for_what_the_working_size_can_draw():
    tool = load_floor_tool()
    up = tool.upsampling_matrix(8, 32)
    drawable = up @ np.random.default_rng(0).random((8, 8)) @ up.T
    assert tool.resolution_floor(drawable, 8)['floor'] == pytest.approx(0, abs=1e-20)
    # Fine detail is lost below its resolution; the round trip loses more.
    checkerboard = (np.indices((32, 32)).sum(0) % 2).astype(np.float64)
    errors = tool.resolution_floor(checkerboard, 8)
    assert 0.2 < errors['floor'] <= errors['round_trip']
    assert tool.resolution_floor(checkerboard, 32)['floor'] == pytest.approx(0, abs=1e-20)


def test_command_line_on_a_mask_folder(tmp_path, capsys):
    tool = load_floor_tool()
    rng = np.random.default_rng(0)
    for label in range(3):
        cv2.imwrite(str(tmp_path / f'{label}.png'), rng.integers(0, 256, (20, 20), dtype=np.uint8))
    result = tool.main([
        str(tmp_path), '--resize', '24', '--crop', '20', '--working-sizes', '5', '10', '20',
        '--json',
        str(tmp_path / 'floor.json')
    ])
    floors = [row['floor'] for row in result['results']]
    assert floors[0] > floors[1] > floors[2] == pytest.approx(0, abs=1e-20)
    assert result['classes'] == [0, 1, 2]
    assert json.loads((tmp_path / 'floor.json').read_text()) == result
    assert 'floor MSE' in capsys.readouterr().out
    with pytest.raises(SystemExit, match='no class masks'):
        tool.main([str(tmp_path / 'missing')])
