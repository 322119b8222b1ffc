"""Per-class precision, recall and F1 of a predictions file, and their text forms."""
import json
from typing import Sequence

import numpy as np
import torch
from mmpretrain.evaluation import SingleLabelMetric

#: File endings that :func:`format_class_report` writes.
REPORT_FORMATS = ('.md', '.txt', '.json', '.csv')


def class_report(classes: Sequence[str], pred_labels: np.ndarray, gt_labels: np.ndarray) -> dict:
    """Precision, recall, F1 (in %) and support per class, and their means.

    Args:
        classes (Sequence[str]): Class names.
        pred_labels (np.ndarray): ``(N,)`` predicted labels.
        gt_labels (np.ndarray): ``(N,)`` true labels.

    Returns:
        dict: ``classes`` (a list of dicts with ``class``, ``precision``,
        ``recall``, ``f1``, ``support``), ``macro`` (unweighted means over
        classes with support), ``accuracy`` and ``num_samples``.
    """
    pred_labels, gt_labels = torch.as_tensor(pred_labels), torch.as_tensor(gt_labels)
    precision, recall, f1, support = SingleLabelMetric.calculate(
        pred_labels, gt_labels, average=None, num_classes=len(classes))
    rows = [
        dict(
            **{'class': name},
            precision=round(float(p), 2),
            recall=round(float(r), 2),
            f1=round(float(f), 2),
            support=int(s)) for name, p, r, f, s in zip(classes, precision, recall, f1, support)
    ]
    present = support > 0
    macro = {
        key: round(float(values[present].mean()), 2)
        for key, values in (('precision', precision), ('recall', recall), ('f1', f1))
    }
    return dict(
        classes=rows,
        macro=macro,
        accuracy=round(100 * float((pred_labels == gt_labels).float().mean()), 2),
        num_samples=len(gt_labels))


def format_class_report(report: dict, suffix: str) -> str:
    """Render a report as a Markdown table (.md, .txt), JSON or CSV.

    Args:
        report (dict): From :func:`class_report`.
        suffix (str): One of :data:`REPORT_FORMATS`.

    Returns:
        str: The text, ending with a newline.
    """
    if suffix == '.json':
        return json.dumps(report, indent=2) + '\n'
    if suffix == '.csv':
        lines = ['class,precision,recall,f1,support']
        lines += [
            f'{r["class"]},{r["precision"]},{r["recall"]},{r["f1"]},'
            f'{r["support"]}' for r in report['classes']
        ]
        macro = report['macro']
        lines.append(f'macro,{macro["precision"]},{macro["recall"]},'
                     f'{macro["f1"]},{report["num_samples"]}')
        return '\n'.join(lines) + '\n'
    width = max(len('macro avg'), *(len(r['class']) for r in report['classes']))
    lines = [
        f'| {"class":<{width}} | precision | recall |     F1 | support |',
        f'|{"-" * (width + 2)}|----------:|-------:|-------:|--------:|'
    ]
    rows = [(r['class'], r, r['support']) for r in report['classes']]
    rows.append(('macro avg', report['macro'], report['num_samples']))
    for name, row, support in rows:
        lines.append(f'| {name:<{width}} | {row["precision"]:9.2f} | '
                     f'{row["recall"]:6.2f} | {row["f1"]:6.2f} | '
                     f'{support:7d} |')
    lines.append('')
    lines.append(f'Accuracy: {report["accuracy"]:.2f}% of '
                 f'{report["num_samples"]} samples. Precision, recall and F1 '
                 'in %; the macro average is over classes with samples.')
    return '\n'.join(lines) + '\n'
