"""The mmfmpn configs in MMPretrain's model hub.

``import mmfmpn`` registers ``model-index.yml`` (which imports
``configs/*/metafile.yml``) with :class:`mmpretrain.apis.ModelHub`, so that
``mmpretrain.list_models`` lists the mmfmpn configs and
``mmpretrain.get_model(NAME)`` builds them. No trained weights are published:
``get_model(NAME, pretrained=CKPT)`` loads a checkpoint of your own.
"""
import os.path as osp
import warnings
from typing import Optional

from mmpretrain.apis import ModelHub
from modelindex.load_model_index import load

MODEL_INDEX = 'model-index.yml'


def package_files_root() -> Optional[str]:
    """The folder holding ``configs/``, ``tools/`` and ``model-index.yml``.

    A source checkout (an editable install, or the checkout on
    ``PYTHONPATH``) has them beside the package and wins, so that stale copies
    in its ``mmfmpn/.mim`` never hide the checkout's own files; an installed
    wheel carries them in ``mmfmpn/.mim`` (setup.py copies them there).

    Returns:
        str | None: The folder, or None when neither place has them.
    """
    package_dir = osp.dirname(osp.dirname(osp.abspath(__file__)))
    checkout = osp.dirname(package_dir)
    in_checkout = osp.isfile(osp.join(checkout, 'setup.py'))
    if in_checkout and osp.isfile(osp.join(checkout, MODEL_INDEX)):
        return checkout
    mim_dir = osp.join(package_dir, '.mim')
    if osp.isfile(osp.join(mim_dir, MODEL_INDEX)):
        return mim_dir
    return None


def register_model_zoo() -> Optional[str]:
    """Register the mmfmpn model index with MMPretrain's ``ModelHub``.

    Idempotent: a second call (a reloaded module) registers nothing. Warns,
    naming the fix, when the package carries no model index (a wheel not
    built by this project's setup.py).

    Returns:
        str | None: The registered model index file, None if there is none.
    """
    root = package_files_root()
    if root is None:
        warnings.warn(f'mmfmpn: no {MODEL_INDEX} beside the package nor in mmfmpn/.mim, so '
                      'mmpretrain.list_models() lists no mmfmpn config. Install mmfmpn from '
                      'its checkout or from a wheel built by its setup.py (`pip wheel .`), '
                      f'which copies configs/, tools/ and {MODEL_INDEX} into mmfmpn/.mim.')
        return None
    index_file = osp.join(root, MODEL_INDEX)
    names = [model.name.lower() for model in load(index_file).models]
    if not all(ModelHub.has(name) for name in names):
        ModelHub.register_model_index(index_file, config_prefix=root)
    return index_file
