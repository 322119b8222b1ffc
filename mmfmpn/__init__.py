"""mmfmpn: Facial Motion Prior Networks as an MMPretrain plugin.

Importing it registers the models, datasets, transforms and hooks in the
mmpretrain registries and the configs in mmpretrain's model hub
(``mmpretrain.list_models``), and lets torch >= 2.6 load mmengine checkpoints.
"""
import warnings

from .version import __version__

with warnings.catch_warnings():
    # mmpretrain's backbones import mmcv.cnn.bricks.transformer, which warns
    # that mmcv-lite has no compiled ops; FMPN needs none of them.
    warnings.filterwarnings(
        'ignore',
        message='Fail to import ``MultiScaleDeformableAttention``',
        category=UserWarning,
        module='mmcv.cnn.bricks.transformer')
    from . import datasets, engine, evaluation, models  # noqa: F401,E402
from .utils.model_zoo import register_model_zoo  # noqa: E402

register_model_zoo()

__all__ = ['__version__']
