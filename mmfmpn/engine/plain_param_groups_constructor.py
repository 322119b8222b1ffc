"""Param-wise optimiser settings whose param groups ``torch.compile`` can
trace."""
import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class PlainParamGroupsOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """``DefaultOptimWrapperConstructor`` whose param groups are plain dicts.

    With a ``paramwise_cfg`` (the FMPN stage 2: the mask generator at 0.1x
    the LR), mmengine 0.10 passes the groups through a ``ConfigDict``, which
    turns each into a ``ConfigDict``. The optimiser works, but
    ``torch.compile`` (mmengine's ``compile=True``, which compiles the whole
    train step) stops with an internal dynamo error on the optimiser step.
    Same groups, same settings, same state dict: only their type changes.

    Args: see ``mmengine.optim.DefaultOptimWrapperConstructor``.
    """

    def __call__(self, model: nn.Module) -> OptimWrapper:
        optim_wrapper = super().__call__(model)
        param_groups = optim_wrapper.optimizer.param_groups
        param_groups[:] = [dict(group) for group in param_groups]
        return optim_wrapper
