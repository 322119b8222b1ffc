from typing import List, Optional, Sequence

import cv2
import numpy as np
import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

#: Column titles of the grid, in order.
COLUMNS = ('face', 'generated mask', 'ground-truth mask', 'fused image')
_HEADER_HEIGHT = 20
_BORDER = 2


def _heat(mask: np.ndarray) -> np.ndarray:
    """``(H, W)`` float mask in [0, 1] -> ``(H, W, 3)`` uint8 RGB JET map."""
    gray = (np.clip(mask, 0, 1) * 255).round().astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(gray, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)


def _stretch(image: np.ndarray) -> np.ndarray:
    """Min-max stretch a float image of any range to uint8 (fusion outputs
    are in [0, 1] or, for the weighted sum, [0, 2])."""
    low, high = float(image.min()), float(image.max())
    scaled = (image - low) / (high - low) if high > low else image * 0
    return (scaled * 255).round().astype(np.uint8)


def _text(tile: np.ndarray, text: str, y: int) -> None:
    """White text on a black strip, in place, baseline at ``y``."""
    (width, height), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.4, 1)
    cv2.rectangle(tile, (0, y - height - 2), (width + 6, y + baseline), (0, 0, 0), -1)
    cv2.putText(tile, text, (3, y), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA)


@HOOKS.register_module()
class MotionMaskVisualizationHook(Hook):
    """Log, at validation, a grid of what the FMPN prior does.

    One row per sample (the first ``num_samples`` of the validation set), with
    the columns face, generated motion mask, ground-truth motion mask and
    fused image; masks as JET heat maps, the face labelled with its true and
    predicted class. The grid goes to ``runner.visualizer.add_image``, so to
    every backend of the config's ``visualizer.vis_backends``: PNG files
    under ``work_dir/TIMESTAMP/vis_data/vis_image/`` with the default
    ``LocalVisBackend``, TensorBoard images with ``TensorboardVisBackend``.
    The rows show what the validation forward computed (the model attaches
    its fused images while the hook collects rows); nothing runs twice.

    Add it with ``custom_hooks = [dict(type='MotionMaskVisualizationHook')]``.

    Args:
        num_samples (int): Rows of the grid. Defaults to 4.
        interval (int): Log every ``interval``-th validation. Defaults to 1.
        tile_size (int): Side of each grid cell in pixels. Defaults to 128.
        name (str): Image name in the backends. Defaults to
            'val_motion_masks'.
    """

    priority = 'LOW'

    def __init__(self,
                 num_samples: int = 4,
                 interval: int = 1,
                 tile_size: int = 128,
                 name: str = 'val_motion_masks'):
        if num_samples < 1 or interval < 1 or tile_size < 16:
            raise ValueError('MotionMaskVisualizationHook: num_samples and interval must '
                             f'be >= 1 and tile_size >= 16, got {num_samples}, {interval} '
                             f'and {tile_size}.')
        self.num_samples = num_samples
        self.interval = interval
        self.tile_size = tile_size
        self.name = name
        self._validations = 0
        self._rows: List[np.ndarray] = []
        self._active = False

    def before_val_epoch(self, runner) -> None:
        self._validations += 1
        self._rows = []
        self._active = is_main_process() and (self._validations - 1) % self.interval == 0
        self._attach_fused_image(runner, self._active)

    def after_val_iter(self,
                       runner,
                       batch_idx: int,
                       data_batch: Optional[dict] = None,
                       outputs: Optional[Sequence] = None) -> None:
        if not self._active or len(self._rows) >= self.num_samples:
            return
        count = min(self.num_samples - len(self._rows), len(outputs))
        # BGR -> RGB as the preprocessor did for the model.
        to_rgb = getattr(self._model(runner).data_preprocessor, '_channel_conversion', False)
        classes = self._classes(runner)
        for index in range(count):
            face = data_batch['inputs'][index]
            self._rows.append(self._row(face.flip(0) if to_rgb else face, outputs[index], classes))
        if len(self._rows) >= self.num_samples:
            self._attach_fused_image(runner, False)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._attach_fused_image(runner, False)
        if not self._active or not self._rows:
            return
        grid = np.vstack([self._header()] + self._rows)
        # The step the logs use: epochs, or iterations for iter-based runs.
        step = runner.epoch if runner.log_processor.by_epoch else runner.iter
        runner.visualizer.add_image(self.name, grid, step=step)
        self._rows = []

    @staticmethod
    def _model(runner):
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def _attach_fused_image(self, runner, attach: bool) -> None:
        """Ask ``FMPNClassifier.predict`` for the fused images it computes
        anyway, while this hook still collects rows."""
        model = self._model(runner)
        if hasattr(model, 'attach_fused_image'):
            model.attach_fused_image = attach

    @staticmethod
    def _classes(runner) -> Optional[Sequence[str]]:
        try:
            return runner.val_dataloader.dataset.metainfo.get('classes')
        except AttributeError:
            return None

    def _tile(self, image: np.ndarray) -> np.ndarray:
        tile = cv2.resize(image, (self.tile_size, self.tile_size), interpolation=cv2.INTER_LINEAR)
        return cv2.copyMakeBorder(
            tile, _BORDER, _BORDER, _BORDER, _BORDER, cv2.BORDER_CONSTANT, value=(255, 255, 255))

    def _row(self, face: torch.Tensor, sample, classes) -> np.ndarray:
        """One grid row: face, generated mask, ground-truth mask, fused.

        Args:
            face (Tensor): ``(3, H, W)`` RGB in [0, 255], the batch input.
            sample (DataSample): The sample's prediction, with
                ``pred_motion_mask`` ``(1, H, W)`` in [0, 1], and
                ``pred_fused_image`` ``(3, H, W)`` and ``gt_motion_mask``
                when the model and the pipeline give them.
            classes (Sequence[str], optional): Class names.

        Returns:
            np.ndarray: ``(tile + border, 4 * (tile + border), 3)`` uint8 RGB.
        """
        face_rgb = face.float().clamp(0, 255).round().byte().permute(1, 2, 0).cpu().numpy()
        face_tile = self._tile(face_rgb)

        def name(label) -> str:
            index = int(label.item()) if torch.is_tensor(label) else int(label)
            return classes[index] if classes else str(index)

        if 'gt_label' in sample:
            _text(face_tile, f'gt {name(sample.gt_label)}', 14)
        if 'pred_label' in sample:
            _text(face_tile, f'pred {name(sample.pred_label)}', 28)
        if 'gt_motion_mask' in sample:
            gt_mask = sample.gt_motion_mask.float()
            if not sample.gt_motion_mask.is_floating_point():
                gt_mask = gt_mask / 255
            gt_tile = self._tile(_heat(gt_mask[0].cpu().numpy()))
        else:
            gt_tile = self._blank_tile(face_rgb, 'no mask')
        generated_tile = self._tile(_heat(sample.pred_motion_mask[0].float().cpu().numpy()))
        if 'pred_fused_image' in sample:
            fused_tile = self._tile(
                _stretch(sample.pred_fused_image.float().permute(1, 2, 0).cpu().numpy()))
        else:  # a stage-1 model runs no fusion
            fused_tile = self._blank_tile(face_rgb, 'not run')
        return np.hstack([face_tile, generated_tile, gt_tile, fused_tile])

    def _blank_tile(self, like: np.ndarray, text: str) -> np.ndarray:
        tile = self._tile(np.full_like(like, 128))
        _text(tile, text, 14)
        return tile

    def _header(self) -> np.ndarray:
        cell = self.tile_size + 2 * _BORDER
        header = np.full((_HEADER_HEIGHT, cell * len(COLUMNS), 3), 255, np.uint8)
        for index, title in enumerate(COLUMNS):
            cv2.putText(header, title, (index * cell + 4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                        (0, 0, 0), 1, cv2.LINE_AA)
        return header
