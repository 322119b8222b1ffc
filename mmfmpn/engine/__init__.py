from .checkpoint_loading import (CheckpointMismatchError, UnreadableCheckpointError,
                                 allow_mmengine_checkpoint_globals, check_state_dict_matches,
                                 checkpoint_state_dict, load_checkpoint_strictly, read_checkpoint)
from .config_validation import check_config_values
from .hooks import MotionMaskVisualizationHook
from .plain_param_groups_constructor import PlainParamGroupsOptimWrapperConstructor
from .runner import FMPNRunner, build_runner, check_training_work_dir, earlier_checkpoints
from .runner_setup import (CPUDistributedDataParallel, apply_fold, load_run_config,
                           setup_cpu_distributed, shutdown_distributed)
from .strict_pretrained_init import StrictPretrainedInit

allow_mmengine_checkpoint_globals()

__all__ = [
    'CheckpointMismatchError', 'UnreadableCheckpointError', 'allow_mmengine_checkpoint_globals',
    'check_state_dict_matches', 'checkpoint_state_dict', 'load_checkpoint_strictly',
    'read_checkpoint', 'check_config_values', 'MotionMaskVisualizationHook',
    'PlainParamGroupsOptimWrapperConstructor', 'FMPNRunner', 'build_runner',
    'check_training_work_dir', 'earlier_checkpoints', 'CPUDistributedDataParallel', 'apply_fold',
    'load_run_config', 'setup_cpu_distributed', 'shutdown_distributed', 'StrictPretrainedInit'
]
