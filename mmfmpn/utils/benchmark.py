"""Speed, memory and complexity of an FMPN against its bare classifier.

``tools/analysis_tools/benchmark.py`` is the command line over these
functions. The bare classifier is an ``ImageClassifier`` with the FMPN's own
backbone, neck and head and a plain ``ClsDataPreprocessor`` that normalises
with the FMPN's ``fused_mean``/``fused_std``: the same network without the
motion prior.
"""
import contextlib
import copy
import logging
import statistics
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.config import Config, ConfigDict
from mmengine.logging import MMLogger
from mmengine.optim import OptimWrapper, build_optim_wrapper
from torch.profiler import ProfilerActivity, profile

from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from mmfmpn.models.classifiers.fmpn import IMAGENET_MEAN, IMAGENET_STD

#: The two models every measurement compares, in this order.
MODEL_NAMES = ('fmpn', 'bare')
#: How peak memory is measured on each device type.
MEMORY_METHODS = {
    'cuda': 'torch.cuda.max_memory_allocated during one step, minus what '
    'was allocated before it',
    'cpu': 'peak of live tensor memory during one step, from torch.profiler '
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
    pipeline = (dataloader.get('dataset') or {}).get('pipeline') or cfg.get(
        'test_pipeline') or []
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
                scales.append(scale if isinstance(scale, int) else
                              (scale[1], scale[0]))
            visit(transform.get('transforms', []))

    visit(pipeline)
    sizes = crops or scales
    if not sizes:
        raise ValueError(
            f'{cfg.filename}: the test pipeline has no crop_size nor Resize '
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
        raise ValueError(
            'The benchmark compares an FMPNClassifier with its bare '
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
        data_preprocessor=dict(
            type='ClsDataPreprocessor', mean=mean, std=std, to_rgb=True))
    return MODELS.build(fmpn_cfg), MODELS.build(bare_cfg)


def make_batch(batch_size: int,
               input_size: Sequence[int],
               num_classes: int,
               seed: int = 0) -> dict:
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
            torch.randint(0, 256, (3, height, width), generator=generator,
                          dtype=torch.uint8))
        sample = DataSample().set_gt_label(
            int(torch.randint(num_classes, (1, ), generator=generator)))
        sample.gt_motion_mask = torch.randint(
            0, 256, (1, height, width), generator=generator,
            dtype=torch.uint8)
        data_samples.append(sample)
    return dict(inputs=inputs, data_samples=data_samples)


def part_complexity(fmpn: nn.Module, bare: nn.Module,
                    input_size: Sequence[int]) -> Dict[str, dict]:
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
        result[name] = dict(
            params=parameter_count(module)[''], flops=analyzer.total())
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


def build_benchmark_optim_wrapper(model: nn.Module, optim_wrapper_cfg: dict,
                                  device: str, amp: bool) -> OptimWrapper:
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
    cfg.type = 'AmpOptimWrapper' if (amp and device == 'cuda') else (
        'OptimWrapper')
    # The constructor logs every parameter's paramwise options at INFO.
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        return build_optim_wrapper(model, cfg)
    finally:
        logger.setLevel(level)


def _prepare(model: nn.Module, data: dict, training: bool,
             channels_last: bool) -> dict:
    data = model.data_preprocessor(data, training)
    if channels_last:
        data['inputs'] = data['inputs'].contiguous(
            memory_format=torch.channels_last)
    return data


def make_train_step(model: nn.Module, optim_wrapper: OptimWrapper,
                    batch: dict, device: str, amp: bool,
                    channels_last: bool) -> Callable[[], None]:
    """One training iteration as ``BaseModel.train_step`` runs it: data
    preprocessor, forward in ``loss`` mode (the model's configured phase),
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


def make_inference_step(model: nn.Module, batch: dict, device: str,
                        amp: bool, channels_last: bool) -> Callable[[], None]:
    """One ``predict`` forward of a batch, as ``BaseModel.test_step`` runs
    it under the test loop's ``no_grad``.

    Args: see :func:`make_train_step`; ``model`` is in eval mode.

    Returns:
        Callable[[], None]: Runs one inference of the batch.
    """

    def inference_step():
        # ``predict`` writes its results into the data samples: give it new
        # ones, as a test loop does (a compiled model would recompile).
        fresh = dict(
            batch,
            data_samples=[sample.clone() for sample in batch['data_samples']])
        with torch.no_grad(), autocast_context(device, amp):
            data = _prepare(model, fresh, False, channels_last)
            model(**data, mode='predict')

    return inference_step


def time_interleaved(steps: Dict[str, Callable[[], None]],
                     num_steps: int,
                     warmup: int,
                     device: str,
                     progress: Optional[Callable[[], None]] = None
                     ) -> Dict[str, Dict[str, List[float]]]:
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
    with profile(activities=[ProfilerActivity.CPU],
                 profile_memory=True) as profiler:
        step()
    live = peak = 0
    for event in sorted(profiler.events(), key=lambda e: e.time_range.start):
        live += event.self_cpu_memory_usage
        peak = max(peak, live)
    return peak


def median_ratio(numerators: Sequence[float],
                 denominators: Sequence[float]) -> float:
    """Median of the paired ratios: each round's ``fmpn`` time over its
    ``bare`` time, robust to load that changes between rounds."""
    return statistics.median(a / b for a, b in zip(numerators, denominators))
