"""Train, resume, test and distributed training through the tools."""
import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import mmfmpn  # noqa: F401  (registers the safe checkpoint globals)
from mmfmpn.engine.checkpoint_loading import _history_buffer_getattr
from mmfmpn.synthesis import make_tiny_ckplus

REPO = Path(__file__).resolve().parents[1]
TINY_CONFIG = str(REPO / 'tests' / 'configs' / 'fmpn_tiny.py')


def run_tool(*args, env=None):
    result = subprocess.run([sys.executable, '-W', 'ignore', *args],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """Two epochs of the tiny stage-2 config, then a resumed third one."""
    root = tmp_path_factory.mktemp('tools')
    data_root, work_dir = root / 'data', root / 'work'
    make_tiny_ckplus(str(data_root))
    run_tool('tools/train.py', TINY_CONFIG, '--data-root', str(data_root), '--work-dir',
             str(work_dir))
    log = run_tool('tools/train.py', TINY_CONFIG, '--data-root', str(data_root), '--work-dir',
                   str(work_dir), '--resume', '--cfg-options', 'train_cfg.max_epochs=3')
    return data_root, work_dir, log


def test_train_writes_checkpoints_and_resume_continues(trained):
    _, work_dir, log = trained
    assert 'resumed epoch: 2' in log
    for epoch in (1, 2, 3):
        assert (work_dir / f'epoch_{epoch}.pth').is_file()
    checkpoint = torch.load(work_dir / 'epoch_3.pth', map_location='cpu')
    assert checkpoint['meta']['epoch'] == 3
    assert any(k.startswith('mask_generator.') for k in checkpoint['state_dict'])


def test_test_tool_writes_json_predictions(trained):
    data_root, work_dir, _ = trained
    out = work_dir / 'preds.json'
    log = run_tool('tools/test.py', TINY_CONFIG, str(work_dir / 'epoch_3.pth'), '--data-root',
                   str(data_root), '--work-dir', str(work_dir), '--fold', '1', '--out', str(out),
                   '--show-dir', str(work_dir / 'shown'))
    assert 'accuracy/top1' in log and 'motion_mask/mse' in log
    assert len(list((work_dir / 'shown').glob('*.png'))) == 2 * 7 * 3  # one figure a face
    result = json.loads(out.read_text())
    assert result['classes'][4] == 'happy'
    assert len(result['predictions']) == 2 * 7 * 3  # fold 1: 2 subjects
    record = result['predictions'][0]
    assert len(record['pred_score']) == 7
    assert '/imgs/' in record['img_path']


def test_load_from_checkpoint(trained, tmp_path):
    data_root, work_dir, _ = trained
    log = run_tool('tools/train.py', TINY_CONFIG, '--data-root', str(data_root), '--work-dir',
                   str(tmp_path), '--cfg-options', f'load_from={work_dir / "epoch_3.pth"}',
                   'train_cfg.max_epochs=1')
    assert 'Load checkpoint from' in log


def test_checkpoint_loading_stays_safe(tmp_path):

    class Payload:

        def __reduce__(self):
            return (os.system, ('echo owned', ))

    torch.save({'state_dict': {}, 'x': Payload()}, tmp_path / 'evil.pth')
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / 'evil.pth')
    with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer'):
        _history_buffer_getattr(os, 'system')


def free_tcp_port() -> int:
    """A port nothing listens on now (a fixed one may be taken on CI)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_distributed_training_on_cpu_with_two_processes(tmp_path):
    data_root = tmp_path / 'data'
    make_tiny_ckplus(str(data_root))
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_tcp_port()), OMP_NUM_THREADS='1')
    result = subprocess.run([
        'bash', 'tools/dist_train.sh', TINY_CONFIG, '2', '--data-root',
        str(data_root), '--work-dir',
        str(tmp_path / 'work'), '--cfg-options', 'train_cfg.max_epochs=1'
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            env=env)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert 'Distributed training: True' in log or 'world_size: 2' in log
    assert (tmp_path / 'work' / 'epoch_1.pth').is_file()
    # Two test processes share the test split; the dump gathers every face once.
    out = tmp_path / 'preds.json'
    result = subprocess.run([
        'bash', 'tools/dist_test.sh', TINY_CONFIG,
        str(tmp_path / 'work' / 'epoch_1.pth'), '2', '--data-root',
        str(data_root), '--work-dir',
        str(tmp_path / 'test'), '--out',
        str(out)
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            env=env)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    paths = [record['img_path'] for record in json.loads(out.read_text())['predictions']]
    assert len(paths) == len(set(paths)) == 2 * 7 * 3  # fold 0: 2 subjects


def test_test_tool_refuses_a_checkpoint_that_does_not_match(trained):
    data_root, work_dir, _ = trained
    result = subprocess.run([
        sys.executable, '-W', 'ignore', 'tools/test.py', TINY_CONFIG,
        str(work_dir / 'epoch_3.pth'), '--data-root',
        str(data_root), '--work-dir',
        str(work_dir), '--cfg-options', 'model.mask_generator.base_channels=4'
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert 'mask_generator' in result.stderr


def run_tool_failing(*args):
    result = subprocess.run([sys.executable, '-W', 'ignore', *args],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode != 0, result.stdout[-2000:]
    return result.stderr


def test_train_refuses_a_finished_work_dir_without_resume(trained):
    data_root, work_dir, _ = trained
    stamp = (work_dir / 'epoch_3.pth').stat().st_mtime_ns
    error = run_tool_failing('tools/train.py', TINY_CONFIG, '--data-root', str(data_root),
                             '--work-dir', str(work_dir))
    assert f'Work dir {work_dir} already holds a training run' in error
    assert '--resume' in error and 'Traceback' not in error
    assert (work_dir / 'epoch_3.pth').stat().st_mtime_ns == stamp


def test_resume_skips_a_truncated_last_checkpoint(trained, tmp_path):
    data_root, trained_dir, _ = trained
    work_dir = tmp_path / 'work'
    shutil.copytree(trained_dir, work_dir)
    last = work_dir / 'epoch_3.pth'
    (work_dir / 'last_checkpoint').write_text(str(last))
    last.write_bytes(last.read_bytes()[:1000])
    log = run_tool('tools/train.py', TINY_CONFIG, '--data-root', str(data_root), '--work-dir',
                   str(work_dir), '--resume', '--cfg-options', 'train_cfg.max_epochs=3')
    assert f'Checkpoint {last} cannot be read: it is truncated' in log
    assert f'previous checkpoint {work_dir / "epoch_2.pth"}' in log
    assert 'resumed epoch: 2' in log
    assert torch.load(last, map_location='cpu')['meta']['epoch'] == 3


def test_test_tool_names_a_damaged_checkpoint(trained, tmp_path):
    data_root, work_dir, _ = trained
    damaged = tmp_path / 'damaged.pth'
    damaged.write_bytes((work_dir / 'epoch_3.pth').read_bytes()[:500])
    error = run_tool_failing('tools/test.py', TINY_CONFIG, str(damaged), '--data-root',
                             str(data_root), '--work-dir', str(tmp_path))
    assert f'Checkpoint {damaged} cannot be read: it is truncated' in error


def test_test_tool_speaks_mmpretrains_options():
    result = subprocess.run([sys.executable, '-W', 'ignore', 'tools/test.py', '--help'],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    for option in ('--tta', '--show-dir', '--show', '--out-item', '--amp', '--no-pin-memory'):
        assert option in result.stdout


def test_test_tool_with_tta_loads_the_checkpoint_strictly(trained, tmp_path):
    data_root, work_dir, _ = trained
    out = tmp_path / 'metrics.pkl'
    log = run_tool('tools/test.py', TINY_CONFIG, str(work_dir / 'epoch_3.pth'), '--data-root',
                   str(data_root), '--work-dir', str(tmp_path), '--tta', '--out', str(out),
                   '--out-item', 'metrics')
    assert 'Load checkpoint from' in log
    assert 'accuracy/top1' in pickle.loads(out.read_bytes())
