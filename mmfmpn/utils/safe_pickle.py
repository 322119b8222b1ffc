"""Restricted unpickling for the data files of FMPN (label and landmark pickles).

``pickle.load`` runs arbitrary code from the file; the authors' pickles only need plain
containers and numbers, plus numpy's array reconstruction for the landmark file.
"""
import pickle
from typing import Any

#: What the numpy array reconstruction of a pickle may name (numpy 1.x and 2.x paths).
NUMPY_ARRAY_GLOBALS = frozenset({
    ('numpy', 'ndarray'),
    ('numpy', 'dtype'),
    ('numpy.core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'),
    ('numpy._core.multiarray', 'scalar'),
    # Python 3 reads the array bytes of protocol-2 pickles through it.
    ('_codecs', 'encode'),
})


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle names a global that the restricted unpickler does not allow."""


class _RestrictedUnpickler(pickle.Unpickler):

    def __init__(self, file, path: str, allow_numpy: bool):
        super().__init__(file)
        self._path = path
        self._allow_numpy = allow_numpy

    def find_class(self, module: str, name: str) -> Any:
        if self._allow_numpy and (module, name) in NUMPY_ARRAY_GLOBALS:
            return super().find_class(module, name)
        if self._allow_numpy and module == 'numpy.dtypes' and name.endswith('DType'):
            return super().find_class(module, name)
        allowed = ('plain containers and numbers, plus numpy arrays'
                   if self._allow_numpy else 'plain containers and numbers')
        raise UnsafePickleError(f'{self._path}: refusing to unpickle "{module}.{name}"; only '
                                f'{allowed} are allowed. Re-save the file with plain dicts, '
                                'lists, numbers and numpy arrays (or convert it to JSON).')


def load_restricted_pickle(path: str, allow_numpy: bool = False) -> Any:
    """Load a pickle that may hold only plain data.

    Args:
        path (str): The pickle file.
        allow_numpy (bool): Also allow numpy arrays and scalars (needed by the
            authors' ``bbox_landmark_mtcnn.pkl``). Defaults to False.

    Returns:
        Any: The unpickled dicts, lists, tuples, strings and numbers (and
        numpy arrays when allowed).

    Raises:
        FileNotFoundError: The file does not exist.
        UnsafePickleError: The pickle names any other class or function.
        ValueError: The file is not a readable pickle.
    """
    try:
        with open(path, 'rb') as file:
            return _RestrictedUnpickler(file, path, allow_numpy).load()
    except FileNotFoundError:
        raise FileNotFoundError(f'{path}: no such file') from None
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as err:
        raise ValueError(f'{path}: not a readable pickle ({err}); expected the dict '
                         'written by the converters or released by the FMPN authors.') from err
