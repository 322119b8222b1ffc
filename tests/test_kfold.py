"""k-fold aggregation math, and the k-fold run end to end on tiny data."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from test_tools import free_tcp_port

from mmfmpn.engine import kfold
from mmfmpn.engine.kfold import (KFoldRun, RunSettings, SettingsMismatchError, check_fold_settings,
                                 default_work_dir, per_process_batch, resolved_settings, run_kfold,
                                 world_size)
from mmfmpn.evaluation.fold_summary import summarize_folds, write_summary
from mmfmpn.synthesis import make_tiny_ckplus

REPO = Path(__file__).resolve().parents[1]
FMG_TINY = str(REPO / 'tests' / 'configs' / 'fmg_tiny.py')
FMPN_TINY = str(REPO / 'tests' / 'configs' / 'fmpn_tiny.py')


def write_predictions(path, classes, gt_labels, pred_labels, mask_errors=None):
    records = [
        dict(img_path=f'{i}.png', gt_label=g, pred_label=p, pred_score=[])
        for i, (g, p) in enumerate(zip(gt_labels, pred_labels))
    ]
    for record, error in zip(records, mask_errors or []):
        record['motion_mask_mse'] = error
    path.write_text(json.dumps(dict(classes=classes, predictions=records)))
    return str(path)


def test_summary_math_on_hand_made_predictions(tmp_path):
    classes = ['a', 'b', 'c']
    files = {
        # 3 of 4 right; one true c predicted a
        0: write_predictions(tmp_path / '0.json', classes, [0, 1, 2, 2], [0, 1, 2, 0]),
        # 1 of 2 right; one true a predicted b
        3: write_predictions(tmp_path / '3.json', classes, [0, 1], [1, 1]),
    }
    summary = summarize_folds(files)
    assert [f['fold'] for f in summary['folds']] == [0, 3]
    assert [f['accuracy'] for f in summary['folds']] == [75.0, 50.0]
    assert summary['mean_accuracy'] == pytest.approx(62.5)
    assert summary['std_accuracy'] == pytest.approx(12.5)  # ddof=0
    assert summary['pooled_accuracy'] == pytest.approx(400 / 6)
    assert summary['confusion_matrix'] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    np.testing.assert_allclose(summary['confusion_matrix_percent'],
                               [[50, 50, 0], [0, 100, 0], [50, 0, 50]])

    paths = write_summary(summary, str(tmp_path / 'out'), title='hand made')
    assert json.loads(Path(paths['json']).read_text()) == summary
    markdown = Path(paths['markdown']).read_text()
    assert '62.50 ± 12.50 %' in markdown
    assert '| c | 50.0 | 0.0 | 50.0 |' in markdown
    assert cv2.imread(paths['confusion_matrix']).shape[0] > 100
    assert not [p for p in os.listdir(tmp_path / 'out') if p.endswith('.tmp')]


def test_summary_averages_mask_errors_only_when_every_fold_has_them(tmp_path):
    classes = ['a', 'b']
    files = {
        0:
        write_predictions(tmp_path / '0.json', classes, [0, 1], [0, 1], mask_errors=[0.01, 0.03]),
        1: write_predictions(tmp_path / '1.json', classes, [0], [1], mask_errors=[0.04]),
    }
    summary = summarize_folds(files)
    assert [f['motion_mask_mse'] for f in summary['folds']] == pytest.approx([0.02, 0.04])
    assert summary['mean_motion_mask_mse'] == pytest.approx(0.03)
    assert summary['std_motion_mask_mse'] == pytest.approx(0.01)
    markdown = Path(write_summary(summary, str(tmp_path / 'out'))['markdown'])
    assert '| 0 | 2 | 100.00 | 0.0200 |' in markdown.read_text()
    assert 'Motion mask MSE: 0.0300 ± 0.0100' in markdown.read_text()

    # A baseline fold (no masks) leaves mask errors out of the summary.
    files[2] = write_predictions(tmp_path / '2.json', classes, [0], [0])
    summary = summarize_folds(files)
    assert 'mean_motion_mask_mse' not in summary
    assert not any('motion_mask_mse' in f for f in summary['folds'])


def test_summary_rejects_folds_with_other_classes(tmp_path):
    files = {
        0: write_predictions(tmp_path / '0.json', ['a', 'b'], [0], [0]),
        1: write_predictions(tmp_path / '1.json', ['b', 'a'], [0], [0]),
    }
    with pytest.raises(ValueError, match='same class list'):
        summarize_folds(files)


def test_kfold_trains_tests_summarizes_and_resumes(tmp_path, capsys):
    data_root, work_dir = tmp_path / 'data', tmp_path / 'work'
    make_tiny_ckplus(str(data_root), num_folds=2)
    run = KFoldRun(stage1=FMG_TINY, stage2=FMPN_TINY, folds=(0, 1), work_dir=str(work_dir))

    def settings(max_epochs=1, **kwargs):
        return RunSettings(
            data_root=str(data_root),
            validate=False,
            cfg_options=(f'train_cfg.max_epochs={max_epochs}', ),
            **kwargs)

    summary = run_kfold(run, settings())

    # Stage 1 holds the generator only; stage 2 took it strictly from the
    # fold's own stage-1 checkpoint.
    stage1 = torch.load(work_dir / 'fold_1' / 'stage1' / 'epoch_1.pth', map_location='cpu')
    assert stage1['state_dict'] and all(
        key.startswith('mask_generator.') for key in stage1['state_dict'])
    stage2_config = (work_dir / 'fold_1' / 'stage2' / 'fmpn_tiny.py').read_text()
    assert "type='StrictPretrained'" in stage2_config
    assert str(work_dir / 'fold_1' / 'stage1' / 'epoch_1.pth') in stage2_config
    accuracies = []
    for fold in (0, 1):
        records = json.loads((work_dir / f'fold_{fold}' / 'predictions.json').read_text())
        predictions = records['predictions']
        assert len(predictions) == 42  # 2 test subjects x 7 classes x 3
        assert all(0 <= r['motion_mask_mse'] <= 1 for r in predictions)
        accuracies.append(100 * np.mean([r['gt_label'] == r['pred_label'] for r in predictions]))
    saved = json.loads((work_dir / 'summary.json').read_text())
    assert saved == summary
    assert set(saved['settings_fingerprint']) == {'0', '1'}
    assert [f['accuracy'] for f in saved['folds']] == pytest.approx(accuracies)
    assert saved['mean_accuracy'] == pytest.approx(np.mean(accuracies))
    assert saved['std_accuracy'] == pytest.approx(np.std(accuracies))
    assert 0 < saved['mean_motion_mask_mse'] < 1
    assert np.sum(saved['confusion_matrix']) == 84
    assert (work_dir / 'summary.md').is_file()
    assert (work_dir / 'confusion_matrix.png').is_file()
    assert 'mean ± std accuracy over 2 folds' in capsys.readouterr().out

    # A second run redoes nothing.
    outputs = sorted(work_dir.glob('fold_*/**/*.pth')) + sorted(
        work_dir.glob('fold_*/predictions.json'))
    stamps = [p.stat().st_mtime_ns for p in outputs]
    run_kfold(run, settings())
    assert [p.stat().st_mtime_ns for p in outputs] == stamps
    assert capsys.readouterr().out.count('done (') == 2

    # Other settings: nothing is reused, the message says what differs.
    with pytest.raises(SettingsMismatchError, match=r'model.mask_loss.loss_weight: 10.0 -> 0.1'):
        run_kfold(
            run,
            RunSettings(
                data_root=str(data_root),
                validate=False,
                cfg_options=('train_cfg.max_epochs=1', 'model.mask_loss.loss_weight=0.1')))
    assert [p.stat().st_mtime_ns for p in outputs] == stamps

    # A longer schedule is another setting too; --rebuild of fold 1 only
    # would retrain it. Here: an interrupted stage resumes instead of
    # starting over (same settings, predictions removed, last epoch lost).
    (work_dir / 'fold_1' / 'predictions.json').unlink()
    epoch_1 = work_dir / 'fold_1' / 'stage2' / 'epoch_1.pth'
    epoch_1_stamp = epoch_1.stat().st_mtime_ns
    run_kfold(
        KFoldRun(stage1=FMG_TINY, stage2=FMPN_TINY, folds=(1, ), work_dir=str(work_dir)),
        settings())
    out = capsys.readouterr().out
    assert out.count(': done,') == 2  # both stages reused
    assert epoch_1.stat().st_mtime_ns == epoch_1_stamp
    assert (work_dir / 'fold_1' / 'predictions.json').is_file()


def test_default_work_dir_differs_per_options():
    plain = default_work_dir('configs/x/fmpn_a.py', RunSettings())
    assert plain == os.path.join('work_dirs', 'kfold', 'fmpn_a')
    variant = default_work_dir('configs/x/fmpn_a.py',
                               RunSettings(cfg_options=('model.mask_loss.loss_weight=0.1', )))
    other_data = default_work_dir('configs/x/fmpn_a.py', RunSettings(data_root='data/other'))
    assert len({plain, variant, other_data}) == 3
    assert variant.startswith(plain + '-')


def test_split_batch_keeps_the_global_batch(monkeypatch):
    from mmengine.config import Config
    monkeypatch.setenv('NNODES', '2')
    assert world_size(RunSettings(gpus=2)) == 4
    monkeypatch.setenv('WORLD_SIZE', '8')
    assert world_size(RunSettings(launcher='pytorch')) == 8
    assert world_size(RunSettings()) == 1
    cfg = Config(dict(train_dataloader=dict(batch_size=16)))
    assert per_process_batch(cfg, 'stage2.py', 4) == 4
    with pytest.raises(ValueError, match='stage2.py trains with batch 16'):
        per_process_batch(cfg, 'stage2.py', 3)
    result = subprocess.run(  # nothing to split over
        [sys.executable, 'tools/kfold.py', '--stage2', 'stage2.py', '--split-batch'],
        cwd=REPO,
        capture_output=True,
        text=True)
    assert result.returncode == 2
    assert '--split-batch needs --gpus N' in result.stderr


def test_fold_settings_are_recorded_checked_and_rebuilt(tmp_path):
    fold_dir = tmp_path / 'fold_0'
    old = {'stage2.model.mask_loss.loss_weight': 10.0}
    new = {'stage2.model.mask_loss.loss_weight': 0.1}
    check_fold_settings(str(fold_dir), old, rebuild=False)  # recorded
    (fold_dir / 'predictions.json').write_text('{}')
    check_fold_settings(str(fold_dir), old, rebuild=False)  # same: reused
    with pytest.raises(SettingsMismatchError, match=r'loss_weight: 10.0 -> 0.1.*--rebuild'):
        check_fold_settings(str(fold_dir), new, rebuild=False)
    assert (fold_dir / 'predictions.json').is_file()
    check_fold_settings(str(fold_dir), new, rebuild=True)
    assert not (fold_dir / 'predictions.json').exists()
    recorded = json.loads((fold_dir / 'settings.json').read_text())
    assert recorded['settings'] == new

    unrecorded = tmp_path / 'fold_1'
    unrecorded.mkdir()
    (unrecorded / 'predictions.json').write_text('{}')
    with pytest.raises(SettingsMismatchError, match='no settings.json'):
        check_fold_settings(str(unrecorded), new, rebuild=False)


def test_fold_settings_change_when_the_data_is_prepared_again(tmp_path):
    data_root = tmp_path / 'data'
    make_tiny_ckplus(str(data_root))
    run = KFoldRun(stage2=FMPN_TINY, work_dir=str(tmp_path / 'kfold'))
    settings = RunSettings(data_root=str(data_root))
    before = resolved_settings(run, 0, settings)
    assert any(key.endswith('/train_ids_0.csv') for key in before)
    assert resolved_settings(run, 0, settings) == before
    split = data_root / 'train_ids_0.csv'
    split.write_text('\n'.join(split.read_text().split('\n')[1:]))  # other folds now
    after = resolved_settings(run, 0, settings)
    assert [key for key in before if before[key] != after.get(key)
            ] == [key for key in before if key.endswith('/train_ids_0.csv')]
    fold_dir = tmp_path / 'fold_0'
    check_fold_settings(str(fold_dir), before, rebuild=False)
    with pytest.raises(SettingsMismatchError, match='train_ids_0.csv'):
        check_fold_settings(str(fold_dir), after, rebuild=False)


def test_kfold_checks_its_folds_inside_the_process_group(tmp_path, monkeypatch):
    """Under ``--launcher pytorch`` the group exists before the first fold is checked, so
    the barrier after rank 0 records or deletes a fold holds the other ranks (before, the
    group started with the first runner and ``--rebuild`` could hang a torchrun job)."""
    checked = []
    monkeypatch.setattr(kfold, 'check_fold_settings',
                        lambda *args: checked.append(torch.distributed.is_initialized()))
    monkeypatch.setattr(kfold, 'run_fold', lambda *args: None)
    monkeypatch.setattr(kfold, 'summarize', lambda *args: {})
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(free_tcp_port()))
    make_tiny_ckplus(str(tmp_path / 'data'), num_folds=2)
    try:
        run_kfold(
            KFoldRun(stage2=FMPN_TINY, folds=(0, 1), work_dir=str(tmp_path / 'work')),
            RunSettings(data_root=str(tmp_path / 'data'), launcher='pytorch'))
    finally:
        if torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()
    assert checked == [True, True]


def test_kfold_rebuild_under_torchrun_holds_every_rank(tmp_path):
    """torchrun, 2 CPU processes: ``--rebuild`` deletes a finished fold on rank 0 while the
    other rank waits, then both train it again (this hung while the process group started
    only with the first runner, after the fold's files were checked)."""
    data_root, work_dir = tmp_path / 'data', tmp_path / 'work'
    make_tiny_ckplus(str(data_root), num_folds=2)
    stage2_only = 'model.mask_generator.init_cfg=None'
    run_kfold(
        KFoldRun(stage2=FMPN_TINY, folds=(0, ), work_dir=str(work_dir)),
        RunSettings(
            data_root=str(data_root),
            validate=False,
            cfg_options=('train_cfg.max_epochs=1', stage2_only)))
    command = [
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port',
        str(free_tcp_port()), 'tools/kfold.py', '--stage2', FMPN_TINY, '--data-root',
        str(data_root), '--folds', '0', '--launcher', 'pytorch', '--no-validate', '--work-dir',
        str(work_dir), '--rebuild', '--cfg-options', 'train_cfg.max_epochs=2', stage2_only
    ]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'),
        start_new_session=True)
    try:
        log, _ = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        log, _ = process.communicate()
        pytest.fail('k-fold --rebuild under torchrun hung:\n' + log[-3000:])
    assert process.returncode == 0, log[-3000:]
    assert '--rebuild: deleting' in log
    assert (work_dir / 'fold_0' / 'stage2' / 'epoch_2.pth').is_file()
    assert len(json.loads(
        (work_dir / 'fold_0' / 'predictions.json').read_text())['predictions']) == 42
