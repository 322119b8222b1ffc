"""What the motion prior costs: an FMPN config against its bare classifier.

In one process, with the two models' steps interleaved (A B, B A, ...) so that
machine load hits both alike, on random data at the config's input size:

- training-step time (data preprocessor, forward in ``loss`` mode,
  backward, optimiser step of the config's optimiser),
- inference throughput (``predict`` under ``no_grad``),
- peak step memory,
- parameters and FLOPs of each FMPN part (mask generator, fusion net,
  backbone + neck + head).

The bare model is an ``ImageClassifier`` with the same backbone, neck and head
and a plain ``ClsDataPreprocessor``. Pretrained initialisation is switched off,
so nothing is downloaded.

The measuring functions live here with their one command line (they served no other).

Usage:
    python tools/analysis_tools/benchmark.py \
        configs/fmpn/fmpn_inceptionv3_ckplus.py --batch-size 4 --steps 5 \
        --threads 1 --json work_dirs/benchmark.json
"""
import argparse
import contextlib
import copy
import json
import logging
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config, ConfigDict, DictAction
from mmengine.logging import MMLogger
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from torch.profiler import ProfilerActivity, profile

import mmfmpn  # noqa: F401  registers the FMPN modules
from mmfmpn.models.classifiers.fmpn import IMAGENET_MEAN, IMAGENET_STD
from mmfmpn.utils.file_io import write_text_atomic

#: The two models every measurement compares, in this order.
MODEL_NAMES = ('fmpn', 'bare')
#: How peak memory is measured on each device type.
MEMORY_METHODS = {
    'cuda':
    'torch.cuda.max_memory_allocated during one step, minus what '
    'was allocated before it',
    'cpu':
    'peak of live tensor memory during one step, from torch.profiler '
    'allocation events at operator granularity (temporary buffers freed '
    'inside an operator are not seen)',
}


def find_input_size(cfg: Config) -> Tuple[int, int]:
    """The network input size of a config: the crop of its test pipeline.

    Args:
        cfg (Config): A config with ``test_dataloader.dataset.pipeline`` (or
            ``test_pipeline``).

    Returns:
        tuple[int, int]: ``(height, width)`` of the last ``crop_size`` in the
        test pipeline (transforms nested in wrappers included), or of the
        last ``Resize`` scale if nothing crops.

    Raises:
        ValueError: The test pipeline has neither a crop nor a fixed resize.
    """
    dataloader = cfg.get('test_dataloader') or {}
    pipeline = (dataloader.get('dataset') or {}).get('pipeline') or cfg.get('test_pipeline') or []
    crops, scales = [], []

    def visit(transform):
        if isinstance(transform, (list, tuple)):
            for child in transform:
                visit(child)
        elif isinstance(transform, dict):
            if 'crop_size' in transform:
                crops.append(transform['crop_size'])
            if transform.get('type') == 'Resize' and 'scale' in transform:
                # mmcv's Resize scale is (width, height).
                scale = transform['scale']
                scales.append(scale if isinstance(scale, int) else (scale[1], scale[0]))
            visit(transform.get('transforms', []))

    visit(pipeline)
    sizes = crops or scales
    if not sizes:
        raise ValueError(f'{cfg.filename}: the test pipeline has no crop_size nor Resize '
                         'scale to take the input size from; pass --input-size.')
    size = sizes[-1]
    return (size, size) if isinstance(size, int) else tuple(size)


def build_fmpn_and_bare(model_cfg: dict) -> Tuple[nn.Module, nn.Module]:
    """Build a config's FMPN and the same classifier without the prior.

    Pretrained initialisation is switched off (``init_cfg=None``), so nothing
    is downloaded; the weights are the modules' default initialisation.

    Args:
        model_cfg (dict): ``cfg.model`` of an ``FMPNClassifier`` config.

    Returns:
        tuple[nn.Module, nn.Module]: The FMPN and the bare
        ``ImageClassifier`` (backbone, neck, head of ``model_cfg``, with a
        ``ClsDataPreprocessor`` normalising by ``fused_mean``/``fused_std``).

    Raises:
        ValueError: ``model_cfg`` is not an ``FMPNClassifier``.
    """
    fmpn_cfg = copy.deepcopy(ConfigDict(model_cfg))
    if fmpn_cfg.get('type') != 'FMPNClassifier':
        raise ValueError('The benchmark compares an FMPNClassifier with its bare '
                         f'classifier; model.type is {fmpn_cfg.get("type")}.')
    fmpn_cfg.init_cfg = None
    fmpn_cfg.pretrained = None
    fmpn_cfg.backbone.init_cfg = None
    mean = [255 * m for m in fmpn_cfg.get('fused_mean', IMAGENET_MEAN)]
    std = [255 * s for s in fmpn_cfg.get('fused_std', IMAGENET_STD)]
    bare_cfg = dict(
        type='ImageClassifier',
        backbone=copy.deepcopy(fmpn_cfg.backbone),
        neck=copy.deepcopy(fmpn_cfg.get('neck')),
        head=copy.deepcopy(fmpn_cfg.get('head')),
        data_preprocessor=dict(type='ClsDataPreprocessor', mean=mean, std=std, to_rgb=True))
    return MODELS.build(fmpn_cfg), MODELS.build(bare_cfg)


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
    height, width = input_size
    inputs, data_samples = [], []
    for _ in range(batch_size):
        inputs.append(
            torch.randint(0, 256, (3, height, width), generator=generator, dtype=torch.uint8))
        sample = DataSample().set_gt_label(
            int(torch.randint(num_classes, (1, ), generator=generator)))
        sample.gt_motion_mask = torch.randint(
            0, 256, (1, height, width), generator=generator, dtype=torch.uint8)
        data_samples.append(sample)
    return dict(inputs=inputs, data_samples=data_samples)


def part_complexity(fmpn: nn.Module, bare: nn.Module, input_size: Sequence[int]) -> Dict[str, dict]:
    """Parameters and FLOPs of one image through each part of the FMPN.

    FLOPs follow mmengine's (fvcore's) convention: one multiply-add counts
    one FLOP, and element-wise operations (norms, activations, resizes) are
    not counted.

    Args:
        fmpn (nn.Module): The FMPN.
        bare (nn.Module): Its bare classifier (the ``classifier`` part: same
            backbone, neck and head).
        input_size (Sequence[int]): ``(height, width)``.

    Returns:
        dict[str, dict]: ``mask_generator``, ``fusion``, ``classifier`` and
        ``fmpn_total``, each with ``params`` and ``flops`` (per image).
    """
    height, width = input_size
    rgb = torch.rand(1, 3, height, width)
    gray = torch.rand(1, 1, height, width)
    parts = dict(
        mask_generator=(fmpn.mask_generator, (gray, )),
        fusion=(fmpn.fusion, (rgb, gray)),
        classifier=(bare, (rgb, )))
    result = dict()
    for name, (module, inputs) in parts.items():
        was_training = module.training
        module.eval()
        analyzer = FlopAnalyzer(module, inputs)
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        result[name] = dict(params=parameter_count(module)[''], flops=analyzer.total())
        module.train(was_training)
    result['fmpn_total'] = {
        key: sum(result[name][key] for name in parts)
        for key in ('params', 'flops')
    }
    return result


def autocast_context(device: str, amp: bool):
    """Autocast for mixed precision.

    Args:
        device (str): ``'cuda'`` (fp16) or ``'cpu'`` (bf16, the only type CPU
            autocast takes).
        amp (bool): False gives a context that does nothing.

    Returns:
        A context manager.
    """
    if not amp:
        return contextlib.nullcontext()
    dtype = torch.float16 if device == 'cuda' else torch.bfloat16
    return torch.autocast(device_type=device, dtype=dtype)


def build_benchmark_optim_wrapper(model: nn.Module, optim_wrapper_cfg: dict, device: str,
                                  amp: bool) -> OptimWrapper:
    """The config's optimiser for ``model``.

    With AMP on CUDA it is an ``AmpOptimWrapper`` (fp16 autocast and loss
    scaling). On CPU, AMP is bf16 autocast around the forward (see
    :func:`make_train_step`): bf16 needs no loss scaling, and mmengine's
    ``AmpOptimWrapper`` refuses to be built without a GPU.

    Args:
        model (nn.Module): The model to optimise.
        optim_wrapper_cfg (dict): ``cfg.optim_wrapper`` (its ``type`` is
            replaced).
        device (str): ``'cpu'`` or ``'cuda'``.
        amp (bool): Mixed precision.

    Returns:
        OptimWrapper: The optimiser wrapper.
    """
    cfg = copy.deepcopy(ConfigDict(optim_wrapper_cfg))
    cfg.type = 'AmpOptimWrapper' if (amp and device == 'cuda') else ('OptimWrapper')
    # The constructor logs every parameter's paramwise options at INFO.
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        return build_optim_wrapper(model, cfg)
    finally:
        logger.setLevel(level)


def _prepare(model: nn.Module, data: dict, training: bool, channels_last: bool) -> dict:
    data = model.data_preprocessor(data, training)
    if channels_last:
        data['inputs'] = data['inputs'].contiguous(memory_format=torch.channels_last)
    return data


def make_train_step(model: nn.Module, optim_wrapper: OptimWrapper, batch: dict, device: str,
                    amp: bool, channels_last: bool) -> Callable[[], None]:
    """One training iteration as ``BaseModel.train_step`` runs it: data
    preprocessor, forward in ``loss`` mode,
    backward and optimiser step.

    Args:
        model (nn.Module): The model, on ``device``, in train mode.
        optim_wrapper (OptimWrapper): Its optimiser.
        batch (dict): A dataloader batch (see :func:`make_batch`).
        device (str): ``'cpu'`` or ``'cuda'``.
        amp (bool): Mixed precision (see :func:`autocast_context`).
        channels_last (bool): Give the network channels-last inputs.

    Returns:
        Callable[[], None]: Runs one iteration.
    """

    def train_step():
        cpu_autocast = autocast_context(device, amp and device == 'cpu')
        with optim_wrapper.optim_context(model), cpu_autocast:
            data = _prepare(model, batch, True, channels_last)
            losses = model(**data, mode='loss')
        loss, _ = model.parse_losses(losses)
        optim_wrapper.update_params(loss)

    return train_step


def make_inference_step(model: nn.Module, batch: dict, device: str, amp: bool,
                        channels_last: bool) -> Callable[[], None]:
    """One ``predict`` forward of a batch, as ``BaseModel.test_step`` runs
    it under the test loop's ``no_grad``.

    Args: see :func:`make_train_step`; ``model`` is in eval mode.

    Returns:
        Callable[[], None]: Runs one inference of the batch.
    """

    def inference_step():
        # ``predict`` writes its results into the data samples: give it new
        # ones, as a test loop does (a compiled model would recompile).
        fresh = dict(batch, data_samples=[sample.clone() for sample in batch['data_samples']])
        with torch.no_grad(), autocast_context(device, amp):
            data = _prepare(model, fresh, False, channels_last)
            model(**data, mode='predict')

    return inference_step


def time_interleaved(
        steps: Dict[str, Callable[[], None]],
        num_steps: int,
        warmup: int,
        device: str,
        progress: Optional[Callable[[], None]] = None) -> Dict[str, Dict[str, List[float]]]:
    """Time several step functions in alternating order (A B, B A, ...), so
    that drifting machine load hits all of them alike.

    Both the wall-clock time and the CPU time of the process are taken: on a
    shared CPU the wall clock also counts the time other processes hold the
    cores, the CPU time mostly does not (with one torch thread it is the
    step's own work).

    Args:
        steps (dict[str, Callable]): Named step functions.
        num_steps (int): Timed calls of each.
        warmup (int): Untimed calls of each first.
        device (str): ``'cuda'`` synchronises around every call.
        progress (Callable, optional): Called after every round.

    Returns:
        dict[str, dict[str, list[float]]]: Per name, ``wall`` and ``cpu``
        seconds of each timed call.
    """

    def synchronize():
        if device == 'cuda':
            torch.cuda.synchronize()

    names = list(steps)
    seconds = {name: dict(wall=[], cpu=[]) for name in names}
    for round_index in range(warmup + num_steps):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            synchronize()
            wall, cpu = time.perf_counter(), time.process_time()
            steps[name]()
            synchronize()
            if round_index >= warmup:
                seconds[name]['wall'].append(time.perf_counter() - wall)
                seconds[name]['cpu'].append(time.process_time() - cpu)
        if progress is not None:
            progress()
    return seconds


def peak_step_memory(step: Callable[[], None], device: str) -> int:
    """Peak tensor memory one call of ``step`` allocates, in bytes, above
    what is allocated before it (see :data:`MEMORY_METHODS`).

    Args:
        step (Callable[[], None]): The step to measure (run once, untimed).
        device (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        int: Bytes.
    """
    if device == 'cuda':
        torch.cuda.synchronize()
        before = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        step()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - before
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as profiler:
        step()
    live = peak = 0
    for event in sorted(profiler.events(), key=lambda e: e.time_range.start):
        live += event.self_cpu_memory_usage
        peak = max(peak, live)
    return peak


def median_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """Median of the paired ratios: each round's ``fmpn`` time over its
    ``bare`` time, robust to load that changes between rounds."""
    return statistics.median(a / b for a, b in zip(numerators, denominators))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Time and size an FMPN config against the same '
                                     'classifier without the motion prior.')
    parser.add_argument('config', help='an FMPNClassifier config file')
    parser.add_argument('--batch-size', type=int, default=4, help='images per step (default: 4)')
    parser.add_argument(
        '--steps',
        type=int,
        default=5,
        help='timed steps of each model, for training and '
        'for inference (default: 5)')
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed steps of each model first (default: 1)')
    parser.add_argument(
        '--input-size',
        type=int,
        nargs='+',
        metavar='SIZE',
        help='input HEIGHT [WIDTH] (default: the crop of the test pipeline)')
    parser.add_argument(
        '--device',
        choices=['cpu', 'cuda'],
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='default: cuda if available, else cpu')
    parser.add_argument(
        '--threads',
        type=int,
        help="CPU threads of torch (default: torch's own); on a CPU shared "
        'with other jobs, 1 gives the steadiest figures')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 with loss scaling on '
        'CUDA, bf16 autocast on CPU (slow on CPUs without '
        'native bf16)')
    parser.add_argument(
        '--channels-last', action='store_true', help='channels-last weights and inputs')
    parser.add_argument(
        '--compile',
        nargs='?',
        const='inductor',
        metavar='BACKEND',
        help='torch.compile both models first (backend default: inductor), '
        "as mmengine's compile=True does for training; the warm-up steps "
        'take the compilation')
    parser.add_argument(
        '--no-memory',
        action='store_true',
        help='skip the peak-memory step (on CPU it runs '
        'under torch.profiler, slowly)')
    parser.add_argument(
        '--no-complexity', action='store_true', help='skip counting parameters and FLOPs')
    parser.add_argument('--json', metavar='OUT', help='also write the results to this JSON file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. '
        'model.mask_generator.working_size=70')
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.steps < 1 or args.warmup < 0:
        parser.error('--batch-size and --steps must be >= 1, --warmup >= 0')
    if args.input_size is not None and len(args.input_size) > 2:
        parser.error('--input-size takes HEIGHT [WIDTH]')
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
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    if args.input_size is None:
        input_size = find_input_size(cfg)
    else:
        input_size = (args.input_size[0], args.input_size[-1])
    fmpn, bare = build_fmpn_and_bare(cfg.model)
    models = dict(fmpn=fmpn, bare=bare)
    complexity = None if args.no_complexity else part_complexity(fmpn, bare, input_size)

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
    train_steps = {
        name:
        make_train_step(
            callables[name],
            build_benchmark_optim_wrapper(model, cfg.optim_wrapper, args.device, args.amp), batch,
            args.device, args.amp, args.channels_last)
        for name, model in models.items()
    }
    inference_steps = {
        name: make_inference_step(callables[name], batch, args.device, args.amp, args.channels_last)
        for name in models
    }

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

    return dict(
        config=args.config,
        device=args.device,
        device_name=(torch.cuda.get_device_name()
                     if args.device == 'cuda' else platform.processor() or platform.machine()),
        torch_threads=torch.get_num_threads(),
        torch_version=torch.__version__,
        batch_size=args.batch_size,
        input_size=list(input_size),
        amp=args.amp,
        channels_last=args.channels_last,
        compile=args.compile,
        steps=args.steps,
        warmup=args.warmup,
        models=results,
        **ratios,
        memory_method=None if args.no_memory else MEMORY_METHODS[args.device],
        complexity=complexity)


def summarize_model(mode: str, seconds: dict, batch_size: int) -> dict:
    """Median and all step times of one model (and img/s for inference).

    Args:
        mode (str): ``'train'`` or ``'inference'``.
        seconds (dict): ``wall`` and ``cpu`` lists from ``time_interleaved``.
        batch_size (int): Images per step.

    Returns:
        dict: ``{mode}_step_{clock}_s`` medians, ``{mode}_step_{clock}_s_all``
        lists and, for inference, ``inference_img_per_s`` (wall clock).
    """
    summary = dict()
    for clock in ('wall', 'cpu'):
        summary[f'{mode}_step_{clock}_s'] = statistics.median(seconds[clock])
        summary[f'{mode}_step_{clock}_s_all'] = seconds[clock]
    if mode == 'inference':
        summary['inference_img_per_s'] = (batch_size / summary['inference_step_wall_s'])
    return summary


def print_report(result: dict, console: Console) -> None:
    """Print the timing table and the per-part complexity table."""
    precision = 'AMP' if result['amp'] else 'fp32'
    compiled = (f'  compiled ({result["compile"]})' if result.get('compile') else '')
    title = (f'{result["config"]}  '
             f'{result["input_size"][0]}x{result["input_size"][1]}  '
             f'batch {result["batch_size"]}  {result["device"]} '
             f'({result["torch_threads"]} threads)  {precision}'
             f'{"  channels-last" if result["channels_last"] else ""}'
             f'{compiled}  '
             f'median of {result["steps"]}')
    fmpn, bare = result['models']['fmpn'], result['models']['bare']
    console.print(title)
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
    if result['complexity']:
        parts = Table(title='Parameters and FLOPs per image '
                      '(a multiply-add is one FLOP)')
        for column in ('part', 'params (M)', 'GFLOPs', 'share of FLOPs'):
            parts.add_column(column, justify='left' if column == 'part' else 'right')
        total = result['complexity']['fmpn_total']['flops']
        labels = dict(
            mask_generator='mask generator',
            fusion='fusion net',
            classifier='backbone + neck + head',
            fmpn_total='FMPN total')
        for name, label in labels.items():
            part = result['complexity'][name]
            parts.add_row(label, f'{part["params"] / 1e6:.3f}', f'{part["flops"] / 1e9:.3f}',
                          f'{100 * part["flops"] / total:.1f}%')
        console.print(parts)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    console = Console()
    result = run_benchmark(args)
    print_report(result, console)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(args.json, json.dumps(result, indent=2) + '\n')
        console.print(f'Wrote {args.json}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
