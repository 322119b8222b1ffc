"""The benchmark tools run and report what they say; the fast configs build.

Nothing here asserts on time: the numbers only have to exist and be positive.
"""
import json

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from raw_ckplus_fixture import load_tool

from mmfmpn.models import bare_classifier_cfg
from mmfmpn.utils import network_input_size
from mmfmpn.utils.step_timing import median_ratio, time_interleaved

benchmark = load_tool('tools/analysis_tools/benchmark.py')
get_flops = load_tool('tools/analysis_tools/get_flops.py')
pipeline_benchmark = load_tool('tools/analysis_tools/pipeline_benchmark.py')

TINY_CONFIG = 'tests/configs/fmpn_tiny.py'
FAST_STAGE1 = 'configs/fmpn/fmg-fast_inceptionv3_ckplus.py'
FAST_STAGE2 = 'configs/fmpn/fmpn-fast_inceptionv3_ckplus.py'
DEMO_FAST_STAGE1 = 'configs/demo/fmg-fast_inceptionv3_synthetic-ckplus.py'
DEMO_FAST_STAGE2 = 'configs/demo/fmpn-fast_inceptionv3_synthetic-ckplus.py'


@pytest.fixture
def one_thread():
    """``--threads 1`` for the tool, then torch's thread count restored."""
    threads = torch.get_num_threads()
    yield ['--threads', '1']
    torch.set_num_threads(threads)


def test_benchmark_json_has_every_measurement(tmp_path, one_thread):
    out = tmp_path / 'benchmark.json'
    assert benchmark.main([
        TINY_CONFIG, '--steps', '1', '--warmup', '0', '--batch-size', '2', '--json',
        str(out), *one_thread
    ]) == 0
    result = json.loads(out.read_text())
    assert result['input_size'] == [28, 28]
    assert result['device'] == 'cpu' and result['torch_threads'] == 1
    for name in ('fmpn', 'bare'):
        measured = result['models'][name]
        for key in ('train_step_wall_s', 'train_step_cpu_s', 'inference_step_wall_s',
                    'inference_step_cpu_s', 'inference_img_per_s', 'train_peak_memory_mb',
                    'inference_peak_memory_mb'):
            assert measured[key] > 0, (name, key)
        assert len(measured['train_step_wall_s_all']) == 1
    for key in ('train_step_wall_ratio', 'train_step_cpu_ratio', 'inference_step_wall_ratio',
                'inference_step_cpu_ratio'):
        assert result[key] > 0, key


def test_get_flops_counts_every_part(tmp_path):
    out = tmp_path / 'flops.json'
    assert get_flops.main([TINY_CONFIG, '--json', str(out)]) == 0
    result = json.loads(out.read_text())
    assert result['input_size'] == [28, 28]
    parts = result['complexity']
    for part in ('mask_generator', 'fusion', 'classifier'):
        assert parts[part]['params'] > 0 and parts[part]['flops'] > 0, part
    assert parts['fmpn_total']['flops'] == pytest.approx(
        sum(parts[p]['flops'] for p in ('mask_generator', 'fusion', 'classifier')))


def test_benchmark_without_memory(tmp_path, one_thread):
    out = tmp_path / 'benchmark.json'
    assert benchmark.main([
        TINY_CONFIG, '--steps', '1', '--warmup', '0', '--no-memory', '--json',
        str(out), *one_thread
    ]) == 0
    result = json.loads(out.read_text())
    assert 'train_peak_memory_mb' not in result['models']['fmpn']
    assert result['models']['fmpn']['train_step_wall_s'] > 0


def test_pipeline_benchmark_on_a_stand_in(tmp_path):
    out = tmp_path / 'pipeline.json'
    assert pipeline_benchmark.main([
        TINY_CONFIG, '--num-samples', '8', '--warmup', '2', '--stand-in-size', '32', '--json',
        str(out)
    ]) == 0
    result = json.loads(out.read_text())
    assert result['img_per_s'] > 0
    names = [entry['transform'] for entry in result['transforms']]
    assert names[:2] == ['LoadImageFromFile', 'LoadMotionMask']
    assert all(entry['ms'] >= 0 for entry in result['transforms'])


def test_input_size_comes_from_the_test_pipeline():
    assert network_input_size(Config.fromfile(FAST_STAGE2)) == (299, 299)
    assert network_input_size(Config.fromfile(TINY_CONFIG)) == (28, 28)
    # The last transform that sets the size wins; mmcv's pairs are (width, height).
    cfg = Config(
        dict(test_pipeline=[
            dict(type='CenterCrop', crop_size=50),
            dict(type='Resize', scale=(40, 30))
        ]))
    assert network_input_size(cfg) == (30, 40)
    with pytest.raises(ValueError, match='no crop_size nor Resize'):
        network_input_size(Config(dict(test_pipeline=[dict(type='LoadImageFromFile')])))


def test_fast_config_mask_matches_the_input_size():
    cfg = Config.fromfile(FAST_STAGE2)
    init_default_scope('mmpretrain')
    fmpn = MODELS.build(cfg.model)
    assert fmpn.mask_generator.working_size == (70, 70)
    gray = torch.rand(2, 1, *network_input_size(cfg))
    with torch.no_grad():
        motion_mask = fmpn.eval().mask_generator(gray)
    assert motion_mask.shape == gray.shape
    assert 0 <= motion_mask.min() and motion_mask.max() <= 1


@pytest.mark.parametrize('stage1_path,stage2_path,stage1_name', [
    (FAST_STAGE1, FAST_STAGE2, 'fmg-fast_inceptionv3_ckplus'),
    (DEMO_FAST_STAGE1, DEMO_FAST_STAGE2, 'kfold-fast'),
])
def test_fast_stages_share_their_mask_generator(stage1_path, stage2_path, stage1_name):
    """Stage 2 initialises its FMG strictly from stage 1's checkpoint: the
    two must build the same FMG."""
    stage1, stage2 = Config.fromfile(stage1_path), Config.fromfile(stage2_path)
    assert stage1.model.type == 'MotionMaskGeneratorModel'
    assert stage2.model.type == 'FMPNClassifier'
    generator = dict(stage2.model.mask_generator)
    init_cfg = generator.pop('init_cfg')
    assert stage1.model.mask_generator == generator
    assert init_cfg.type == 'StrictPretrained'
    assert stage1_name in init_cfg.checkpoint


def test_demo_fast_configs_are_the_fast_configs_at_demo_scale():
    """The README's fast-vs-faithful figures come from the demo fast configs:
    they must train the fast configs' generator with the same optimiser."""
    fast = [Config.fromfile(p) for p in (FAST_STAGE1, FAST_STAGE2)]
    demo = [Config.fromfile(p) for p in (DEMO_FAST_STAGE1, DEMO_FAST_STAGE2)]
    for real, small in zip(fast, demo):
        # Only where stage 2 finds its stage 1 differs.
        generators = [dict(cfg.model.mask_generator) for cfg in (real, small)]
        for generator in generators:
            generator.pop('init_cfg', None)
        assert generators[0] == generators[1]
        assert real.optim_wrapper == small.optim_wrapper
    # The CPU layout of the fusion net is the fast configs' opt-in.
    assert fast[1].model.fusion == demo[1].model.fusion
    assert fast[1].model.fusion.channels_last_convs
    assert fast[0].optim_wrapper.optimizer.lr == 1e-3
    assert fast[1].optim_wrapper.optimizer.lr == 1e-4
    custom = fast[1].optim_wrapper.paramwise_cfg.custom_keys
    assert custom['mask_generator']['lr_mult'] == 0.1  # the paper's 1e-5


def test_benchmark_compiles_both_models(tmp_path, one_thread):
    """dynamo's eager backend: the tracing, without inductor's codegen."""
    out = tmp_path / 'benchmark.json'
    assert benchmark.main([
        TINY_CONFIG, '--steps', '1', '--batch-size', '2', '--compile', 'eager', '--no-memory',
        '--json',
        str(out), *one_thread
    ]) == 0
    result = json.loads(out.read_text())
    assert result['compile'] == 'eager'
    for name in ('fmpn', 'bare'):
        assert result['models'][name]['inference_img_per_s'] > 0


def test_bare_classifier_is_the_fmpn_without_the_prior():
    cfg = Config.fromfile(TINY_CONFIG)
    init_default_scope('mmpretrain')
    bare_cfg = bare_classifier_cfg(cfg.model)
    assert bare_cfg['type'] == 'ImageClassifier' and bare_cfg['backbone'] == cfg.model.backbone
    bare_cfg['backbone']['depth'] = 34  # a copy: the FMPN config is untouched
    assert cfg.model.backbone.depth == 18
    fmpn, bare = MODELS.build(cfg.model), MODELS.build(bare_classifier_cfg(cfg.model))
    assert bare.backbone.state_dict().keys() == fmpn.backbone.state_dict().keys()
    with pytest.raises(ValueError, match='FMPNClassifier'):
        bare_classifier_cfg(bare_cfg)


def test_steps_are_timed_in_alternating_order():
    calls = []
    steps = dict(a=lambda: calls.append('a'), b=lambda: calls.append('b'))
    seconds = time_interleaved(steps, num_steps=2, warmup=1, device='cpu')
    assert calls == ['a', 'b', 'b', 'a', 'a', 'b']
    assert all(len(seconds[name][clock]) == 2 for name in 'ab' for clock in ('wall', 'cpu'))
    assert median_ratio([2, 4, 9], [1, 1, 3]) == 3


def test_benchmark_compile_needs_a_warmup_step(capsys):
    with pytest.raises(SystemExit):
        benchmark.parse_args([TINY_CONFIG, '--compile', '--warmup', '0'])
    assert '--warmup >= 1' in capsys.readouterr().err
