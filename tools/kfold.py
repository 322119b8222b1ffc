"""Cross-validate FMPN (or a baseline) over the CK+ folds, then aggregate.

For each fold: stage 1 (``--stage1``, the mask generator; omit it for the
baseline and "no lG" rows), stage 2 (``--stage2``, its mask generator
initialised from that fold's last stage-1 checkpoint), a test of the last
stage-2 checkpoint on the fold's held-out subjects (configs with
``svm_stage``, I2CNN: an SVM on the CNN's features instead); at the end, per-fold
accuracy, mean ± std and the summed, row-normalised confusion matrix (the
paper's Tables 1-2). The logic lives in :mod:`mmfmpn.engine.kfold`.

Usage::

    # FMPN, all 10 folds, in this process
    python tools/kfold.py --stage1 configs/fmpn/fmg_inceptionv3_ckplus.py \\
        --stage2 configs/fmpn/fmpn_inceptionv3_ckplus.py --data-root data/ckplus
    # the Inception V3 baseline, folds 0-2
    python tools/kfold.py --stage2 configs/baselines/inceptionv3_ckplus.py \\
        --folds 0 1 2
    # every stage on 4 GPUs (tools/dist_train.sh), or under torchrun
    python tools/kfold.py ... --gpus 4
    torchrun --nproc_per_node 4 tools/kfold.py ... --launcher pytorch
    # one process per GPU, each doing every 4th fold
    CUDA_VISIBLE_DEVICES=1 python tools/kfold.py ... --fold-shard 1/4

Re-running the same command skips folds that have predictions and resumes an
interrupted stage from its last checkpoint; a fold made with other settings
(configs after --cfg-options, data root) stops the run with what differs
(--rebuild redoes it). Work dir layout: see mmfmpn/engine/kfold.py.
"""
import argparse
import os
import os.path as osp
from typing import Optional, Sequence

from mmfmpn.engine import shutdown_distributed
from mmfmpn.engine.kfold import (DEFAULT_FOLDS, KFoldRun, RunSettings, SettingsMismatchError,
                                 default_work_dir, run_kfold)


def parse_fold_shard(text: str, parser: argparse.ArgumentParser):
    """Parse ``--fold-shard I/N`` into ``(I, N)`` with ``0 <= I < N``."""
    try:
        index, count = (int(part) for part in text.split('/'))
    except ValueError:
        parser.error(f'--fold-shard {text!r}: expected I/N such as 0/4.')
    if not 0 <= index < count:
        parser.error(f'--fold-shard {text!r}: need 0 <= I < N.')
    return index, count


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='k-fold cross-validation: per fold, train stage 1 '
        '(optional) and stage 2, test on the held-out subjects; then write '
        'summary.json, summary.md and confusion_matrix.png.')
    parser.add_argument(
        '--stage1',
        help='stage-1 config (the mask generator); omit for baselines and '
        'the "no lG" row')
    parser.add_argument(
        '--stage2',
        required=True,
        help='stage-2 config; with --stage1 its mask generator starts from '
        'the fold\'s last stage-1 checkpoint')
    parser.add_argument('--test-config', help='config to test with (default: --stage2)')
    parser.add_argument(
        '--folds',
        type=int,
        nargs='+',
        default=list(DEFAULT_FOLDS),
        help='folds to run and summarise (default: 0-9)')
    parser.add_argument(
        '--fold-shard',
        default='0/1',
        help='I/N: run only every N-th of --folds starting at the I-th, to '
        'spread folds over processes, GPUs or nodes (default: 0/1); the '
        'summary covers every fold of --folds that has predictions')
    parser.add_argument(
        '--work-dir',
        help='output folder (default: work_dirs/kfold/<stage-2 config name>'
        '[-<hash of --data-root and --cfg-options>])')
    parser.add_argument('--data-root', help='dataset folder of every split')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='override settings of every config (stage 1, stage 2, test), '
        'as tools/train.py --cfg-options')
    parser.add_argument(
        '--rebuild',
        action='store_true',
        help='delete and redo folds whose recorded settings differ from this '
        'run\'s (default: stop and say what differs)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate during training (the fold is tested at the end '
        'anyway)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch'],
        default='none',
        help='pytorch: this process is one rank of a torchrun job')
    parser.add_argument(
        '--gpus',
        type=int,
        default=0,
        help='N > 0: run each stage and test as a separate job of N '
        'processes (tools/dist_train.sh / dist_test.sh; CPU gloo without '
        'CUDA); NNODES, NODE_RANK, PORT, MASTER_ADDR pass through (default: '
        '0, run in this process)')
    parser.add_argument(
        '--split-batch',
        action='store_true',
        help='divide each stage\'s train batch over the processes (--gpus '
        'times NNODES, or the torchrun world size), so that the global batch '
        'is the config\'s, as in a single-process run')
    parser.add_argument(
        '--summary-only',
        action='store_true',
        help='train nothing; aggregate the predictions that exist')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if args.gpus and args.launcher != 'none':
        parser.error('--gpus starts its own distributed jobs; do not combine '
                     'it with --launcher pytorch.')
    if args.split_batch and not args.gpus and args.launcher == 'none':
        parser.error('--split-batch needs --gpus N or --launcher pytorch.')
    args.shard = parse_fold_shard(args.fold_shard, parser)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the command line; returns the summary (``{}`` off rank 0)."""
    args = parse_args(argv)
    settings = RunSettings(
        data_root=args.data_root,
        cfg_options=tuple(args.cfg_options),
        launcher=args.launcher,
        gpus=args.gpus,
        validate=not args.no_validate,
        split_batch=args.split_batch,
        tools_dir=osp.dirname(osp.abspath(__file__)))
    run = KFoldRun(
        stage2=args.stage2,
        work_dir=args.work_dir or default_work_dir(args.stage2, settings),
        stage1=args.stage1,
        test_config=args.test_config,
        folds=tuple(args.folds),
        shard=args.shard,
        rebuild=args.rebuild)
    try:
        summary = run_kfold(run, settings, summary_only=args.summary_only)
    except SettingsMismatchError as error:
        raise SystemExit(str(error)) from None
    shutdown_distributed()
    return summary


if __name__ == '__main__':
    main()
