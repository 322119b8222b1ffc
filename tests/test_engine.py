"""Checkpoint reading, config checks and the runner's {fold} resolution."""
import os
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmpretrain.registry import MODELS
from random_checkpoint import save_random_checkpoint

from mmfmpn.engine import (CheckpointMismatchError, UnreadableCheckpointError, check_config_values,
                           earlier_checkpoints, read_checkpoint)

REPO = Path(__file__).resolve().parents[1]
TINY_CONFIG = str(REPO / 'tests' / 'configs' / 'fmpn_tiny.py')


class Payload:

    def __reduce__(self):
        return (os.system, ('echo owned', ))


def bad_checkpoint(tmp_path, kind):
    path = tmp_path / f'{kind}.pth'
    if kind == 'empty':
        path.write_bytes(b'')
    elif kind == 'truncated':
        torch.save(dict(state_dict=dict(w=torch.zeros(1000))), path)
        path.write_bytes(path.read_bytes()[:300])
    elif kind == 'text':
        path.write_text('model weights: see README\n')
    elif kind == 'malicious':
        torch.save(dict(state_dict=dict(w=torch.zeros(1)), x=Payload()), path)
    return path


@pytest.mark.parametrize('kind,match', [
    ('empty', r'cannot be read: it is empty \(0 bytes\); delete it'),
    ('truncated', 'cannot be read: it is truncated or damaged; delete it'),
    ('text', 'cannot be read: it is not a PyTorch checkpoint; pass a .pth'),
    ('malicious', r'is refused: .*loading would run \(posix.system\)'),
])
def test_bad_checkpoint_files_give_one_clear_error(tmp_path, kind, match):
    path = bad_checkpoint(tmp_path, kind)
    with pytest.raises(UnreadableCheckpointError, match=match) as error:
        read_checkpoint(str(path))
    assert str(path) in str(error.value)
    assert 'weights_only' not in str(error.value)  # never torch's advice


def test_missing_checkpoint_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.pth does not exist'):
        read_checkpoint(str(tmp_path / 'nothing.pth'))


def test_inferencer_refuses_a_malicious_checkpoint(tmp_path):
    from mmfmpn.apis import init_fmpn_model
    path = bad_checkpoint(tmp_path, 'malicious')
    with pytest.raises(CheckpointMismatchError, match=f'{path} is refused'):
        init_fmpn_model(TINY_CONFIG, str(path))


def test_stage2_init_from_an_empty_file_names_it(tmp_path):
    from tiny_models import tiny_model_cfg
    path = bad_checkpoint(tmp_path, 'empty')
    cfg = tiny_model_cfg()
    cfg['mask_generator']['init_cfg'] = dict(
        type='StrictPretrained', checkpoint=str(path), prefix='mask_generator.')
    with pytest.raises(UnreadableCheckpointError, match=f'{path}'):
        MODELS.build(cfg).init_weights()


def test_earlier_checkpoints_latest_first(tmp_path):
    for name in ('epoch_1.pth', 'epoch_10.pth', 'epoch_2.pth', 'best.pth'):
        (tmp_path / name).write_bytes(b'x')
    assert [
        Path(p).name for p in earlier_checkpoints(str(tmp_path), str(tmp_path / 'epoch_10.pth'))
    ] == ['epoch_2.pth', 'epoch_1.pth']


@pytest.mark.parametrize('key,value,match', [
    ('train_dataloader.batch_size', 0, 'batch_size = 0'),
    ('val_dataloader.batch_size', -2, 'batch_size = -2'),
    ('optim_wrapper.optimizer.lr', -1e-4, r'lr = -0.0001.*a number >= 0'),
    ('train_cfg.max_epochs', 0, r'max_epochs = 0.*a whole number >= 1'),
    ('model.mask_loss.loss_weight', 'ten', "loss_weight = 'ten'"),
    ('model.head.loss.loss_weight', -1.0, 'model.head.loss.loss_weight'),
    ('model.mask_generator.working_size', 64, r'working_size = 64.*crop_size = 28'),
])
def test_config_values_that_cannot_work_are_refused(key, value, match):
    cfg = Config.fromfile(TINY_CONFIG)
    check_config_values(cfg)  # the shipped values pass
    cfg.merge_from_dict({key: value})
    with pytest.raises(ValueError, match=match) as error:
        check_config_values(cfg)
    assert 'fmpn_tiny.py' in str(error.value)
    assert f'--cfg-options {key}=' in str(error.value)


def test_runner_refuses_bad_values_before_building(tmp_path):
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_dataloader.batch_size = 0
    with pytest.raises(ValueError, match='batch_size = 0'):
        RUNNERS.build(cfg)
    assert not (tmp_path / 'work').exists()


def test_stock_runner_build_fills_in_the_fold(tmp_path):
    """MMPretrain's tools build RUNNERS.build(cfg) with --cfg-options only."""
    from mmfmpn.synthesis import make_tiny_ckplus
    data_root = tmp_path / 'data'
    make_tiny_ckplus(str(data_root), num_folds=2)
    stage1 = tmp_path / 'fold_1' / 'stage1.pth'
    stage1.parent.mkdir()
    save_random_checkpoint(stage1, cfg_options={'model.mask_generator.init_cfg': None})
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.merge_from_dict({
        'work_dir': str(tmp_path / 'work'),
        **{
            f'{split}_dataloader.dataset.{key}': value
            for split in ('train', 'val', 'test')
            for key, value in (('fold', 1), ('data_root', str(data_root)))
        },
        'model.mask_generator.init_cfg': None,
    })
    cfg.model.mask_generator.init_cfg = dict(
        type='StrictPretrained',
        checkpoint=str(tmp_path / 'fold_{fold}' / 'stage1.pth'),
        prefix='mask_generator.')
    runner = RUNNERS.build(cfg)
    assert type(runner).__name__ == 'FMPNRunner'
    init_cfg = runner.cfg.model.mask_generator.init_cfg
    assert init_cfg.checkpoint == str(stage1)
    runner.model.init_weights()
    expected = torch.load(stage1, map_location='cpu')['state_dict']
    torch.testing.assert_close(runner.model.mask_generator.to_mask.weight,
                               expected['mask_generator.to_mask.weight'])
