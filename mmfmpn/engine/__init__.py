from .checkpoint_loading import allow_mmengine_checkpoint_globals
from .hooks import MotionMaskVisualizationHook
from .plain_param_groups_constructor import \
    PlainParamGroupsOptimWrapperConstructor
from .runner_setup import (CPUDistributedDataParallel, apply_fold,
                           setup_cpu_distributed, shutdown_distributed)

allow_mmengine_checkpoint_globals()

__all__ = [
    'allow_mmengine_checkpoint_globals', 'apply_fold',
    'MotionMaskVisualizationHook', 'PlainParamGroupsOptimWrapperConstructor',
    'setup_cpu_distributed', 'shutdown_distributed',
    'CPUDistributedDataParallel'
]
