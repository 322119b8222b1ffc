"""Refuse config values that cannot work, before anything is built."""
import numbers
from typing import Iterator, Tuple

from mmengine.config import Config

_DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _loss_weights(cfg, path: str) -> Iterator[Tuple[str, object]]:
    """Yield ``(dotted key, value)`` of every ``loss_weight`` under ``cfg``."""
    if isinstance(cfg, dict):
        for key, value in cfg.items():
            if key == 'loss_weight':
                yield f'{path}.{key}', value
            else:
                yield from _loss_weights(value, f'{path}.{key}')
    elif isinstance(cfg, (list, tuple)):
        for index, value in enumerate(cfg):
            yield from _loss_weights(value, f'{path}[{index}]')


def check_config_values(cfg: Config) -> None:
    """Raise a clear error for a setting that cannot work.

    Checked: the batch size of every dataloader (a whole number >= 1), the
    optimiser's learning rate (a number >= 0), ``train_cfg.max_epochs`` /
    ``max_iters`` (a whole number >= 1) and every ``loss_weight`` of the
    model (a number >= 0). ``FMPNRunner`` calls it before it builds anything.

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
    for key, value in _loss_weights(cfg.get('model'), 'model'):
        if not (_is_number(value) and value >= 0):
            fail(key, value, 'a number >= 0')
