"""Aggregate the per-fold test predictions of a k-fold run, as in the FMPN
paper's Tables 1-2: per-fold accuracy, mean and std over folds, and the
confusion matrix summed over folds, each row normalised to 100 %.

The inputs are the JSON files of ``tools/test.py --out preds.json``
(:class:`DumpPredictionsJSON`)::

    {"classes": ["anger", ...],
     "predictions": [{"img_path": ..., "gt_label": 0, "pred_label": 0,
                      "pred_score": [...], "motion_mask_mse": 0.01}, ...]}

``motion_mask_mse`` (FMPN only) is optional; when every record of every fold
has it, the summary also gives the mask error per fold and on average.
"""
import io
import json
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence

import numpy as np
from mmpretrain.evaluation import ConfusionMatrix

from mmfmpn.utils.file_io import write_bytes_atomic, write_text_atomic
from .prediction_dump import read_predictions

SUMMARY_JSON = 'summary.json'
SUMMARY_MARKDOWN = 'summary.md'
CONFUSION_MATRIX_PNG = 'confusion_matrix.png'


def row_normalize(confusion: np.ndarray) -> np.ndarray:
    """Turn a count matrix into percentages of each true class (row).

    Args:
        confusion (np.ndarray): Counts ``(C, C)``, rows true, columns
            predicted.

    Returns:
        np.ndarray: ``(C, C)`` float, each row summing to 100 (rows of a
        class with no test sample stay 0).
    """
    totals = confusion.sum(axis=1, keepdims=True).astype(np.float64)
    return 100.0 * confusion / np.maximum(totals, 1.0)


def summarize_folds(fold_prediction_files: Mapping[int, str],
                    classes: Optional[Sequence[str]] = None) -> dict:
    """Aggregate the test predictions of several folds.

    Args:
        fold_prediction_files (Mapping[int, str]): Fold index -> its
            prediction JSON.
        classes (Sequence[str], optional): Class names in label order.
            Defaults to None (take them from the JSON files).

    Returns:
        dict: ``classes``; ``folds``, a list of ``{fold, num_samples,
        num_correct, accuracy}`` sorted by fold; ``mean_accuracy`` and
        ``std_accuracy`` over folds (population std, ddof=0), and
        ``pooled_accuracy`` over all test samples, all in %;
        ``confusion_matrix`` (summed counts, rows true, columns predicted)
        and ``confusion_matrix_percent`` (rows normalised to 100). When
        every fold has per-sample mask errors, each fold also has
        ``motion_mask_mse`` (its mean) and the summary
        ``mean_motion_mask_mse`` and ``std_motion_mask_mse`` over folds.

    Raises:
        ValueError: No fold is given, or the folds disagree on the classes.
    """
    if not fold_prediction_files:
        raise ValueError('summarize_folds: no fold predictions given.')
    loaded = {fold: read_predictions(path) for fold, path in sorted(fold_prediction_files.items())}
    if classes is None:
        classes = next((f.classes for f in loaded.values() if f.named_classes), None)
    for fold, predictions in loaded.items():
        if (classes is not None and predictions.named_classes
                and list(predictions.classes) != list(classes)):
            raise ValueError(f'{fold_prediction_files[fold]}: classes '
                             f'{predictions.classes} differ from {list(classes)}; '
                             'every fold must be tested with the same class list.')
    largest_label = max(int(max(f.gt_labels.max(), f.pred_labels.max())) for f in loaded.values())
    num_classes = len(classes) if classes is not None else largest_label + 1
    if largest_label >= num_classes:
        raise ValueError(f'summarize_folds: label {largest_label} is outside '
                         f'the {num_classes} classes {list(classes)}.')

    has_masks = all(f.motion_mask_mse is not None for f in loaded.values())
    confusion = np.zeros((num_classes, num_classes), dtype=np.int64)
    folds = []
    for fold, predictions in loaded.items():
        confusion += ConfusionMatrix.calculate(
            predictions.pred_labels, predictions.gt_labels, num_classes=num_classes).numpy()
        num_correct = int((predictions.pred_labels == predictions.gt_labels).sum())
        num_samples = len(predictions.gt_labels)
        folds.append(
            dict(
                fold=fold,
                num_samples=num_samples,
                num_correct=num_correct,
                accuracy=100.0 * num_correct / num_samples))
        if has_masks:
            folds[-1]['motion_mask_mse'] = float(predictions.motion_mask_mse.mean())
    accuracies = np.array([f['accuracy'] for f in folds])
    mask_summary = dict()
    if has_masks:
        mask_errors = np.array([f['motion_mask_mse'] for f in folds])
        mask_summary = dict(
            mean_motion_mask_mse=float(mask_errors.mean()),
            std_motion_mask_mse=float(mask_errors.std()))
    return dict(
        classes=list(classes) if classes is not None else [str(c) for c in range(num_classes)],
        folds=folds,
        mean_accuracy=float(accuracies.mean()),
        std_accuracy=float(accuracies.std()),
        pooled_accuracy=100.0 * sum(f['num_correct'] for f in folds) / sum(f['num_samples']
                                                                           for f in folds),
        confusion_matrix=confusion.tolist(),
        confusion_matrix_percent=row_normalize(confusion).tolist(),
        **mask_summary)


def summary_markdown(summary: dict, title: str = 'k-fold results') -> str:
    """Render a summary as Markdown: per-fold table, mean ± std, and the
    row-normalised confusion matrix (rows true, columns predicted, %).

    Args:
        summary (dict): From :func:`summarize_folds`.
        title (str): First heading. Defaults to 'k-fold results'.

    Returns:
        str: The Markdown text.
    """
    has_masks = 'mean_motion_mask_mse' in summary
    mask_header = ' motion mask MSE |' if has_masks else ''
    lines = [
        f'# {title}', '', '| fold | test images | accuracy (%) |' + mask_header,
        '| ---: | ---: | ---: |' + (' ---: |' if has_masks else '')
    ]
    lines += [
        f'| {f["fold"]} | {f["num_samples"]} | {f["accuracy"]:.2f} |' +
        (f' {f["motion_mask_mse"]:.4f} |' if has_masks else '') for f in summary['folds']
    ]
    lines += [
        '', f'**Accuracy: {summary["mean_accuracy"]:.2f} ± '
        f'{summary["std_accuracy"]:.2f} %** (mean ± std over '
        f'{len(summary["folds"])} fold(s); pooled over all test images: '
        f'{summary["pooled_accuracy"]:.2f} %)'
    ]
    if has_masks:
        lines += [
            '', f'**Motion mask MSE: {summary["mean_motion_mask_mse"]:.4f} ± '
            f'{summary["std_motion_mask_mse"]:.4f}** (mean ± std over folds)'
        ]
    lines += [
        '', '## Confusion matrix (%, rows: true class, columns: predicted)', '',
        '| true \\ predicted | ' + ' | '.join(summary['classes']) + ' |',
        '| --- |' + ' ---: |' * len(summary['classes'])
    ]
    lines += [
        f'| {name} | ' + ' | '.join(f'{value:.1f}' for value in row) + ' |'
        for name, row in zip(summary['classes'], summary['confusion_matrix_percent'])
    ]
    return '\n'.join(lines) + '\n'


def plot_confusion_matrix(matrix: Sequence[Sequence[float]],
                          classes: Sequence[str],
                          title: str = 'Confusion matrix (%)',
                          percent: bool = True):
    """Draw a confusion matrix with its values (rows true, columns predicted).

    Args:
        matrix (Sequence[Sequence[float]]): ``(C, C)``, in % of each true class
            (``percent``) or counts.
        classes (Sequence[str]): The C class names.
        title (str): Figure title. Defaults to 'Confusion matrix (%)'.
        percent (bool): Values are row percentages (shown with one decimal on a
            0-100 scale) rather than counts. Defaults to True.

    Returns:
        matplotlib.figure.Figure: The figure (not shown; close it after use).
    """
    # mmpretrain's ConfusionMatrix.plot formats values with 'd', which fails
    # on percentages; the Agg figure below also needs no display.
    from matplotlib.figure import Figure

    matrix = np.asarray(matrix, dtype=np.float64)
    vmax = 100.0 if percent else max(float(matrix.max()), 1.0)
    figure = Figure(figsize=(1.1 * len(classes) + 2, 1.1 * len(classes) + 1))
    axes = figure.add_subplot()
    image = axes.imshow(matrix, cmap='Blues', vmin=0, vmax=vmax)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    for (row, col), value in np.ndenumerate(matrix):
        axes.text(
            col,
            row,
            f'{value:.1f}' if percent else f'{value:.0f}',
            ha='center',
            va='center',
            color='white' if value > vmax / 2 else 'black',
            fontsize=9)
    ticks = np.arange(len(classes))
    axes.set(
        xticks=ticks,
        yticks=ticks,
        xticklabels=classes,
        yticklabels=classes,
        xlabel='Predicted',
        ylabel='True',
        title=title)
    axes.tick_params(axis='x', labelrotation=45)
    figure.tight_layout()
    return figure


def figure_png(figure) -> bytes:
    """The PNG file content of a figure (100 dpi)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format='png', dpi=100)
    return buffer.getvalue()


def write_summary(summary: dict, out_dir: str, title: str = 'k-fold results') -> Dict[str, str]:
    """Write ``summary.json``, ``summary.md`` and ``confusion_matrix.png``
    into ``out_dir``, each atomically.

    Args:
        summary (dict): From :func:`summarize_folds`.
        out_dir (str): The folder; created if needed.
        title (str): Heading of the Markdown and the figure.
            Defaults to 'k-fold results'.

    Returns:
        dict[str, str]: ``json``, ``markdown`` and ``confusion_matrix``
        paths.
    """
    paths = dict(
        json=osp.join(out_dir, SUMMARY_JSON),
        markdown=osp.join(out_dir, SUMMARY_MARKDOWN),
        confusion_matrix=osp.join(out_dir, CONFUSION_MATRIX_PNG))
    write_text_atomic(paths['json'], json.dumps(summary, indent=2) + '\n')
    write_text_atomic(paths['markdown'], summary_markdown(summary, title))
    spread = (f' ± {summary["std_accuracy"]:.2f}' if len(summary['folds']) > 1 else '')
    figure = plot_confusion_matrix(
        summary['confusion_matrix_percent'],
        summary['classes'],
        title=f'{title}: {summary["mean_accuracy"]:.2f}{spread} %')
    write_bytes_atomic(paths['confusion_matrix'], figure_png(figure))
    return paths


def format_fold_table(summary: dict) -> List[str]:
    """Console lines: one per fold, then the mean ± std.

    Args:
        summary (dict): From :func:`summarize_folds`.

    Returns:
        list[str]: The lines, without newlines.
    """
    has_masks = 'mean_motion_mask_mse' in summary
    lines = [
        f'{"fold":>4}  {"test images":>11}  {"accuracy (%)":>12}' +
        (f'  {"mask MSE":>8}' if has_masks else '')
    ]
    lines += [
        f'{f["fold"]:>4}  {f["num_samples"]:>11}  {f["accuracy"]:>12.2f}' +
        (f'  {f["motion_mask_mse"]:>8.4f}' if has_masks else '') for f in summary['folds']
    ]
    num_folds = len(summary['folds'])
    lines.append(f'mean ± std accuracy over {num_folds} '
                 f'fold{"s" if num_folds > 1 else ""}: '
                 f'{summary["mean_accuracy"]:.2f} ± '
                 f'{summary["std_accuracy"]:.2f} % (pooled '
                 f'{summary["pooled_accuracy"]:.2f} %)')
    if has_masks:
        lines.append(f'mean ± std motion mask MSE: '
                     f'{summary["mean_motion_mask_mse"]:.4f} ± '
                     f'{summary["std_motion_mask_mse"]:.4f}')
    return lines
