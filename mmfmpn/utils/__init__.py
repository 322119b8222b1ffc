from .input_size import network_input_size
from .safe_pickle import UnsafePickleError, load_restricted_pickle

__all__ = ['load_restricted_pickle', 'network_input_size', 'UnsafePickleError']
