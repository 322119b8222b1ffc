from .runner_setup import (CPUDistributedDataParallel, apply_fold,
                           setup_cpu_distributed)

__all__ = ['apply_fold', 'setup_cpu_distributed', 'CPUDistributedDataParallel']
