"""Cross-validate FMPN (or a baseline) over the CK+ folds, then aggregate.

For each fold: stage 1 (``--stage1``, the mask generator; omit it for the
baseline and "no lG" rows), stage 2 (``--stage2``, starting from that fold's
last stage-1 checkpoint), a test of the last stage-2 checkpoint on the fold's
held-out subjects; at the end, per-fold accuracy, mean ± std and the summed,
row-normalised confusion matrix (the paper's Tables 1-2).

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
interrupted stage from its last checkpoint. Layout of ``--work-dir``::

    fold_K/stage1/            stage-1 logs and checkpoints
    fold_K/stage2/            stage-2 logs and checkpoints
    fold_K/test/              test logs
    fold_K/predictions.json   the fold's test predictions
    summary.json, summary.md, confusion_matrix.png
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dist import barrier  # noqa: E402
from mmengine.registry import RUNNERS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

import mmfmpn  # noqa: E402,F401  registers modules and checkpoint loading
from mmfmpn.engine import (apply_fold, setup_cpu_distributed,  # noqa: E402
                           shutdown_distributed)
from mmfmpn.evaluation.fold_summary import (format_fold_table,  # noqa: E402
                                            summarize_folds, write_summary)

PREDICTIONS_FILE = 'predictions.json'
#: The authors' CK+ release has folds 0..9.
DEFAULT_FOLDS = tuple(range(10))


@dataclass(frozen=True)
class RunSettings:
    """What every stage and test of every fold shares.

    Args:
        data_root (str, optional): Dataset folder of every split. Defaults to
            None (keep the configs').
        cfg_options (tuple[str, ...]): ``KEY=VALUE`` overrides of every
            config. Defaults to ().
        launcher (str): ``'pytorch'`` when this process is one rank of a
            torchrun job. Defaults to 'none'.
        gpus (int): When > 0, each stage and test runs as a
            ``tools/dist_*.sh`` job of this many processes. Defaults to 0.
        validate (bool): Evaluate during training. Defaults to True.
        split_batch (bool): Divide each stage's training batch over the
            processes so that the global batch stays the config's.
            Defaults to False (each process takes the config's batch).
    """
    data_root: Optional[str] = None
    cfg_options: Tuple[str, ...] = ()
    launcher: str = 'none'
    gpus: int = 0
    validate: bool = True
    split_batch: bool = False


def is_rank_zero() -> bool:
    """Whether this process reports and summarises: the only one, or rank 0
    of a torchrun job (known from RANK even before the process group)."""
    return int(os.environ.get('RANK', '0')) == 0


def report(message: str) -> None:
    """Print a progress line, once per job."""
    if is_rank_zero():
        print(message, flush=True)


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
        help='stage-2 config; with --stage1 it starts from the fold\'s last '
        'stage-1 checkpoint')
    parser.add_argument(
        '--test-config', help='config to test with (default: --stage2)')
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
        help='output folder (default: work_dirs/kfold/<stage-2 config name>)')
    parser.add_argument('--data-root', help='dataset folder of every split')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='override settings of every config (stage 1, stage 2, test), '
        'as tools/train.py --cfg-options')
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
    args.shard_index, args.num_shards = parse_fold_shard(
        args.fold_shard, parser)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def parse_fold_shard(text: str, parser: argparse.ArgumentParser):
    """Parse ``--fold-shard I/N`` into ``(I, N)`` with ``0 <= I < N``."""
    try:
        index, count = (int(part) for part in text.split('/'))
    except ValueError:
        parser.error(f'--fold-shard {text!r}: expected I/N such as 0/4.')
    if not 0 <= index < count:
        parser.error(f'--fold-shard {text!r}: need 0 <= I < N.')
    return index, count


def parse_cfg_options(pairs: Sequence[str]) -> dict:
    """``['a.b=1', 'c=[1,2]']`` -> ``{'a.b': 1, 'c': [1, 2]}``, parsed
    exactly as ``tools/train.py --cfg-options`` parses them."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--options', nargs='+', action=DictAction)
    return parser.parse_args(['--options', *pairs]).options if pairs else {}


def load_config(config_file: str, fold: int, work_dir: str,
                settings: RunSettings) -> Config:
    """A config pointed at one fold and one work dir, with the overrides.

    Args:
        config_file (str): The config.
        fold (int): The fold of every split.
        work_dir (str): The runner's work dir.
        settings (RunSettings): Data root, overrides and launcher.

    Returns:
        Config: The config, ``load_from`` with ``{fold}`` filled in.
    """
    cfg = Config.fromfile(config_file)
    cfg.merge_from_dict(parse_cfg_options(settings.cfg_options))
    cfg.launcher = settings.launcher
    cfg.work_dir = work_dir
    apply_fold(cfg, fold, settings.data_root)
    return cfg


def final_checkpoint(cfg: Config) -> str:
    """The checkpoint a config's training ends with, in its work dir."""
    train_cfg = cfg.train_cfg
    if train_cfg.get('by_epoch', True) and 'max_iters' not in train_cfg:
        name = f'epoch_{train_cfg.max_epochs}.pth'
    else:
        name = f'iter_{train_cfg.max_iters}.pth'
    return osp.join(cfg.work_dir, name)


def stage_state(cfg: Config) -> str:
    """``'done'``, ``'interrupted'`` (resumable) or ``'new'``.

    Done means mmengine's ``last_checkpoint`` names the final checkpoint and
    that file exists: mmengine writes ``last_checkpoint`` only after a
    checkpoint is saved, so a half-written final checkpoint is not done.
    """
    pointer = osp.join(cfg.work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return 'new'
    with open(pointer) as file:
        last = osp.basename(file.read().strip())
    final = final_checkpoint(cfg)
    if last == osp.basename(final) and osp.isfile(final):
        return 'done'
    return 'interrupted'


def check_load_from(cfg: Config, config_file: str) -> None:
    """Fail early, with a hint, when a local ``load_from`` does not exist."""
    load_from = cfg.get('load_from')
    if (isinstance(load_from, str) and '://' not in load_from
            and not osp.isfile(load_from)):
        raise FileNotFoundError(
            f'{config_file}: load_from {load_from} does not exist; pass '
            '--stage1 to train it first, or set load_from=None in '
            '--cfg-options to train stage 2 from scratch.')


def run_runner(cfg: Config, mode: str) -> None:
    """Build a runner from ``cfg`` and call its ``train`` or ``test``."""
    setup_cpu_distributed(cfg)
    runner = (Runner.from_cfg(cfg)
              if 'runner_type' not in cfg else RUNNERS.build(cfg))
    getattr(runner, mode)()
    # Rank 0 writes checkpoints and predictions that the next step reads.
    barrier()


def run_job(command: List[str]) -> None:
    """Run a tools/dist_*.sh job with this interpreter; raise if it fails."""
    env = dict(os.environ, PYTHON=sys.executable)
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env['PATH']
    print('+ ' + ' '.join(command), flush=True)
    subprocess.run(command, env=env, check=True)


def world_size(settings: RunSettings) -> int:
    """Processes that train each stage: ``--gpus`` on each of ``NNODES``
    nodes, the torchrun world of ``--launcher pytorch``, or 1."""
    if settings.gpus:
        return settings.gpus * int(os.environ.get('NNODES', '1'))
    if settings.launcher == 'pytorch':
        return int(os.environ.get('WORLD_SIZE', '1'))
    return 1


def per_process_batch(cfg: Config, config_file: str, processes: int) -> int:
    """The train batch per process that keeps ``cfg``'s global batch.

    Raises:
        SystemExit: The batch does not split evenly over the processes.
    """
    batch = cfg.train_dataloader.batch_size
    if batch % processes:
        raise SystemExit(
            f'--split-batch: {config_file} trains with batch {batch}, which '
            f'{processes} processes cannot share evenly; use a process count '
            'that divides it, or set train_dataloader.batch_size per process '
            'with --cfg-options instead.')
    return batch // processes


def shared_job_options(fold: int, work_dir: str,
                       settings: RunSettings) -> List[str]:
    """tools/train.py / test.py options every job of a fold gets."""
    options = ['--fold', str(fold), '--work-dir', work_dir]
    if settings.data_root:
        options += ['--data-root', settings.data_root]
    return options


def train_stage(config_file: str,
                fold: int,
                work_dir: str,
                settings: RunSettings,
                load_from: Optional[str] = None) -> str:
    """Train one stage of one fold unless it is done; resume if interrupted.

    Args:
        config_file (str): The stage's config.
        fold (int): The fold.
        work_dir (str): The stage's work dir.
        settings (RunSettings): What every stage shares.
        load_from (str, optional): Checkpoint to start from (stage 2: the
            last stage-1 checkpoint). Defaults to None (the config's).

    Returns:
        str: The stage's final checkpoint.
    """
    cfg = load_config(config_file, fold, work_dir, settings)
    final = final_checkpoint(cfg)
    state = stage_state(cfg)
    name = osp.basename(config_file)
    if state == 'done':
        report(f'[fold {fold}] {name}: done, {final}')
        return final
    report(f'[fold {fold}] {name}: '
           f'{"resuming" if state == "interrupted" else "training"} '
           f'in {work_dir}')
    if load_from is not None:
        cfg.load_from = load_from
    if state == 'new':
        check_load_from(cfg, config_file)
    if settings.split_batch:
        cfg.train_dataloader.batch_size = per_process_batch(
            cfg, config_file, world_size(settings))
    if settings.gpus:
        command = [
            'bash', osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), config_file,
            str(settings.gpus)
        ] + shared_job_options(fold, work_dir, settings)
        if not settings.validate:
            command.append('--no-validate')
        cfg_options = list(settings.cfg_options)
        if settings.split_batch:
            cfg_options.append('train_dataloader.batch_size='
                               f'{cfg.train_dataloader.batch_size}')
        if state == 'interrupted':
            command.append('--resume')
        elif load_from is not None:
            cfg_options.append(f'load_from={load_from}')
        if cfg_options:
            command += ['--cfg-options', *cfg_options]
        run_job(command)
    else:
        if state == 'interrupted':
            # mmengine finds the latest checkpoint itself when load_from is
            # None; optimizer, scheduler and epoch come back with it.
            cfg.resume, cfg.load_from = True, None
        if not settings.validate:
            cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        cfg.experiment_name = f'fold{fold}_{osp.splitext(name)[0]}'
        run_runner(cfg, 'train')
    if stage_state(cfg) != 'done':
        raise RuntimeError(f'[fold {fold}] {name} ended without {final}; '
                           'check its checkpoint hook settings.')
    return final


def test_fold(config_file: str, checkpoint: str, fold: int, fold_dir: str,
              settings: RunSettings) -> str:
    """Test a fold's final checkpoint and write its predictions JSON.

    Args:
        config_file (str): The test config.
        checkpoint (str): The checkpoint.
        fold (int): The fold.
        fold_dir (str): The fold's folder; predictions go there.
        settings (RunSettings): What every stage shares.

    Returns:
        str: The predictions JSON.
    """
    predictions = osp.join(fold_dir, PREDICTIONS_FILE)
    work_dir = osp.join(fold_dir, 'test')
    report(f'[fold {fold}] testing {checkpoint}')
    if settings.gpus:
        command = [
            'bash', osp.join(REPO_ROOT, 'tools', 'dist_test.sh'), config_file,
            checkpoint, str(settings.gpus)
        ] + shared_job_options(fold, work_dir, settings) + [
            '--out', predictions
        ]
        if settings.cfg_options:
            command += ['--cfg-options', *settings.cfg_options]
        run_job(command)
        return predictions
    cfg = load_config(config_file, fold, work_dir, settings)
    cfg.load_from, cfg.resume = checkpoint, False
    evaluators = cfg.test_evaluator
    cfg.test_evaluator = (list(evaluators) if isinstance(
        evaluators, (list, tuple)) else [evaluators]) + [
            dict(type='DumpPredictionsJSON', out_file=predictions)
        ]
    cfg.experiment_name = f'fold{fold}_test'
    run_runner(cfg, 'test')
    return predictions


def run_fold(fold: int, fold_dir: str, stage1: Optional[str], stage2: str,
             test_config: str, settings: RunSettings) -> None:
    """Stage 1 (if any), stage 2 and the test of one fold.

    Args:
        fold (int): The fold.
        fold_dir (str): Its folder.
        stage1 (str, optional): The stage-1 config, or None.
        stage2 (str): The stage-2 config.
        test_config (str): The test config.
        settings (RunSettings): What every stage shares.
    """
    load_from = None
    if stage1:
        load_from = train_stage(stage1, fold, osp.join(fold_dir, 'stage1'),
                                settings)
    checkpoint = train_stage(
        stage2, fold, osp.join(fold_dir, 'stage2'), settings,
        load_from=load_from)
    test_fold(test_config, checkpoint, fold, fold_dir, settings)


def summarize(work_dir: str, folds: Sequence[int], title: str) -> dict:
    """Aggregate the folds with predictions, write and print the summary.

    Returns:
        dict: The summary (see ``summarize_folds``), or {} if no fold has
        predictions yet.
    """
    predictions = {
        fold: osp.join(work_dir, f'fold_{fold}', PREDICTIONS_FILE)
        for fold in folds
    }
    available = {
        fold: path
        for fold, path in predictions.items() if osp.isfile(path)
    }
    missing = [fold for fold in predictions if fold not in available]
    if missing:
        print(f'Folds without predictions yet (left out of the summary): '
              f'{missing}', flush=True)
    if not available:
        return {}
    summary = summarize_folds(available)
    paths = write_summary(summary, work_dir, title=title)
    print('\n'.join(format_fold_table(summary)))
    print(f'Summary: {paths["markdown"]}, {paths["json"]}\n'
          f'Confusion matrix: {paths["confusion_matrix"]}', flush=True)
    return summary


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the command line; returns the summary (``{}`` off rank 0)."""
    args = parse_args(argv)
    stage2_name = osp.splitext(osp.basename(args.stage2))[0]
    work_dir = args.work_dir or osp.join('work_dirs', 'kfold', stage2_name)
    my_folds = list(args.folds)[args.shard_index::args.num_shards]
    settings = RunSettings(
        data_root=args.data_root,
        cfg_options=tuple(args.cfg_options),
        launcher=args.launcher,
        gpus=args.gpus,
        validate=not args.no_validate,
        split_batch=args.split_batch)
    if not args.summary_only:
        for position, fold in enumerate(my_folds, 1):
            fold_dir = osp.join(work_dir, f'fold_{fold}')
            if osp.isfile(osp.join(fold_dir, PREDICTIONS_FILE)):
                report(f'[fold {fold}] done ({position}/{len(my_folds)}): '
                       f'{osp.join(fold_dir, PREDICTIONS_FILE)}')
                continue
            report(f'[fold {fold}] starting ({position}/{len(my_folds)})')
            run_fold(fold, fold_dir, args.stage1, args.stage2,
                     args.test_config or args.stage2, settings)
    shutdown_distributed()
    if not is_rank_zero():
        return {}
    return summarize(work_dir, args.folds, title=stage2_name)


if __name__ == '__main__':
    main()
