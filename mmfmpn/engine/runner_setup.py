"""What tools/train.py, tools/test.py and tools/kfold.py do to a config
before building the runner."""
import os
import os.path as osp
from typing import Iterator, Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config, ConfigDict
from mmengine.dist import barrier, init_dist, is_distributed
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


def _leaf_datasets(dataset_cfg) -> Iterator[ConfigDict]:
    """Yield the dataset configs that have a ``data_root`` (wrappers opened)."""
    if isinstance(dataset_cfg, dict):
        if 'data_root' in dataset_cfg:
            yield dataset_cfg
        yield from _leaf_datasets(dataset_cfg.get('dataset'))
        for child in dataset_cfg.get('datasets', None) or ():
            yield from _leaf_datasets(child)


def _init_cfgs(module_cfg) -> Iterator[ConfigDict]:
    """Yield every ``init_cfg`` dict of a model config and its parts."""
    if isinstance(module_cfg, dict):
        for key, value in module_cfg.items():
            if key == 'init_cfg':
                for init_cfg in (value if isinstance(value, list) else [value]):
                    if isinstance(init_cfg, dict):
                        yield init_cfg
            else:
                yield from _init_cfgs(value)
    elif isinstance(module_cfg, (list, tuple)):
        for item in module_cfg:
            yield from _init_cfgs(item)


def apply_fold(cfg: Config,
               fold: Optional[int] = None,
               data_root: Optional[str] = None) -> Optional[int]:
    """Point every split of a config at one dataset folder and fold.

    Sets ``data_root`` of every dataset and ``fold`` of every dataset that
    has one, fills ``{fold}`` in ``cfg.load_from`` and in the checkpoints of
    the model's ``init_cfg`` (stage 2's ``StrictPretrained`` mask
    generator), and defaults ``cfg.work_dir`` to
    ``work_dirs/<config name>/fold_<fold>`` when the config has none yet.
    ``FMPNRunner`` calls it, so ``{fold}`` is filled in whichever tool builds
    the runner; with no arguments it only fills in the fold in force.

    Args:
        cfg (Config): The config, changed in place; needs ``cfg.filename``.
        fold (int, optional): The fold. Defaults to None (keep the config's).
        data_root (str, optional): The dataset folder. Defaults to None (keep
            the config's).

    Returns:
        int | None: The fold in force, or None if no dataset has folds.
    """
    datasets = [
        dataset for name in ('train_dataloader', 'val_dataloader', 'test_dataloader')
        if cfg.get(name) for dataset in _leaf_datasets(cfg[name].dataset)
    ]
    if data_root is not None:
        for dataset in datasets:
            dataset.data_root = data_root
    datasets = [dataset for dataset in datasets if 'fold' in dataset]
    if not datasets:
        if fold is not None:
            raise ValueError(f'--fold {fold}: no dataset in {cfg.filename} '
                             'has a fold to set.')
        return None
    if fold is not None:
        for dataset in datasets:
            dataset.fold = fold
    fold_in_force = datasets[0].fold
    if isinstance(cfg.get('load_from'), str):
        cfg.load_from = cfg.load_from.replace('{fold}', str(fold_in_force))
    for init_cfg in _init_cfgs(cfg.get('model')):
        if isinstance(init_cfg.get('checkpoint'), str):
            init_cfg.checkpoint = init_cfg.checkpoint.replace('{fold}', str(fold_in_force))
    if cfg.get('work_dir') is None:
        name = osp.splitext(osp.basename(cfg.filename))[0]
        cfg.work_dir = osp.join('work_dirs', name, f'fold_{fold_in_force}')
    return fold_in_force


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` for modules on the CPU (registered in
    mmengine's root registry, where the runner looks wrappers up).

    mmengine's runner always passes ``device_ids=[LOCAL_RANK]``, which DDP
    refuses for CPU modules.
    """

    def __init__(self, module, device_ids=None, **kwargs):
        super().__init__(module=module, device_ids=None, **kwargs)


def load_run_config(config_file: str,
                    cfg_options: Optional[dict] = None,
                    work_dir: Optional[str] = None,
                    fold: Optional[int] = None,
                    data_root: Optional[str] = None,
                    launcher: str = 'none') -> Config:
    """Read a config and apply the options that training and testing share.

    In this order: ``--cfg-options``, the work dir, the fold and data root
    (:func:`apply_fold`), then the default work dir
    ``work_dirs/<config name>`` when nothing set one.

    Args:
        config_file (str): The config file.
        cfg_options (dict, optional): Overrides (mmengine's ``DictAction``).
        work_dir (str, optional): Where logs and checkpoints go.
        fold (int, optional): Cross-validation fold of every split.
        data_root (str, optional): Dataset folder of every split.
        launcher (str): The job launcher. Defaults to ``'none'``.

    Returns:
        Config: The config.
    """
    cfg = Config.fromfile(config_file)
    cfg.launcher = launcher
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    apply_fold(cfg, fold, data_root)
    if cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs', osp.splitext(osp.basename(config_file))[0])
    return cfg


def shutdown_distributed() -> None:
    """Destroy the process group, if any, once a run has finished.

    Left to interpreter exit, gloo's threads were torn down in a race that
    sometimes aborted a rank after its work was done ("terminate called
    without an active exception"), failing the whole job.
    """
    if is_distributed():
        barrier()
        torch_dist.destroy_process_group()


def init_distributed(cfg: Config) -> None:
    """Start the process group of a ``--launcher pytorch`` run now, as its runner would.

    The runner starts it only when it is built; a k-fold run needs it before, so that its
    barriers hold the other ranks while rank 0 records or deletes a fold's files. Uses the
    config's ``env_cfg.dist_cfg`` on GPUs (mmengine's ``init_dist``) and gloo on CPU.

    Args:
        cfg (Config): The config; nothing happens unless ``cfg.launcher`` is ``'pytorch'``
            and no process group exists yet.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or is_distributed():
        return
    if torch.cuda.is_available():
        init_dist('pytorch', **cfg.get('env_cfg', {}).get('dist_cfg', {}))
    else:
        torch_dist.init_process_group(
            backend='gloo', rank=int(os.environ['RANK']), world_size=int(os.environ['WORLD_SIZE']))


def setup_cpu_distributed(cfg: Config) -> None:
    """Make a ``--launcher pytorch`` run work without CUDA (gloo, CPU DDP).

    mmengine's pytorch launcher calls ``torch.cuda.set_device`` and wraps the
    model with ``device_ids``, both of which fail on CPU-only machines. Once a
    process group exists, the runner uses it as it is.

    Args:
        cfg (Config): The config, changed in place; ``cfg.launcher`` says
            whether the run is distributed.
    """
    if (cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available()):
        return
    init_distributed(cfg)
    wrapper_cfg = cfg.get('model_wrapper_cfg') or dict()
    wrapper_cfg['type'] = 'CPUDistributedDataParallel'
    wrapper_cfg.setdefault('broadcast_buffers', False)
    wrapper_cfg.setdefault('find_unused_parameters', cfg.get('find_unused_parameters', False))
    cfg.model_wrapper_cfg = wrapper_cfg
