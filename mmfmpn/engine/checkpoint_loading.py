"""Read checkpoints safely and load them strictly, with errors that say what
to do.

One path for every checkpoint the project reads (``tools/test.py``,
``--resume``, stage 2's mask generator, k-fold, inference):
:func:`read_checkpoint` (safe unpickler, a clear error for empty, truncated,
foreign or unsafe files), :func:`checkpoint_state_dict` (the weights, under
an optional prefix) and :func:`load_checkpoint_strictly` (every weight of the
module, of the right shape, or an error naming the file).

mmengine 0.10.x calls ``torch.load`` without ``weights_only``; since torch 2.6
that means the safe unpickler, which refuses what mmengine itself writes into
a checkpoint: the message hub's ``HistoryBuffer`` (with its statistics
methods, pickled as ``getattr(HistoryBuffer, 'mean')``) and numpy arrays and
scalars of the logs. :func:`allow_mmengine_checkpoint_globals` allows exactly
those, and nothing else, instead of turning the safe unpickler off.
"""
import os.path as osp
import pickle
import re
from typing import Optional

import numpy as np
import torch
import torch.nn as nn
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

_numpy_core = getattr(np, '_core', None) or np.core
# HistoryBuffer registers these on its first instance, not at import.
_BUILTIN_STATISTICS = frozenset({'min', 'max', 'current', 'mean'})
#: What DDP puts in front of every weight of a wrapped model.
_DDP_PREFIX = 'module.'
#: The advice for a file that an interrupted save or copy left behind.
_USE_PREVIOUS = ('delete it and use the previous checkpoint of its work dir '
                 '(tools/train.py --resume picks the latest readable one), '
                 'or copy it again')


class CheckpointMismatchError(ValueError):
    """A checkpoint that cannot be read, or whose weights do not fit a model.

    The message names the file, what is wrong and what to do.
    """


class UnreadableCheckpointError(CheckpointMismatchError):
    """A checkpoint file that cannot be read at all: empty, truncated, not
    PyTorch, or holding objects the safe unpickler refuses."""


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
        type(np.dtype(name))
        for name in ('bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32',
                     'uint64', 'float16', 'float32', 'float64')
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
        (_numpy_core.multiarray._reconstruct, 'numpy.core.multiarray._reconstruct'),
        (_numpy_core.multiarray._reconstruct, 'numpy._core.multiarray._reconstruct'),
        (_numpy_core.multiarray.scalar, 'numpy.core.multiarray.scalar'),
        (_numpy_core.multiarray.scalar, 'numpy._core.multiarray.scalar'),
        *_numpy_dtype_classes(),
    ])


def _unreadable(filename: str, error: BaseException) -> UnreadableCheckpointError:
    """The error for a file torch cannot read: truncated, or not PyTorch."""
    head = b''
    if osp.isfile(filename):
        with open(filename, 'rb') as file:
            head = file.read(2)
    # torch >= 1.6 writes zip archives, which start with 'PK'.
    what = (f'it is truncated or damaged; {_USE_PREVIOUS}'
            if head == b'PK' else 'it is not a PyTorch checkpoint; pass a .pth written by '
            'tools/train.py')
    return UnreadableCheckpointError(f'Checkpoint {filename} cannot be read: {what} '
                                     f'({type(error).__name__}: {_torch_reason(error)}).')


def _torch_reason(error: BaseException) -> str:
    """The line of a torch error that says what is wrong, without torch's
    advice to turn the safe unpickler off."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if lines and lines[0].startswith('Weights only load failed'):
        lines = [
            line.split('WeightsUnpickler error:')[-1].strip() for line in lines[1:]
            if not line.startswith(('Please file an issue', 'Check the '))
        ]
        lines = [line for line in lines if line]
    return (lines or [''])[0][:160]


def read_checkpoint(filename: str, map_location='cpu') -> dict:
    """Read a checkpoint with the safe unpickler, or fail with a clear error.

    Args:
        filename (str): A local ``.pth`` file, or a URL mmengine can fetch.
        map_location (str | callable): As ``torch.load``. Defaults to 'cpu'.

    Returns:
        dict: The checkpoint: ``state_dict`` with ``meta``, ``optimizer``...
        for a checkpoint of mmengine, or a bare state dict.

    Raises:
        FileNotFoundError: A local file that does not exist.
        UnreadableCheckpointError: An empty, truncated, unsafe or
            non-PyTorch file.
        CheckpointMismatchError: A file that holds no dict.
    """
    filename = str(filename)
    if '://' not in filename:
        if not osp.isfile(filename):
            raise FileNotFoundError(f'Checkpoint {filename} does not exist; check the path (the '
                                    'checkpoints of tools/train.py lie in its work dir).')
        if osp.getsize(filename) == 0:
            raise UnreadableCheckpointError(f'Checkpoint {filename} cannot be read: it is empty (0 '
                                            f'bytes); {_USE_PREVIOUS}.')
    try:
        checkpoint = CheckpointLoader.load_checkpoint(
            filename, map_location=map_location, logger='silent')
    except pickle.UnpicklingError as error:
        unsafe = re.search(r'GLOBAL ([\w.]+)', str(error))
        if unsafe is None:  # not a pickle of weights at all
            raise _unreadable(filename, error) from None
        raise UnreadableCheckpointError(
            f'Checkpoint {filename} is refused: besides weights and logs it '
            f'holds objects that loading would run ({unsafe.group(1)}). '
            'Use a checkpoint written by tools/train.py, or have its author '
            're-save only the weights: '
            "torch.save({'state_dict': model.state_dict()}, path).") from None
    except Exception as error:  # torch raises many types for a bad file
        raise _unreadable(filename, error) from None
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(
            f'Checkpoint {filename} holds a {type(checkpoint).__name__}, not '
            'a dict with a state_dict; pass a .pth written by tools/train.py.')
    return checkpoint


def checkpoint_state_dict(checkpoint: dict, filename: str, prefix: Optional[str] = None) -> dict:
    """The weights of a checkpoint, without DDP's ``module.``.

    Args:
        checkpoint (dict): What :func:`read_checkpoint` returned.
        filename (str): Its file, for the error messages.
        prefix (str, optional): Keep only the weights under this prefix
            (e.g. ``'mask_generator.'``), with the prefix removed. Defaults to
            None (every weight).

    Returns:
        dict[str, Tensor]: The weights.

    Raises:
        CheckpointMismatchError: No weights (under ``prefix``).
    """
    state = checkpoint.get('state_dict', checkpoint)
    if not state or not all(torch.is_tensor(v) for v in state.values()):
        raise CheckpointMismatchError(f'Checkpoint {filename} has no state_dict of tensors; pass a '
                                      '.pth written by tools/train.py.')
    state = {
        (key[len(_DDP_PREFIX):] if key.startswith(_DDP_PREFIX) else key): value
        for key, value in state.items()
    }
    if prefix is None:
        return state
    selected = {key[len(prefix):]: value for key, value in state.items() if key.startswith(prefix)}
    if not selected:
        roots = sorted({key.split('.')[0] for key in state})
        raise CheckpointMismatchError(
            f'Checkpoint {filename} has no weights under {prefix!r} (its '
            f'weights start with {", ".join(roots[:5])}); pass a checkpoint '
            f'of a model with a {prefix.rstrip(".")}, e.g. the last '
            'checkpoint of its stage-1 training.')
    return selected


def check_state_dict_matches(module: nn.Module, state: dict, filename: str, model_name: str,
                             fix: str) -> None:
    """Raise unless ``state`` holds exactly ``module``'s weights and shapes.

    Args:
        module (nn.Module): The model (or submodule) to load.
        state (dict): Weights, keys as in ``module.state_dict()``.
        filename (str): The checkpoint, for the message.
        model_name (str): What ``module`` is, e.g. ``'the model of config
            x.py'``.
        fix (str): What to do about a mismatch, one sentence.

    Raises:
        CheckpointMismatchError: Missing, extra or reshaped weights.
    """
    expected = module.state_dict()
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    wrong_shape = [
        f'{key}: checkpoint {tuple(state[key].shape)} vs model '
        f'{tuple(value.shape)}' for key, value in expected.items()
        if key in state and state[key].shape != value.shape
    ]
    problems = [
        f'{len(keys)} weights {name} (e.g. {", ".join(keys[:3])})'
        for name, keys in (('missing from the checkpoint', missing),
                           ('not in the model', unexpected), ('of another shape', wrong_shape))
        if keys
    ]
    if problems:
        raise CheckpointMismatchError(f'Checkpoint {filename} does not match {model_name}: '
                                      f'{"; ".join(problems)}. {fix}')


def load_checkpoint_strictly(module: nn.Module,
                             filename: str,
                             prefix: Optional[str] = None,
                             map_location='cpu',
                             model_name: Optional[str] = None,
                             fix: Optional[str] = None) -> dict:
    """Load every weight of ``module`` from a checkpoint, or fail clearly.

    Args:
        module (nn.Module): The model or submodule to load into.
        filename (str): The checkpoint.
        prefix (str, optional): Take the weights under this prefix of the
            checkpoint (see :func:`checkpoint_state_dict`). Defaults to None.
        map_location (str | callable): As ``torch.load``. Defaults to 'cpu'.
        model_name (str, optional): What ``module`` is, for the message.
            Defaults to its class name.
        fix (str, optional): What to do about a mismatch. Defaults to
            advice to use the config the checkpoint was trained with.

    Returns:
        dict: The whole checkpoint (``meta``, optimizer state...).

    Raises:
        FileNotFoundError: See :func:`read_checkpoint`.
        CheckpointMismatchError: An unreadable file, or weights that do not
            fit ``module``.
    """
    checkpoint = read_checkpoint(filename, map_location)
    state = checkpoint_state_dict(checkpoint, str(filename), prefix)
    check_state_dict_matches(
        module, state, str(filename), model_name or f'the {type(module).__name__}', fix
        or 'Use the config the checkpoint was trained with (tools/train.py '
        'copies it into the work dir next to the checkpoint), including its '
        '--cfg-options.')
    module.load_state_dict(state, strict=True)
    return checkpoint
