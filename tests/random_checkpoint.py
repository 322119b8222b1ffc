"""Randomly initialised FMPN checkpoints for inference, demo, export tests."""
from pathlib import Path
from typing import Optional, Union

import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS

from mmfmpn.datasets import CKPLUS_CLASSES

REPO_ROOT = Path(__file__).resolve().parents[1]
TINY_CONFIG = REPO_ROOT / 'tests' / 'configs' / 'fmpn_tiny.py'


def save_random_checkpoint(path: Union[str, Path],
                           config: Union[str, Path] = TINY_CONFIG,
                           seed: int = 0,
                           cfg_options: Optional[dict] = None) -> Path:
    """Build the model of ``config`` with random weights and save it as
    ``tools/train.py`` would (``state_dict`` and ``meta.dataset_meta``).

    Weights keep PyTorch's default initialisation (``init_weights`` is not
    called, so the backbone's ImageNet ``init_cfg`` downloads nothing); batch
    norm statistics stay at mean 0, variance 1.

    Args:
        path (str | Path): The ``.pth`` file to write.
        config (str | Path): Defaults to the tiny test config.
        seed (int): Seed of the weights. Defaults to 0.
        cfg_options (dict, optional): Config overrides. Defaults to None.

    Returns:
        Path: ``path``.
    """
    cfg = Config.fromfile(str(config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)  # PyTorch's default init, no logs
    torch.save(
        dict(state_dict=model.state_dict(), meta=dict(dataset_meta=dict(classes=CKPLUS_CLASSES))),
        str(path))
    return Path(path)
