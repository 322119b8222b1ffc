"""``torch.compile`` of FMPN: mmengine's ``compile=True`` trains stage 2
(benchmark.py --compile: tests/test_benchmark.py). Traced with dynamo's
``eager`` backend, which checks the tracing without paying inductor's code
generation.
"""
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import DefaultOptimWrapperConstructor
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS

from mmfmpn.engine import PlainParamGroupsOptimWrapperConstructor
from mmfmpn.synthesis import make_tiny_ckplus

REPO = Path(__file__).resolve().parents[1]
TINY_CONFIG = 'tests/configs/fmpn_tiny.py'


def test_param_groups_are_plain_dicts_with_the_default_settings():
    cfg = Config.fromfile(TINY_CONFIG)
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    settings = dict(cfg.optim_wrapper)
    assert settings.pop('constructor') == \
        'PlainParamGroupsOptimWrapperConstructor'
    paramwise_cfg = settings.pop('paramwise_cfg')
    assert paramwise_cfg, 'stage 2 sets the generator LR apart'
    default = DefaultOptimWrapperConstructor(settings, paramwise_cfg)(model)
    plain = PlainParamGroupsOptimWrapperConstructor(settings, paramwise_cfg)(model)
    default_groups = default.optimizer.param_groups
    plain_groups = plain.optimizer.param_groups
    assert all(type(group) is dict for group in plain_groups)
    assert len(plain_groups) == len(default_groups)
    for ours, theirs in zip(plain_groups, default_groups):
        assert ours['params'][0] is theirs['params'][0]
        assert {
            k: v
            for k, v in ours.items() if k != 'params'
        } == {
            k: v
            for k, v in theirs.items() if k != 'params'
        }
    lrs = {name: group['lr'] for (name, _), group in zip(model.named_parameters(), plain_groups)}
    assert lrs['mask_generator.to_mask.weight'] == pytest.approx(1e-5)
    assert lrs['head.fc.weight'] == pytest.approx(1e-4)
    assert plain.optimizer.state_dict()['param_groups'] == \
        default.optimizer.state_dict()['param_groups']


def test_compiled_train_step_trains_stage_2(tmp_path):
    """mmengine's compile=True compiles the whole train step, optimiser step
    included: with ConfigDict param groups that stopped with an internal
    dynamo error."""
    make_tiny_ckplus(str(tmp_path / 'data'))
    result = subprocess.run([
        sys.executable, '-W', 'ignore', 'tools/train.py', TINY_CONFIG, '--data-root',
        str(tmp_path / 'data'), '--work-dir',
        str(tmp_path / 'work'), '--no-validate', '--cfg-options', 'compile.backend=eager',
        'train_cfg.max_epochs=1'
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert 'Model has been "compiled"' in log
    checkpoint = torch.load(tmp_path / 'work' / 'epoch_1.pth', map_location='cpu')
    assert torch.isfinite(checkpoint['state_dict']['mask_generator.to_mask.weight']).all()
