"""Let torch >= 2.6 load mmengine checkpoints with ``weights_only=True``.

mmengine 0.10.x calls ``torch.load`` without ``weights_only``; since torch 2.6
that means the safe unpickler, which refuses what mmengine itself writes into
a checkpoint: the message hub's ``HistoryBuffer`` (with its statistics
methods, pickled as ``getattr(HistoryBuffer, 'mean')``) and numpy arrays and
scalars of the logs. We allow exactly those, and nothing else, instead of
turning the safe unpickler off.
"""
import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

_numpy_core = getattr(np, '_core', None) or np.core
# HistoryBuffer registers these on its first instance, not at import.
_BUILTIN_STATISTICS = frozenset({'min', 'max', 'current', 'mean'})


def _history_buffer_getattr(owner, name: str):
    """``getattr`` for unpickling, limited to HistoryBuffer's statistics."""
    statistics = set(HistoryBuffer._statistics_methods) | _BUILTIN_STATISTICS
    if owner is HistoryBuffer and name in statistics:
        return getattr(owner, name)
    raise pickle.UnpicklingError(
        f'Refusing getattr({owner!r}, {name!r}) while loading a checkpoint: '
        'only the statistics methods of mmengine HistoryBuffer are allowed.')


def _numpy_dtype_classes() -> list:
    return [
        type(np.dtype(name)) for name in (
            'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16',
            'uint32', 'uint64', 'float16', 'float32', 'float64')
    ]


def allow_mmengine_checkpoint_globals() -> None:
    """Register the globals of mmengine checkpoints as safe for torch.load.

    Idempotent. A no-op on torch without ``add_safe_globals`` (< 2.4), whose
    ``torch.load`` unpickles everything anyway.
    """
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return
    torch.serialization.add_safe_globals([
        HistoryBuffer,
        (_history_buffer_getattr, 'builtins.getattr'),
        np.ndarray,
        np.dtype,
        (_numpy_core.multiarray._reconstruct,
         'numpy.core.multiarray._reconstruct'),
        (_numpy_core.multiarray._reconstruct,
         'numpy._core.multiarray._reconstruct'),
        (_numpy_core.multiarray.scalar, 'numpy.core.multiarray.scalar'),
        (_numpy_core.multiarray.scalar, 'numpy._core.multiarray.scalar'),
        *_numpy_dtype_classes(),
    ])
