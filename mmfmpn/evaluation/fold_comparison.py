"""Compare two k-fold runs fold by fold: is one variant (say the fast mask
generator) within noise of another on the same folds?

Both runs are ``summary.json`` files of ``tools/kfold.py``. Folds pair by
index, so fold-to-fold difficulty cancels; what is left is judged with the
exact two-sided sign-flip (paired permutation) test of the mean difference,
which needs no distributional assumption and is exact for 10 folds.
"""
import itertools
import json
import os.path as osp
from typing import Dict, List, Optional

import numpy as np

from .fold_summary import SUMMARY_JSON

METRICS = ('accuracy', 'motion_mask_mse')
MAX_EXACT_FOLDS = 20  # 2**20 sign patterns


def load_kfold_summary(path: str) -> dict:
    """Read a k-fold summary.

    Args:
        path (str): A ``tools/kfold.py`` work dir, or its ``summary.json``.

    Returns:
        dict: The summary (``folds``: list of per-fold dicts with ``fold``,
        ``accuracy`` and, for FMPN, ``motion_mask_mse``).

    Raises:
        FileNotFoundError: No summary there.
        ValueError: The file is not a k-fold summary.
    """
    file = osp.join(path, SUMMARY_JSON) if osp.isdir(path) else path
    if not osp.isfile(file):
        raise FileNotFoundError(f'No k-fold summary at {file}; run tools/kfold.py with the same '
                                '--work-dir (add --summary-only to aggregate finished folds).')
    with open(file) as handle:
        summary = json.load(handle)
    folds = summary.get('folds') if isinstance(summary, dict) else None
    if not folds or any('fold' not in f or 'accuracy' not in f for f in folds):
        raise ValueError(f'{file} is not a tools/kfold.py summary: expected '
                         '"folds" with "fold" and "accuracy" in each.')
    return summary


def sign_flip_p_value(differences: np.ndarray) -> float:
    """Exact two-sided p-value of the paired sign-flip test.

    Args:
        differences (np.ndarray): Paired differences, shape ``(n, )``,
            ``1 <= n <= 20``.

    Returns:
        float: The share of the ``2**n`` sign patterns whose mean difference
        is at least as far from 0 as the observed one.
    """
    n = len(differences)
    if not 1 <= n <= MAX_EXACT_FOLDS:
        raise ValueError(f'The exact sign-flip test takes 1 to '
                         f'{MAX_EXACT_FOLDS} paired folds, got {n}.')
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=n)))
    means = np.abs(signs @ differences) / n
    observed = abs(differences.mean())
    return float(np.mean(means >= observed - 1e-12 * max(observed, 1.0)))


def compare_fold_summaries(baseline: dict, candidate: dict) -> dict:
    """Pair two k-fold summaries fold by fold.

    Args:
        baseline (dict): Summary of the reference run (e.g. faithful).
        candidate (dict): Summary of the run judged against it (e.g. fast).

    Returns:
        dict: ``folds`` (paired fold indices), ``only_baseline`` and
        ``only_candidate`` (unpaired folds), and ``metrics``: for each metric
        both runs have on every paired fold, ``baseline`` and ``candidate``
        (per-fold values), ``difference`` (candidate - baseline),
        ``mean_difference``, ``std_difference`` (population) and
        ``p_value`` (exact sign-flip test).

    Raises:
        ValueError: The runs share no fold.
    """
    by_fold = [{f['fold']: f for f in s['folds']} for s in (baseline, candidate)]
    paired = sorted(set(by_fold[0]) & set(by_fold[1]))
    if not paired:
        raise ValueError(f'The runs share no fold (baseline: {sorted(by_fold[0])}, '
                         f'candidate: {sorted(by_fold[1])}); compare runs on the same '
                         'folds.')
    comparison = dict(
        folds=paired,
        only_baseline=sorted(set(by_fold[0]) - set(paired)),
        only_candidate=sorted(set(by_fold[1]) - set(paired)),
        metrics={})
    for metric in METRICS:
        values = [[by_fold[i][k].get(metric) for k in paired] for i in (0, 1)]
        if any(v is None for run in values for v in run):
            continue
        base, cand = np.array(values[0]), np.array(values[1])
        difference = cand - base
        comparison['metrics'][metric] = dict(
            baseline=base.tolist(),
            candidate=cand.tolist(),
            difference=difference.tolist(),
            mean_difference=float(difference.mean()),
            std_difference=float(difference.std()),
            p_value=sign_flip_p_value(difference))
    return comparison


def comparison_markdown(comparison: dict, names: Optional[List[str]] = None) -> str:
    """Render :func:`compare_fold_summaries` as Markdown.

    Args:
        comparison (dict): Its result.
        names (list[str], optional): Names of the baseline and candidate
            runs. Defaults to ``['baseline', 'candidate']``.

    Returns:
        str: A per-fold table and one line per metric.
    """
    names = names or ['baseline', 'candidate']
    metrics: Dict[str, dict] = comparison['metrics']
    header = ['fold']
    for metric in metrics:
        header += [f'{metric} {names[0]}', f'{metric} {names[1]}', 'diff']
    lines = ['| ' + ' | '.join(header) + ' |', '|' + ' ---: |' * len(header)]
    fmt = {'accuracy': '{:.2f}', 'motion_mask_mse': '{:.4f}'}
    for row, fold in enumerate(comparison['folds']):
        cells = [str(fold)]
        for metric, result in metrics.items():
            cells += [
                fmt[metric].format(result[key][row])
                for key in ('baseline', 'candidate', 'difference')
            ]
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines.append('')
    for metric, result in metrics.items():
        lines.append(f'- {metric}: {names[1]} - {names[0]} = '
                     f'{fmt[metric].format(result["mean_difference"])} ± '
                     f'{fmt[metric].format(result["std_difference"])} over '
                     f'{len(comparison["folds"])} paired folds, sign-flip '
                     f'p = {result["p_value"]:.3f}')
    for key, name in (('only_baseline', names[0]), ('only_candidate', names[1])):
        if comparison[key]:
            lines.append(f'- folds only in {name}, not compared: '
                         f'{comparison[key]}')
    return '\n'.join(lines) + '\n'
