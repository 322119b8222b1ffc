"""Test a checkpoint on a config's test split.

Usage: python tools/test.py CONFIG CHECKPOINT [--fold K] [--out preds.json]
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.registry import RUNNERS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

import mmfmpn  # noqa: E402,F401  registers modules and checkpoint loading
from mmfmpn.engine import (apply_fold, setup_cpu_distributed,  # noqa: E402
                           shutdown_distributed)


def parse_args():
    parser = argparse.ArgumentParser(description='Test a checkpoint.')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where to save logs')
    parser.add_argument('--fold', type=int,
                        help='cross-validation fold of every split')
    parser.add_argument('--data-root', help='dataset folder of every split')
    parser.add_argument(
        '--out',
        help='write per-sample predictions here: .json (img_path, gt_label, '
        'pred_label, pred_score; read by tools/kfold.py) or .pkl '
        "(mmengine's dump)")
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. test_dataloader.batch_size=1')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    apply_fold(cfg, args.fold, args.data_root)
    if cfg.get('work_dir') is None:
        cfg.work_dir = osp.join(
            'work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = None  # loaded strictly below: a mismatch must not pass
    cfg.resume = False
    if args.out:
        dump = (dict(type='DumpPredictionsJSON', out_file=args.out)
                if args.out.endswith('.json') else dict(
                    type='DumpResults', out_file_path=args.out))
        evaluators = cfg.test_evaluator
        cfg.test_evaluator = (list(evaluators) if isinstance(
            evaluators, (list, tuple)) else [evaluators]) + [dump]
    setup_cpu_distributed(cfg)

    runner = (Runner.from_cfg(cfg)
              if 'runner_type' not in cfg else RUNNERS.build(cfg))
    runner.load_checkpoint(args.checkpoint, strict=True)
    runner.test()
    shutdown_distributed()


if __name__ == '__main__':
    main()
