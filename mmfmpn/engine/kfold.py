"""k-fold cross-validation: per fold, stage 1 (optional), stage 2 and a test,
then the fold summary (the paper's Tables 1-2).

``tools/kfold.py`` parses the command line into :class:`KFoldRun` and
:class:`RunSettings` and calls :func:`run_kfold`. Layout of a run's work dir::

    fold_K/settings.json      the resolved settings the fold was made with
    fold_K/stage1/            stage-1 logs and checkpoints
    fold_K/stage2/            stage-2 logs and checkpoints
    fold_K/test/              test logs
    fold_K/predictions.json   the fold's test predictions
    fold_K/svm.json           configs with ``svm_stage`` (I2CNN): the SVM's
                              chosen parameters and accuracies
    summary.json, summary.md, confusion_matrix.png

Re-running skips folds that have predictions and resumes an interrupted
stage from its last checkpoint, but only when the fold was made with the
same resolved settings (configs after ``--cfg-options``, data root, fold):
otherwise :class:`SettingsMismatchError` says what differs.
"""
import argparse
import hashlib
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config, DictAction
from mmengine.dist import barrier

from mmfmpn.evaluation.fold_summary import format_fold_table, summarize_folds, write_summary
from mmfmpn.utils.file_io import write_text_atomic
from .runner import build_runner
from .runner_setup import _leaf_datasets, init_distributed, load_run_config, setup_cpu_distributed

PREDICTIONS_FILE = 'predictions.json'
SETTINGS_FILE = 'settings.json'
#: The authors' CK+ release has folds 0..9.
DEFAULT_FOLDS = tuple(range(10))
#: Settings that say where a run writes or how it is launched, not what it
#: computes: left out of the fingerprint.
_PLACE_KEYS = ('work_dir', 'launcher', 'experiment_name', 'resume', 'load_from')


class SettingsMismatchError(RuntimeError):
    """A fold folder made with other settings than the current run's."""


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
        tools_dir (str, optional): Where ``dist_train.sh`` and
            ``dist_test.sh`` are (for ``gpus``). Defaults to None (the
            checkout's ``tools/``).
    """
    data_root: Optional[str] = None
    cfg_options: Tuple[str, ...] = ()
    launcher: str = 'none'
    gpus: int = 0
    validate: bool = True
    split_batch: bool = False
    tools_dir: Optional[str] = None


@dataclass(frozen=True)
class KFoldRun:
    """Which configs run on which folds, and where.

    Args:
        stage2 (str): The stage-2 config.
        work_dir (str): The run's folder.
        stage1 (str, optional): The stage-1 config; its last checkpoint
            initialises stage 2's mask generator. Defaults to None
            (baselines, the "no lG" row).
        test_config (str, optional): Defaults to None (``stage2``).
        folds (tuple[int, ...]): Folds to summarise. Defaults to 0-9.
        shard (tuple[int, int]): ``(I, N)``: train and test every N-th fold
            of ``folds`` from the I-th. Defaults to (0, 1).
        rebuild (bool): Delete and redo folds made with other settings
            instead of stopping. Defaults to False.
    """
    stage2: str
    work_dir: str
    stage1: Optional[str] = None
    test_config: Optional[str] = None
    folds: Tuple[int, ...] = DEFAULT_FOLDS
    shard: Tuple[int, int] = (0, 1)
    rebuild: bool = False


def is_rank_zero() -> bool:
    """Whether this process reports and summarises: the only one, or rank 0
    of a torchrun job (known from RANK even before the process group)."""
    return int(os.environ.get('RANK', '0')) == 0


def report(message: str) -> None:
    """Print a progress line, once per job."""
    if is_rank_zero():
        print(message, flush=True)


def parse_cfg_options(pairs: Sequence[str]) -> dict:
    """``['a.b=1', 'c=[1,2]']`` -> ``{'a.b': 1, 'c': [1, 2]}``, parsed
    exactly as ``tools/train.py --cfg-options`` parses them."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--options', nargs='+', action=DictAction)
    return parser.parse_args(['--options', *pairs]).options if pairs else {}


def default_work_dir(stage2: str, settings: RunSettings) -> str:
    """``work_dirs/kfold/<stage-2 name>``, plus a short hash of the data root
    and ``--cfg-options`` when given, so that runs with other options never
    share a folder."""
    name = osp.splitext(osp.basename(stage2))[0]
    if settings.data_root or settings.cfg_options:
        key = json.dumps([settings.data_root, list(settings.cfg_options)])
        name += '-' + hashlib.sha256(key.encode()).hexdigest()[:8]
    return osp.join('work_dirs', 'kfold', name)


def load_config(config_file: str, fold: int, work_dir: Optional[str],
                settings: RunSettings) -> Config:
    """A config pointed at one fold and one work dir, with the overrides.

    Args:
        config_file (str): The config.
        fold (int): The fold of every split.
        work_dir (str, optional): The runner's work dir.
        settings (RunSettings): Data root, overrides and launcher.

    Returns:
        Config: The config, ``{fold}`` filled in.
    """
    return load_run_config(config_file, parse_cfg_options(settings.cfg_options), work_dir, fold,
                           settings.data_root, settings.launcher)


def _flatten(value, prefix: str, out: Dict[str, object]) -> None:
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            _flatten(value[key], f'{prefix}.{key}' if prefix else str(key), out)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _flatten(item, f'{prefix}[{index}]', out)
    else:
        out[prefix] = value if isinstance(value,
                                          (str, int, float, bool, type(None))) else repr(value)


def resolved_settings(run: KFoldRun, fold: int, settings: RunSettings) -> Dict[str, object]:
    """What a fold's results depend on, as flat ``{'stage2.model.x': v}``.

    The configs after ``--cfg-options``, ``--data-root`` and the fold,
    without where they write (work dirs, launcher), and the hashes of the
    data's index files (:func:`data_fingerprints`).
    """
    flat: Dict[str, object] = {}
    configs = dict(stage1=run.stage1, stage2=run.stage2, test=run.test_config or run.stage2)
    for name, config_file in configs.items():
        if config_file is None:
            continue
        cfg = load_config(config_file, fold, None, settings).to_dict()
        for key in _PLACE_KEYS:
            cfg.pop(key, None)
        if name == 'stage2' and run.stage1:
            # Where stage 1 lies is the run's business, not a setting.
            generator = cfg.get('model', {}).get('mask_generator') or {}
            generator.pop('init_cfg', None)
        _flatten(cfg, name, flat)
        if name == 'stage2':
            flat.update(data_fingerprints(cfg, fold))
    return flat


def data_fingerprints(cfg: dict, fold: int) -> Dict[str, str]:
    """Hashes of the index files of every dataset root of a resolved config.

    The top-level files of each ``data_root`` (annotations, labels, split
    files) and the fold's mask provenance, so that re-preparing the data or
    rebuilding its masks changes the fold's settings.

    Args:
        cfg (dict): A resolved config (``Config.to_dict()``).
        fold (int): The fold.

    Returns:
        dict[str, str]: ``{'data.<root>/<file>': sha256 prefix}``.
    """
    roots = sorted({
        dataset['data_root']
        for name in ('train_dataloader', 'test_dataloader') if cfg.get(name)
        for dataset in _leaf_datasets(cfg[name].get('dataset')) if dataset.get('data_root')
    })
    fingerprints = {}
    for root in roots:
        if not osp.isdir(root):
            continue
        files = [entry for entry in sorted(os.listdir(root)) if osp.isfile(osp.join(root, entry))]
        files.append(osp.join('imgs_res', str(fold), 'provenance.json'))
        for relative in files:
            path = osp.join(root, relative)
            if osp.isfile(path):
                with open(path, 'rb') as file:
                    digest = hashlib.sha256(file.read()).hexdigest()[:16]
                fingerprints[f'data.{osp.abspath(root)}/{relative}'] = digest
    return fingerprints


def settings_fingerprint(flat: Dict[str, object]) -> str:
    """A short hash of :func:`resolved_settings`."""
    text = json.dumps(flat, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _settings_diff(old: Dict[str, object], new: Dict[str, object]) -> str:
    keys = sorted(set(old) | set(new))
    changes = [
        f'{key}: {old.get(key, "(unset)")!r} -> {new.get(key, "(unset)")!r}' for key in keys
        if old.get(key, '(unset)') != new.get(key, '(unset)')
    ]
    shown = '; '.join(changes[:5])
    return shown + (f' (and {len(changes) - 5} more)' if len(changes) > 5 else '')


def check_fold_settings(fold_dir: str, flat: Dict[str, object], rebuild: bool) -> None:
    """Record a fold's settings, or check them against the recorded ones.

    Args:
        fold_dir (str): The fold's folder.
        flat (dict): :func:`resolved_settings` of this run.
        rebuild (bool): Delete the fold's folder when its settings differ.

    Raises:
        SettingsMismatchError: The folder holds results made with other (or
            unrecorded) settings and ``rebuild`` is off.
    """
    record = osp.join(fold_dir, SETTINGS_FILE)
    has_results = osp.isdir(fold_dir) and any(name != SETTINGS_FILE
                                              for name in os.listdir(fold_dir))
    if osp.isfile(record):
        with open(record) as file:
            old = json.load(file)['settings']
        if settings_fingerprint(old) == settings_fingerprint(flat):
            return
        problem = f'was made with other settings: {_settings_diff(old, flat)}'
    elif has_results:
        problem = f'has results but no {SETTINGS_FILE} saying how they were made'
    else:
        problem = None
    if problem is not None:
        if not rebuild:
            raise SettingsMismatchError(
                f'{fold_dir} {problem}. Its checkpoints and predictions are '
                'not reused for other settings: run with another --work-dir '
                '(the default one differs per --cfg-options and --data-root), '
                'or pass --rebuild to delete this fold and train it again.')
        report(f'--rebuild: deleting {fold_dir} ({problem})')
        if is_rank_zero():
            shutil.rmtree(fold_dir)
    if is_rank_zero():
        os.makedirs(fold_dir, exist_ok=True)
        write_text_atomic(
            record,
            json.dumps(
                dict(fingerprint=settings_fingerprint(flat), settings=flat), indent=1,
                default=repr))


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


def init_mask_generator_from(cfg: Config, config_file: str, checkpoint: str) -> None:
    """Initialise stage 2's mask generator strictly from a stage-1
    checkpoint (``StrictPretrained``, prefix ``mask_generator.``)."""
    if not cfg.model.get('mask_generator'):
        raise ValueError(f'{config_file} has no model.mask_generator for the stage-1 '
                         'checkpoint; pass an FMPN config as --stage2, or drop --stage1.')
    cfg.model.mask_generator.init_cfg = dict(
        type='StrictPretrained', checkpoint=checkpoint, prefix='mask_generator.')


def check_init_checkpoints(cfg: Config, config_file: str) -> None:
    """Fail early, with a hint, when the mask generator's local
    ``StrictPretrained`` checkpoint does not exist."""
    init_cfg = (cfg.model.get('mask_generator') or {}).get('init_cfg')
    checkpoint = init_cfg.get('checkpoint') if isinstance(init_cfg, dict) else None
    if (isinstance(checkpoint, str) and '://' not in checkpoint and not osp.isfile(checkpoint)):
        raise FileNotFoundError(f'{config_file}: the mask generator\'s stage-1 checkpoint '
                                f'{checkpoint} does not exist; pass --stage1 to train it first, '
                                'or --cfg-options model.mask_generator.init_cfg=None to train '
                                'stage 2 from scratch.')


def run_runner(cfg: Config, mode: str) -> None:
    """Build a runner from ``cfg`` and call its ``train`` or ``test``."""
    setup_cpu_distributed(cfg)
    getattr(build_runner(cfg), mode)()
    # Rank 0 writes checkpoints and predictions that the next step reads.
    barrier()


def run_job(command: List[str]) -> None:
    """Run a tools/dist_*.sh job with this interpreter; raise if it fails."""
    env = dict(os.environ, PYTHON=sys.executable)
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env['PATH']
    print('+ ' + ' '.join(command), flush=True)
    subprocess.run(command, env=env, check=True)


def _dist_script(settings: RunSettings, name: str) -> str:
    tools_dir = settings.tools_dir or osp.join(
        osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'tools')
    return osp.join(tools_dir, name)


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
        ValueError: The batch does not split evenly over the processes.
    """
    batch = cfg.train_dataloader.batch_size
    if batch % processes:
        raise ValueError(f'--split-batch: {config_file} trains with batch {batch}, which '
                         f'{processes} processes cannot share evenly; use a process count '
                         'that divides it, or set train_dataloader.batch_size per process '
                         'with --cfg-options instead.')
    return batch // processes


def _dump_for_job(cfg: Config, path: str) -> str:
    """Write the resolved config a ``dist_*.sh`` job runs (rank 0)."""
    if is_rank_zero():
        cfg.dump(path)
    return path


def train_stage(config_file: str,
                fold: int,
                work_dir: str,
                settings: RunSettings,
                stage1_checkpoint: Optional[str] = None) -> str:
    """Train one stage of one fold unless it is done; resume if interrupted.

    Args:
        config_file (str): The stage's config.
        fold (int): The fold.
        work_dir (str): The stage's work dir.
        settings (RunSettings): What every stage shares.
        stage1_checkpoint (str, optional): Stage 2: the last stage-1
            checkpoint, which initialises the mask generator. Defaults to
            None (the config's initialisation).

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
    if stage1_checkpoint is not None:
        init_mask_generator_from(cfg, config_file, stage1_checkpoint)
    elif state == 'new':
        check_init_checkpoints(cfg, config_file)
    if settings.split_batch:
        cfg.train_dataloader.batch_size = per_process_batch(cfg, config_file, world_size(settings))
    if not settings.validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.experiment_name = f'fold{fold}_{osp.splitext(name)[0]}'
    if settings.gpus:
        os.makedirs(work_dir, exist_ok=True)
        job_config = _dump_for_job(cfg, f'{work_dir}_config.py')
        command = ['bash', _dist_script(settings, 'dist_train.sh'), job_config, str(settings.gpus)]
        if state == 'interrupted':
            command.append('--resume')
        run_job(command)
    else:
        # mmengine finds the latest checkpoint itself when load_from is None;
        # optimizer, scheduler and epoch come back with it.
        cfg.resume = state == 'interrupted'
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
    cfg = load_config(config_file, fold, work_dir, settings)
    if cfg.get('svm_stage') is not None:
        return svm_test_fold(cfg, checkpoint, fold, predictions)
    report(f'[fold {fold}] testing {checkpoint}')
    cfg.load_from, cfg.resume = checkpoint, False
    evaluators = cfg.test_evaluator
    cfg.test_evaluator = (list(evaluators) if isinstance(evaluators, (list, tuple)) else
                          [evaluators]) + [dict(type='DumpPredictionsJSON', out_file=predictions)]
    cfg.experiment_name = f'fold{fold}_test'
    if settings.gpus:
        os.makedirs(work_dir, exist_ok=True)
        job_config = _dump_for_job(cfg, f'{work_dir}_config.py')
        run_job([
            'bash',
            _dist_script(settings, 'dist_test.sh'), job_config, checkpoint,
            str(settings.gpus)
        ])
    else:
        run_runner(cfg, 'test')
    return predictions


def svm_test_fold(cfg: Config, checkpoint: str, fold: int, predictions: str) -> str:
    """I2CNN's test: an SVM fitted on the trained CNN's features of the
    fold's training faces predicts its test faces (in this process, rank 0).

    Args:
        cfg (Config): The test config, pointed at the fold; has ``svm_stage``.
        checkpoint (str): The trained CNN.
        fold (int): The fold.
        predictions (str): The predictions JSON to write.

    Returns:
        str: ``predictions``.
    """
    # sklearn loads only when a run needs it.
    from .svm_stage import run_svm_stage
    report(f'[fold {fold}] SVM on the features of {checkpoint}')
    if is_rank_zero():
        result = run_svm_stage(cfg, checkpoint, predictions)
        report(f'[fold {fold}] SVM {result["best_params"]} (search accuracy '
               f'{result["cv_accuracy"]:.2f} %): test accuracy '
               f'{result["accuracy"]:.2f} % on {result["num_test"]} faces')
    barrier()
    return predictions


def run_fold(run: KFoldRun, fold: int, settings: RunSettings) -> None:
    """Stage 1 (if any), stage 2 and the test of one fold."""
    fold_dir = osp.join(run.work_dir, f'fold_{fold}')
    stage1_checkpoint = None
    if run.stage1:
        stage1_checkpoint = train_stage(run.stage1, fold, osp.join(fold_dir, 'stage1'), settings)
    checkpoint = train_stage(
        run.stage2,
        fold,
        osp.join(fold_dir, 'stage2'),
        settings,
        stage1_checkpoint=stage1_checkpoint)
    test_fold(run.test_config or run.stage2, checkpoint, fold, fold_dir, settings)


def summarize(run: KFoldRun, fingerprints: Dict[int, str]) -> dict:
    """Aggregate the folds with predictions, write and print the summary.

    Args:
        run (KFoldRun): The run.
        fingerprints (dict[int, str]): Each fold's settings fingerprint in
            this run; a fold recorded with another one is an error.

    Returns:
        dict: The summary (see ``summarize_folds``) with
        ``settings_fingerprint``, or {} if no fold has predictions yet.
    """
    available, missing = {}, []
    for fold in run.folds:
        fold_dir = osp.join(run.work_dir, f'fold_{fold}')
        path = osp.join(fold_dir, PREDICTIONS_FILE)
        if not osp.isfile(path):
            missing.append(fold)
            continue
        record = osp.join(fold_dir, SETTINGS_FILE)
        recorded = None
        if osp.isfile(record):
            with open(record) as file:
                recorded = json.load(file).get('fingerprint')
        if recorded != fingerprints[fold]:
            raise SettingsMismatchError(f'{path} was made with other settings than this run\'s '
                                        f'(fingerprint {recorded} vs {fingerprints[fold]}); rerun '
                                        'without --summary-only to see what differs.')
        available[fold] = path
    if missing:
        print(f'Folds without predictions yet (left out of the summary): '
              f'{missing}', flush=True)
    if not available:
        return {}
    summary = summarize_folds(available)
    summary['settings_fingerprint'] = {str(fold): fingerprints[fold] for fold in available}
    title = osp.splitext(osp.basename(run.stage2))[0]
    paths = write_summary(summary, run.work_dir, title=title)
    print('\n'.join(format_fold_table(summary)))
    print(
        f'Summary: {paths["markdown"]}, {paths["json"]}\n'
        f'Confusion matrix: {paths["confusion_matrix"]}',
        flush=True)
    return summary


def run_kfold(run: KFoldRun, settings: RunSettings, summary_only: bool = False) -> dict:
    """Train and test this shard's folds, then summarise every fold.

    Args:
        run (KFoldRun): Configs, folds and work dir.
        settings (RunSettings): What every stage shares.
        summary_only (bool): Train nothing; aggregate the predictions that
            exist. Defaults to False.

    Returns:
        dict: The summary (``{}`` off rank 0 or without predictions).

    Raises:
        SettingsMismatchError: A fold was made with other settings.
    """
    index, count = run.shard
    my_folds = list(run.folds)[index::count]
    if settings.launcher == 'pytorch' and not summary_only:
        # The barrier after each fold's settings check must hold every rank.
        init_distributed(load_config(run.stage2, run.folds[0], None, settings))
    flats = {fold: resolved_settings(run, fold, settings) for fold in run.folds}
    fingerprints = {fold: settings_fingerprint(flat) for fold, flat in flats.items()}
    if not summary_only:
        for position, fold in enumerate(my_folds, 1):
            fold_dir = osp.join(run.work_dir, f'fold_{fold}')
            check_fold_settings(fold_dir, flats[fold], run.rebuild)
            barrier()
            predictions = osp.join(fold_dir, PREDICTIONS_FILE)
            if osp.isfile(predictions):
                report(f'[fold {fold}] done ({position}/{len(my_folds)}): '
                       f'{predictions}')
                continue
            report(f'[fold {fold}] starting ({position}/{len(my_folds)})')
            run_fold(run, fold, settings)
    if not is_rank_zero():
        return {}
    return summarize(run, fingerprints)
