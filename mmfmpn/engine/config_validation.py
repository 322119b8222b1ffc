"""Refuse config values that cannot work, before anything is built."""
import numbers
from typing import Iterator, Tuple

from mmengine.config import Config

_DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _find_key(cfg, path: str, name: str) -> Iterator[Tuple[str, object]]:
    """Yield ``(dotted key, value)`` of every ``name`` under ``cfg``."""
    if isinstance(cfg, dict):
        for key, value in cfg.items():
            if key == name:
                yield f'{path}.{key}', value
            else:
                yield from _find_key(value, f'{path}.{key}', name)
    elif isinstance(cfg, (list, tuple)):
        for index, value in enumerate(cfg):
            yield from _find_key(value, f'{path}[{index}]', name)


def _pair(size) -> Tuple:
    return tuple(size) if isinstance(size, (list, tuple)) else (size, size)


def check_config_values(cfg: Config) -> None:
    """Raise a clear error for a setting that cannot work.

    Checked: the batch size of every dataloader (a whole number >= 1), the
    optimiser's learning rate (a number >= 0), ``train_cfg.max_epochs`` /
    ``max_iters`` (a whole number >= 1), every ``loss_weight`` of the
    model (a number >= 0) and the mask generator's ``working_size`` (not
    larger than any crop of the pipelines, which would upsample the face).
    ``FMPNRunner`` calls it before it builds anything.

    Args:
        cfg (Config): The config, after ``--cfg-options``.

    Raises:
        ValueError: The first bad value; the message names the key, the
            config and how to set it.
    """
    source = getattr(cfg, 'filename', None) or 'the config'

    def fail(key: str, value, need: str) -> None:
        raise ValueError(f'{source}: {key} = {value!r}, but it must be {need}. Fix it in '
                         f'the config or pass --cfg-options {key}=VALUE.')

    for name in _DATALOADERS:
        loader = cfg.get(name)
        if isinstance(loader, dict) and 'batch_size' in loader:
            batch = loader['batch_size']
            if not isinstance(batch, int) or isinstance(batch, bool) or (batch < 1):
                fail(f'{name}.batch_size', batch, 'a whole number >= 1')
    optimizer = (cfg.get('optim_wrapper') or {}).get('optimizer') or {}
    if 'lr' in optimizer and not (_is_number(optimizer['lr']) and optimizer['lr'] >= 0):
        fail('optim_wrapper.optimizer.lr', optimizer['lr'], 'a number >= 0')
    train_cfg = cfg.get('train_cfg') or {}
    for key in ('max_epochs', 'max_iters'):
        value = train_cfg.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 1):
            fail(f'train_cfg.{key}', value, 'a whole number >= 1')
    for key, value in _find_key(cfg.get('model'), 'model', 'loss_weight'):
        if not (_is_number(value) and value >= 0):
            fail(key, value, 'a number >= 0')
    working_size = ((cfg.get('model') or {}).get('mask_generator') or {}).get('working_size')
    if working_size is not None:
        crops = [(key, _pair(size)) for name in _DATALOADERS
                 for key, size in _find_key(cfg.get(name), name, 'crop_size')]
        for key, crop in crops:
            if any(w > c for w, c in zip(_pair(working_size), crop)):
                fail('model.mask_generator.working_size', working_size,
                     f'at most the face size the generator sees ({key} = {crop[0]}), or None')
