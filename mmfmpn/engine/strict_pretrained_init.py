"""``init_cfg=dict(type='StrictPretrained', ...)``: mmengine's ``Pretrained``
initialisation, strict."""
from typing import Optional

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model.weight_init import update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS

from .checkpoint_loading import load_checkpoint_strictly


@WEIGHT_INITIALIZERS.register_module(name='StrictPretrained')
class StrictPretrainedInit:
    """Initialise a module from a checkpoint: every weight, or an error.

    mmengine's ``PretrainedInit`` loads whatever keys match and only warns
    about the rest, so a checkpoint of another shape or another model leaves
    a module silently half-initialised. This one loads through
    :func:`~mmfmpn.engine.checkpoint_loading.load_checkpoint_strictly`:
    missing, extra or reshaped weights, and unreadable files, are an error
    naming the checkpoint. FMPN stage 2 uses it for its mask generator::

        mask_generator=dict(
            type='FacialMotionMaskGenerator',
            init_cfg=dict(type='StrictPretrained', checkpoint='fmg.pth',
                          prefix='mask_generator.'))

    ``{fold}`` in ``checkpoint`` is filled in by :func:`apply_fold` (which
    ``FMPNRunner`` calls), so one config serves every fold.

    Args:
        checkpoint (str): The checkpoint file (or URL).
        prefix (str, optional): The module's prefix in the checkpoint, e.g.
            ``'mask_generator.'``. Defaults to None (the whole checkpoint is
            the module).
        map_location (str): Where tensors are loaded. Defaults to 'cpu'.
    """

    def __init__(self, checkpoint: str, prefix: Optional[str] = None, map_location: str = 'cpu'):
        if '{fold}' in str(checkpoint):
            raise ValueError(f'StrictPretrained: checkpoint {checkpoint} still has a '
                             '{fold} placeholder; build the runner from the config '
                             "(runner_type='FMPNRunner' fills it in from the datasets' "
                             'fold) or call mmfmpn.engine.apply_fold(cfg) first.')
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.map_location = map_location

    def __call__(self, module: nn.Module) -> None:
        print_log(f'load {self.prefix or "the whole model"} strictly from '
                  f'{self.checkpoint}',
                  logger='current')
        load_checkpoint_strictly(
            module,
            self.checkpoint,
            prefix=self.prefix,
            map_location=self.map_location,
            model_name=f'this {type(module).__name__} (prefix '
            f'{self.prefix!r})',
            fix='Train the checkpoint with the same module settings (the '
            'stage-1 and stage-2 configs must agree on them), or point '
            'init_cfg.checkpoint at a checkpoint that has them.')
        # The children's own init_weights (mmcv's ConvModule re-runs its
        # Kaiming init) come after this and must not undo the loaded weights.
        for child in module.modules():
            if child is not module:
                child.is_init = True
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=f'StrictPretrainedInit: load from {self.checkpoint}')
