"""Data pipeline throughput of one dataloader worker, and where it goes.

Runs a config's train pipeline (or test pipeline, ``--split test``) in this
process the way one dataloader worker does (one OpenCV and one torch thread,
as mmengine sets up workers) and reports images per second end to end and the
time of each transform. Without ``--data-root`` it writes a small stand-in
dataset in the authors' CK+ layout to a temporary folder.

Usage:
    python tools/analysis_tools/pipeline_benchmark.py \
        configs/fmpn/fmpn_inceptionv3_ckplus.py --data-root data/ckplus
"""
import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence

import cv2
import torch
from mmpretrain.registry import DATASETS
from rich.console import Console
from rich.progress import track
from rich.table import Table

import mmfmpn  # noqa: F401  registers the datasets and transforms
from mmfmpn.engine import apply_fold
from mmfmpn.synthesis import make_tiny_ckplus
from mmfmpn.utils.cli import (add_cfg_options_argument, add_json_argument, load_config,
                              write_json_output)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Images per second of one dataloader worker running a '
        "config's data pipeline, with the time of each transform.")
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--data-root',
        help='dataset folder (default: a stand-in written to a temporary '
        'folder, see --stand-in-size)')
    parser.add_argument('--fold', type=int, help="cross-validation fold (default: the config's)")
    parser.add_argument(
        '--split',
        choices=['train', 'test'],
        default='train',
        help='which dataloader to time (default: train)')
    parser.add_argument('--num-samples', type=int, default=300, help='timed samples (default: 300)')
    parser.add_argument(
        '--warmup', type=int, default=20, help='untimed samples first (default: 20)')
    parser.add_argument(
        '--stand-in-size',
        type=int,
        default=70,
        help='face size of the stand-in dataset (default: 70, the size of '
        "the authors' masks)")
    add_json_argument(parser)
    add_cfg_options_argument(parser)
    args = parser.parse_args(argv)
    if args.num_samples < 1 or args.warmup < 0 or args.stand_in_size < 8:
        parser.error('--num-samples must be >= 1, --warmup >= 0 and '
                     '--stand-in-size >= 8')
    return args


def time_pipeline(dataset, num_samples: int, warmup: int) -> dict:
    """Time ``dataset[i]`` end to end, then each transform on its own.

    Args:
        dataset: An mmengine ``BaseDataset`` with a ``Compose`` pipeline.
        num_samples (int): Timed samples (cycling over the dataset).
        warmup (int): Untimed samples first (fill caches, warm up OpenCV).

    Returns:
        dict: ``img_per_s`` (end to end), ``sample_ms`` (median per sample),
        ``transforms``: list of ``{'transform', 'ms'}`` with the median
        milliseconds of each transform.
    """
    indices = [i % len(dataset) for i in range(warmup + num_samples)]
    for index in indices[:warmup]:
        dataset[index]
    start = time.perf_counter()
    for index in track(
            indices[warmup:], description='end to end', console=Console(stderr=True),
            transient=True):
        dataset[index]
    elapsed = time.perf_counter() - start

    transforms = dataset.pipeline.transforms
    per_transform: List[List[float]] = [[] for _ in transforms]
    per_sample: List[float] = []
    for index in track(
            indices[warmup:], description='per transform', console=Console(stderr=True),
            transient=True):
        results = copy.deepcopy(dataset.get_data_info(index))
        sample_start = time.perf_counter()
        for times, transform in zip(per_transform, transforms):
            transform_start = time.perf_counter()
            results = transform(results)
            times.append(time.perf_counter() - transform_start)
        per_sample.append(time.perf_counter() - sample_start)
    return dict(
        img_per_s=num_samples / elapsed,
        sample_ms=1e3 * statistics.median(per_sample),
        transforms=[
            dict(transform=_describe(transform), ms=1e3 * statistics.median(times))
            for transform, times in zip(transforms, per_transform)
        ])


def _describe(transform) -> str:
    """A transform's class name, with the wrapped ones for wrappers."""
    name = type(transform).__name__
    inner = getattr(transform, 'transforms', None)
    if inner is not None and hasattr(inner, 'transforms'):
        inner = inner.transforms
    if inner:
        name += '(' + ', '.join(type(t).__name__ for t in inner) + ')'
    return name


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    # What mmengine sets up for each dataloader worker.
    cv2.setNumThreads(0)
    torch.set_num_threads(1)
    cfg = load_config(args.config, args.cfg_options)
    console = Console()
    with tempfile.TemporaryDirectory(prefix='stand_in_ckplus_') as temp_dir:
        data_root = args.data_root
        if data_root is None:
            data_root = str(Path(temp_dir) / 'ckplus')
            make_tiny_ckplus(data_root, size=args.stand_in_size)
            console.print(f'Stand-in dataset: {args.stand_in_size}x'
                          f'{args.stand_in_size} faces and masks.')
        fold = apply_fold(cfg, args.fold, data_root)
        dataset_cfg = cfg[f'{args.split}_dataloader'].dataset
        dataset = DATASETS.build(dataset_cfg)
        timing = time_pipeline(dataset, args.num_samples, args.warmup)
    result = dict(
        config=args.config,
        data_root=args.data_root,
        stand_in_size=None if args.data_root else args.stand_in_size,
        fold=fold,
        split=args.split,
        num_samples=args.num_samples,
        **timing)

    console.print(f'{args.config}  {args.split} pipeline  fold {fold}  '
                  f'one worker: {timing["img_per_s"]:.0f} img/s end to end')
    table = Table()
    table.add_column('transform')
    table.add_column('median ms / sample', justify='right')
    table.add_column('share', justify='right')
    for entry in timing['transforms']:
        table.add_row(entry['transform'], f'{entry["ms"]:.3f}',
                      f'{100 * entry["ms"] / timing["sample_ms"]:.0f}%')
    table.add_row('all (median sample)', f'{timing["sample_ms"]:.3f}', '')
    console.print(table)
    write_json_output(args.json, result)
    return 0


if __name__ == '__main__':
    sys.exit(main())
