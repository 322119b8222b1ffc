"""What the motion prior costs: an FMPN config against its bare classifier.

In one process, with the two models' steps interleaved (A B, B A, ...) so that
machine load hits both alike, on random data at the config's input size:

- training-step time (data preprocessor, forward in ``loss`` mode,
  backward, optimiser step of the config's optimiser),
- inference throughput (``predict`` under ``no_grad``),
- peak step memory.

The bare model is the config's classifier without the prior
(:func:`mmfmpn.models.bare_classifier_cfg`). The weights are the modules' own
initialisation (``init_weights`` is not run), so nothing is downloaded.
Parameters and FLOPs per part: ``tools/analysis_tools/get_flops.py``.

Usage:
    python tools/analysis_tools/benchmark.py \
        configs/fmpn/fmpn_inceptionv3_ckplus.py --batch-size 4 --steps 5 \
        --threads 1 --json work_dirs/benchmark.json
"""
import argparse
import copy
import logging
import platform
import statistics
import sys
from typing import Callable, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.config import ConfigDict
from mmengine.logging import MMLogger
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from mmfmpn.models import bare_classifier_cfg
from mmfmpn.utils.cli import (add_cfg_options_argument, add_input_size_argument, add_json_argument,
                              load_config, parse_input_size, write_json_output)
from mmfmpn.utils.step_timing import (MEMORY_METHODS, median_ratio, peak_step_memory,
                                      time_interleaved)

#: The two models every measurement compares, in this order.
MODEL_NAMES = ('fmpn', 'bare')


def make_batch(batch_size: int, input_size: Sequence[int], num_classes: int, seed: int = 0) -> dict:
    """A random dataloader batch, as the FMPN train pipeline packs it.

    Args:
        batch_size (int): Number of samples.
        input_size (Sequence[int]): ``(height, width)``.
        num_classes (int): Labels are drawn from ``range(num_classes)``.
        seed (int): Random seed. Defaults to 0.

    Returns:
        dict: ``inputs``, a list of uint8 ``(3, H, W)`` BGR faces, and
        ``data_samples``, each with ``gt_label`` and a uint8
        ``gt_motion_mask`` ``(1, H, W)``.
    """
    generator = torch.Generator().manual_seed(seed)
    inputs, data_samples = [], []
    for _ in range(batch_size):
        face, mask = torch.randint(0, 256, (4, *input_size), generator=generator).byte().split(3)
        inputs.append(face)
        label = int(torch.randint(num_classes, (1, ), generator=generator))
        data_samples.append(DataSample(gt_motion_mask=mask).set_gt_label(label))
    return dict(inputs=inputs, data_samples=data_samples)


def build_benchmark_optim_wrapper(model: nn.Module, optim_wrapper_cfg: dict, device: str,
                                  amp: bool) -> OptimWrapper:
    """The config's optimiser for ``model``, built quietly.

    With AMP on CUDA it is an ``AmpOptimWrapper`` (fp16 autocast and loss
    scaling). On CPU, AMP is bf16 autocast around the forward (see
    :func:`make_step`): bf16 needs no loss scaling, and mmengine's
    ``AmpOptimWrapper`` refuses to be built without a GPU.
    """
    cfg = copy.deepcopy(ConfigDict(optim_wrapper_cfg))
    cfg.type = 'AmpOptimWrapper' if (amp and device == 'cuda') else 'OptimWrapper'
    # The constructor logs every parameter's paramwise options at INFO.
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        return build_optim_wrapper(model, cfg)
    finally:
        logger.setLevel(level)


def make_step(model: nn.Module,
              batch: dict,
              device: str,
              amp: bool,
              channels_last: bool,
              optim_wrapper: Optional[OptimWrapper] = None) -> Callable[[], None]:
    """One step as the runner's loops run it.

    With ``optim_wrapper`` it is ``BaseModel.train_step``: data preprocessor,
    forward in ``loss`` mode, backward and optimiser step. Without, it is
    ``test_step`` under the test loop's ``no_grad``: a ``predict`` forward.

    Args:
        model (nn.Module): The model (or its compiled wrapper), on ``device``.
        batch (dict): A dataloader batch (see :func:`make_batch`).
        device (str): ``'cpu'`` or ``'cuda'``.
        amp (bool): Mixed precision: the optimiser wrapper's fp16 on CUDA in
            training, autocast otherwise (bf16, the only type CPU autocast
            takes).
        channels_last (bool): Give the network channels-last inputs.
        optim_wrapper (OptimWrapper, optional): The optimiser; None for an
            inference step.

    Returns:
        Callable[[], None]: Runs one step.
    """
    training = optim_wrapper is not None
    use_autocast = amp and not (training and device == 'cuda')
    dtype = torch.float16 if device == 'cuda' else torch.bfloat16

    def step():
        # ``predict`` writes its results into the data samples: give it new
        # ones, as a test loop does (a compiled model would recompile).
        data = batch if training else dict(
            batch, data_samples=[sample.clone() for sample in batch['data_samples']])
        context = optim_wrapper.optim_context(model) if training else torch.no_grad()
        with context, torch.autocast(device, dtype=dtype, enabled=use_autocast):
            data = model.data_preprocessor(data, training)
            if channels_last:
                data['inputs'] = data['inputs'].contiguous(memory_format=torch.channels_last)
            output = model(**data, mode='loss' if training else 'predict')
        if training:
            optim_wrapper.update_params(model.parse_losses(output)[0])

    return step


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Time an FMPN config against the same '
                                     'classifier without the motion prior.')

    parser.add_argument('config', help='an FMPNClassifier config file')
    parser.add_argument('--batch-size', type=int, default=4, help='images per step (default: 4)')
    parser.add_argument(
        '--steps', type=int, default=5, help='timed steps of each model and mode (default: 5)')
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed steps of each model first (default: 1)')
    add_input_size_argument(parser)
    parser.add_argument(
        '--device',
        choices=['cpu', 'cuda'],
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='default: cuda if available, else cpu')
    parser.add_argument(
        '--threads',
        type=int,
        help="CPU threads of torch (default: torch's own); on a shared "
        'CPU, 1 gives the steadiest figures')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 with loss scaling on CUDA, '
        'bf16 autocast on CPU (slow on CPUs without native bf16)')
    parser.add_argument(
        '--channels-last', action='store_true', help='channels-last weights and inputs')
    parser.add_argument(
        '--compile',
        nargs='?',
        const='inductor',
        metavar='BACKEND',
        help="torch.compile both models first (default backend: inductor), as mmengine's "
        'compile=True does; the warm-up steps take the compilation')
    parser.add_argument(
        '--no-memory',
        action='store_true',
        help='skip the peak-memory step (on CPU it runs under torch.profiler, slowly)')
    add_json_argument(parser)
    add_cfg_options_argument(parser)
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.steps < 1 or args.warmup < 0:
        parser.error('--batch-size and --steps must be >= 1, --warmup >= 0')
    if args.device == 'cuda' and not torch.cuda.is_available():
        parser.error('--device cuda: CUDA is not available')
    if args.threads is not None and args.threads < 1:
        parser.error('--threads must be >= 1')
    if args.compile and args.warmup < 1:
        parser.error('--compile: the first call of each model compiles it; '
                     'use --warmup >= 1 so that compiling is not timed')
    return args


def run_benchmark(args: argparse.Namespace) -> dict:
    """Run every measurement; returns the JSON-ready result."""
    cfg = load_config(args.config, args.cfg_options)
    input_size = parse_input_size(args.input_size, cfg)
    fmpn, bare = MODELS.build(cfg.model), MODELS.build(bare_classifier_cfg(cfg.model))
    models = dict(fmpn=fmpn, bare=bare)

    # Inception V3 classifies inside its backbone; other heads do it.
    num_classes = (cfg.model.head.get('num_classes') or cfg.model.backbone.get('num_classes'))
    batch = make_batch(args.batch_size, input_size, num_classes)
    for model in models.values():
        model.to(args.device)
        if args.channels_last:
            model.to(memory_format=torch.channels_last)
    # Compiled wrappers share the modules' parameters and train/eval flags.
    callables = {
        name: torch.compile(model, backend=args.compile) if args.compile else model
        for name, model in models.items()
    }
    options = dict(device=args.device, amp=args.amp, channels_last=args.channels_last)
    optim_wrappers = {
        name: build_benchmark_optim_wrapper(model, cfg.optim_wrapper, args.device, args.amp)
        for name, model in models.items()
    }
    train_steps = {
        name: make_step(callables[name], batch, **options, optim_wrapper=optim_wrappers[name])
        for name in models
    }
    inference_steps = {name: make_step(callables[name], batch, **options) for name in models}

    results = {name: dict() for name in MODEL_NAMES}
    ratios = dict()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        for mode, steps in (('train', train_steps), ('inference', inference_steps)):
            for model in models.values():
                model.train(mode == 'train')
            task = progress.add_task(f'{mode} steps', total=args.warmup + args.steps)
            seconds = time_interleaved(steps, args.steps, args.warmup, args.device,
                                       lambda: progress.advance(task))
            for name in MODEL_NAMES:
                results[name].update(summarize_model(mode, seconds[name], args.batch_size))
                if not args.no_memory:
                    results[name][f'{mode}_peak_memory_mb'] = peak_step_memory(
                        steps[name], args.device) / 2**20
            for clock in ('wall', 'cpu'):
                ratios[f'{mode}_step_{clock}_ratio'] = median_ratio(seconds['fmpn'][clock],
                                                                    seconds['bare'][clock])

    settings = ('config', 'device', 'batch_size', 'amp', 'channels_last', 'compile', 'steps',
                'warmup')
    return dict({key: getattr(args, key)
                 for key in settings},
                device_name=(torch.cuda.get_device_name() if args.device == 'cuda' else
                             platform.processor() or platform.machine()),
                torch_threads=torch.get_num_threads(),
                torch_version=torch.__version__,
                input_size=list(input_size),
                models=results,
                **ratios,
                memory_method=None if args.no_memory else MEMORY_METHODS[args.device])


def summarize_model(mode: str, seconds: dict, batch_size: int) -> dict:
    """``{mode}_step_{clock}_s`` medians and ``_s_all`` lists of one model's
    ``time_interleaved`` seconds, and for inference ``inference_img_per_s``."""
    summary = dict()
    for clock in ('wall', 'cpu'):
        summary[f'{mode}_step_{clock}_s'] = statistics.median(seconds[clock])
        summary[f'{mode}_step_{clock}_s_all'] = seconds[clock]
    if mode == 'inference':
        summary['inference_img_per_s'] = batch_size / summary['inference_step_wall_s']
    return summary


def print_report(result: dict, console: Console) -> None:
    """Print the timing table."""
    settings = [
        result['config'], '{}x{}'.format(*result['input_size']), f'batch {result["batch_size"]}',
        f'{result["device"]} ({result["torch_threads"]} threads)',
        'AMP' if result['amp'] else 'fp32', 'channels-last' if result['channels_last'] else '',
        f'compiled ({result["compile"]})' if result['compile'] else '',
        f'median of {result["steps"]}'
    ]
    console.print('  '.join(setting for setting in settings if setting))
    fmpn, bare = result['models']['fmpn'], result['models']['bare']
    table = Table()
    for column in ('', 'FMPN', 'bare classifier', 'FMPN / bare'):
        table.add_column(column, justify='right' if column else 'left')
    clocks = ['wall'] + (['cpu'] if result['device'] == 'cpu' else [])
    for mode in ('train', 'inference'):
        for clock in clocks:
            key = f'{mode}_step_{clock}_s'
            table.add_row(f'{mode} step, {clock} (s)', f'{fmpn[key]:.3f}', f'{bare[key]:.3f}',
                          f'{result[f"{mode}_step_{clock}_ratio"]:.2f}x')
    table.add_row('inference (img/s)', f'{fmpn["inference_img_per_s"]:.1f}',
                  f'{bare["inference_img_per_s"]:.1f}', '')
    for mode in ('train', 'inference'):
        key = f'{mode}_peak_memory_mb'
        if key in fmpn:
            table.add_row(f'{mode} peak memory (MB)', f'{fmpn[key]:.1f}', f'{bare[key]:.1f}',
                          f'{fmpn[key] / max(bare[key], 1e-9):.2f}x')
    console.print(table)
    if result['memory_method']:
        console.print(f'Peak memory: {result["memory_method"]}.')
    console.print('FMPN / bare: median of the per-round ratios. cpu: CPU '
                  'time of the process (all threads).')


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    console = Console()
    result = run_benchmark(args)
    print_report(result, console)
    write_json_output(args.json, result)
    return 0


if __name__ == '__main__':
    sys.exit(main())
