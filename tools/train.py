"""Train an FMPN (or any mmpretrain) model from a config.

Usage: python tools/train.py CONFIG [--fold K] [--data-root DIR] [--resume]

The runner is ``FMPNRunner`` (the config's ``runner_type``, else that one):
config values are checked, ``{fold}`` filled in, checkpoints loaded strictly,
and a work dir that holds a run is not trained over without ``--resume``.
"""
import argparse
import os

import torch
from mmengine.config import Config

from mmfmpn.engine import (build_runner, check_training_work_dir, load_run_config,
                           setup_cpu_distributed, shutdown_distributed)
from mmfmpn.utils.cli import add_run_arguments


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model.')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or without a value from the '
        'latest readable one in the work dir')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    parser.add_argument(
        '--no-validate', action='store_true', help='do not evaluate during training')
    parser.add_argument(
        '--auto-scale-lr', action='store_true', help='scale the LR by the actual batch size')
    add_run_arguments(parser)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(args) -> Config:
    """The config with the command line applied."""
    cfg = load_run_config(args.config, args.cfg_options, args.work_dir, args.fold, args.data_root,
                          args.launcher)
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        if not torch.cuda.is_available():
            raise SystemExit('--amp needs a GPU: mmengine\'s AmpOptimWrapper '
                             'refuses to run without CUDA. Drop --amp on CPU.')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        if 'base_batch_size' not in (cfg.get('auto_scale_lr') or {}):
            raise SystemExit(f'--auto-scale-lr: {args.config} sets no '
                             'auto_scale_lr.base_batch_size (the global batch its LR is '
                             'for); add auto_scale_lr = dict(base_batch_size=N).')
        cfg.auto_scale_lr.enable = True
    setup_cpu_distributed(cfg)
    return cfg


def main():
    args = parse_args()
    cfg = merge_args(args)
    try:
        # Before the runner writes its logs and config copy there.
        check_training_work_dir(cfg.work_dir, cfg.get('resume', False))
    except FileExistsError as error:
        raise SystemExit(str(error)) from None
    build_runner(cfg).train()
    shutdown_distributed()


if __name__ == '__main__':
    main()
