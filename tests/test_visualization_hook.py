"""MotionMaskVisualizationHook: grids through the runner's visualizer."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import VISBACKENDS
from mmengine.runner import Runner
from mmengine.visualization import BaseVisBackend
from mmpretrain.registry import HOOKS, MODELS
from mmpretrain.structures import DataSample
from random_checkpoint import TINY_CONFIG

from mmfmpn.engine.hooks import MotionMaskVisualizationHook
from mmfmpn.synthesis import make_tiny_ckplus

#: What RecordingVisBackend received: (name, image, step).
RECORDED = []


@VISBACKENDS.register_module(force=True)
class RecordingVisBackend(BaseVisBackend):
    """Keeps every image it is given, as a TensorBoard backend would log it."""

    @property
    def experiment(self):
        return self

    def _init_env(self):
        pass

    def add_image(self, name, image, step=0, **kwargs):
        RECORDED.append((name, image.copy(), step))


def test_registered():
    assert HOOKS.get('MotionMaskVisualizationHook') is \
        MotionMaskVisualizationHook
    with pytest.raises(ValueError, match='num_samples'):
        MotionMaskVisualizationHook(num_samples=0)


def test_validation_logs_grid_to_every_backend(tmp_path):
    make_tiny_ckplus(str(tmp_path / 'data'), num_subjects=2)
    cfg = Config.fromfile(str(TINY_CONFIG))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.val_dataloader.dataset.data_root = str(tmp_path / 'data')
    for key in ('train_dataloader', 'train_cfg', 'optim_wrapper', 'param_scheduler',
                'test_dataloader', 'test_cfg', 'test_evaluator'):
        cfg[key] = None
    cfg.default_hooks.checkpoint = None
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend'), dict(type='RecordingVisBackend')]
    # More samples than one batch of 8, to collect across iterations.
    cfg.custom_hooks = [dict(type='MotionMaskVisualizationHook', num_samples=10, tile_size=32)]
    RECORDED.clear()
    Runner.from_cfg(cfg).val()
    assert len(RECORDED) == 1
    name, grid, step = RECORDED[0]
    assert name == 'val_motion_masks' and step == 0
    cell = 32 + 4
    assert grid.shape == (20 + 10 * cell, 4 * cell, 3)
    assert grid.dtype == np.uint8
    local = list((tmp_path / 'work').glob('*/vis_data/vis_image/val_motion_masks_0.png'))
    assert len(local) == 1


def test_interval_and_samples_without_masks():
    """Rows come from what the validation forward computed: the prior runs
    once per batch, and fused images are attached only while rows are
    collected."""
    cfg = Config.fromfile(str(TINY_CONFIG))
    model = MODELS.build(cfg.model).eval()
    prior_runs = []
    model.mask_generator.register_forward_hook(lambda *args: prior_runs.append(1))
    logged = []
    runner = SimpleNamespace(
        model=model,
        visualizer=SimpleNamespace(
            add_image=lambda name, image, step: logged.append((image, step))),
        val_dataloader=SimpleNamespace(
            dataset=SimpleNamespace(
                metainfo=dict(classes=tuple('abcdefg'[:model.head.num_classes])))),
        log_processor=SimpleNamespace(by_epoch=True),
        epoch=3,
        iter=30)
    inputs = [torch.randint(0, 256, (3, 28, 28), dtype=torch.uint8)] * 3
    hook = MotionMaskVisualizationHook(num_samples=2, interval=2)
    attached = []
    for _ in range(3):
        hook.before_val_epoch(runner)
        batch = dict(inputs=inputs, data_samples=[DataSample().set_gt_label(0) for _ in range(3)])
        with torch.no_grad():
            outputs = model.val_step(batch)
        attached.append('pred_fused_image' in outputs[0])
        hook.after_val_iter(runner, 0, batch, outputs)
        # Two rows are enough: later batches carry no fused images.
        assert not model.attach_fused_image
        hook.after_val_epoch(runner)
    assert len(prior_runs) == 3  # one forward per validation, no rerun
    assert attached == [True, False, True]
    assert len(logged) == 2  # the 1st and the 3rd validation
    image, step = logged[0]
    assert step == 3 and image.shape == (20 + 2 * 132, 4 * 132, 3)
    assert outputs[0].pred_fused_image.shape == (3, 28, 28)
