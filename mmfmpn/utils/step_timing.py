"""Timing and peak memory of steps (callables), for the analysis tools.

General measuring primitives, kept apart from what is measured:
``tools/analysis_tools/benchmark.py`` builds the FMPN and bare-classifier
steps and times them with these.
"""
import statistics
import time
from typing import Callable, Dict, List, Optional, Sequence

import torch
from torch.profiler import ProfilerActivity, profile

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
    """Median of the paired ratios ``numerators[i] / denominators[i]``.

    With the times of two interleaved steps (:func:`time_interleaved`) it is
    robust to load that changes between rounds.
    """
    return statistics.median(a / b for a, b in zip(numerators, denominators))
