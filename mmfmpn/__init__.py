"""mmfmpn: Facial Motion Prior Networks as an MMPretrain plugin.

Importing it registers the models, datasets, transforms and hooks in the
mmpretrain registries, and lets torch >= 2.6 load mmengine checkpoints.
"""
from .version import __version__
from . import datasets, engine, evaluation, models  # noqa: F401,E402

__all__ = ['__version__']
