from .safe_pickle import UnsafePickleError, load_restricted_pickle

__all__ = ['load_restricted_pickle', 'UnsafePickleError']
