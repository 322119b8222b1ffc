"""Synthetic CK+: parametric faces posing the seven CK+ expressions, in the raw CK+ layout."""
from .ckplus import generate_synthetic_ckplus

__all__ = ['generate_synthetic_ckplus']
