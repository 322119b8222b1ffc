"""Confusion matrix and per-class precision / recall / F1 of saved predictions.

Reads the JSON of ``tools/test.py CONFIG CKPT --out preds.json``
(``{"classes": [...], "predictions": [{img_path, gt_label, pred_label,
pred_score}, ...]}``) and writes a confusion-matrix PNG and a per-class
report.

Usage::

    python tools/analysis_tools/confusion_matrix.py preds.json \
        [--out-file cm.png] [--report-file report.md] [--normalize]
"""
import argparse
import io
import json
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')  # files only, no display needed

import torch  # noqa: E402
from mmpretrain.evaluation import (ConfusionMatrix,  # noqa: E402
                                   SingleLabelMetric)

from mmfmpn.utils.file_io import (write_bytes_atomic,  # noqa: E402
                                  write_text_atomic)

REPORT_FORMATS = ('.md', '.txt', '.json', '.csv')


def load_predictions(path: str) -> Tuple[List[str], torch.Tensor,
                                         torch.Tensor]:
    """Read a ``tools/test.py --out`` JSON file.

    Args:
        path (str): The JSON file.

    Returns:
        tuple: Class names (indices as strings when the file has none),
        predicted labels ``(N,)`` and true labels ``(N,)`` (int64).

    Raises:
        SystemExit: The file is missing, not such JSON, or has no true
            labels.
    """
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f'{path}: no such file; write it with tools/test.py '
                         'CONFIG CHECKPOINT --out preds.json.')
    try:
        content = json.loads(file.read_text())
    except ValueError as error:
        raise SystemExit(f'{path}: not valid JSON ({error}).') from error
    predictions = content.get('predictions') if isinstance(content,
                                                           dict) else None
    if not predictions:
        raise SystemExit(f'{path}: expected {{"classes": [...], '
                         '"predictions": [...]}} with at least one prediction '
                         '(tools/test.py --out writes it).')
    try:
        pred_labels = [int(p['pred_label']) for p in predictions]
        gt_labels = [p['gt_label'] for p in predictions]
        num_scores = max(len(p.get('pred_score') or []) for p in predictions)
    except (KeyError, TypeError, ValueError) as error:
        raise SystemExit(f'{path}: a prediction lacks pred_label or has a '
                         f'malformed field ({error!r}).') from error
    missing = [
        p.get('img_path', i) for i, (p, gt) in enumerate(
            zip(predictions, gt_labels)) if gt is None
    ]
    if missing:
        raise SystemExit(f'{path}: {len(missing)} predictions have no '
                         f'gt_label (e.g. {missing[0]}); a confusion matrix '
                         'needs a labelled test split.')
    gt_labels = [int(gt) for gt in gt_labels]
    classes = content.get('classes')
    num_classes = len(classes) if classes else max(
        num_scores, max(pred_labels + gt_labels) + 1)
    out_of_range = [
        label for label in pred_labels + gt_labels
        if not 0 <= label < num_classes
    ]
    if out_of_range:
        raise SystemExit(f'{path}: label {out_of_range[0]} is outside 0..'
                         f'{num_classes - 1} ({num_classes} classes).')
    classes = list(classes) if classes else [
        str(i) for i in range(num_classes)
    ]
    return classes, torch.tensor(pred_labels), torch.tensor(gt_labels)


def per_class_report(classes: Sequence[str], pred_labels: torch.Tensor,
                     gt_labels: torch.Tensor) -> dict:
    """Precision, recall, F1 (in %) and support per class, and their means.

    Args:
        classes (Sequence[str]): Class names.
        pred_labels (Tensor): ``(N,)`` predicted labels.
        gt_labels (Tensor): ``(N,)`` true labels.

    Returns:
        dict: ``classes`` (a list of dicts with ``class``, ``precision``,
        ``recall``, ``f1``, ``support``), ``macro`` (unweighted means over
        classes with support), ``accuracy`` and ``num_samples``.
    """
    precision, recall, f1, support = SingleLabelMetric.calculate(
        pred_labels, gt_labels, average=None, num_classes=len(classes))
    rows = [
        dict(
            **{'class': name},
            precision=round(float(p), 2),
            recall=round(float(r), 2),
            f1=round(float(f), 2),
            support=int(s)) for name, p, r, f, s in zip(
                classes, precision, recall, f1, support)
    ]
    present = support > 0
    macro = {
        key: round(float(values[present].mean()), 2)
        for key, values in (('precision', precision), ('recall', recall),
                            ('f1', f1))
    }
    return dict(
        classes=rows,
        macro=macro,
        accuracy=round(100 * float((pred_labels == gt_labels).float().mean()),
                       2),
        num_samples=len(gt_labels))


def format_report(report: dict, suffix: str) -> str:
    """Render the report as a Markdown table (.md, .txt), JSON or CSV."""
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
    width = max(len('macro avg'), *(len(r['class'])
                                    for r in report['classes']))
    lines = [
        f'| {"class":<{width}} | precision | recall |     F1 | support |',
        f'|{"-" * (width + 2)}|----------:|-------:|-------:|--------:|'
    ]
    macro = report['macro']
    for name, row, support in [(r['class'], r, r['support'])
                               for r in report['classes']] + [
                                   ('macro avg', macro, report['num_samples'])
                               ]:
        lines.append(f'| {name:<{width}} | {row["precision"]:9.2f} | '
                     f'{row["recall"]:6.2f} | {row["f1"]:6.2f} | '
                     f'{support:7d} |')
    lines.append('')
    lines.append(f'Accuracy: {report["accuracy"]:.2f}% of '
                 f'{report["num_samples"]} samples. Precision, recall and F1 '
                 'in %; the macro average is over classes with samples.')
    return '\n'.join(lines) + '\n'


def plot_confusion_matrix(matrix: torch.Tensor, classes: Sequence[str],
                          normalize: bool, title: Optional[str]) -> bytes:
    """The confusion matrix as PNG bytes (mmpretrain's plot).

    Args:
        matrix (Tensor): ``(C, C)`` counts, rows are true classes.
        classes (Sequence[str]): Class names.
        normalize (bool): Show each row in % of its true class.
        title (str, optional): Figure title.

    Returns:
        bytes: The PNG file content.
    """
    import matplotlib.pyplot as plt
    if normalize:
        totals = matrix.sum(1, keepdim=True).clamp(min=1)
        matrix = (100 * matrix / totals).round().long()
    figure = ConfusionMatrix.plot(
        matrix, include_values=True, classes=list(classes), show=False)
    if normalize:
        title = f'{title} (% of each true class)' if title else (
            '% of each true class')
    if title:
        figure.suptitle(title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format='png', dpi=80, bbox_inches='tight')
    plt.close(figure)
    return buffer.getvalue()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Confusion matrix PNG and per-class precision / recall / '
        'F1 from the predictions JSON of tools/test.py --out.')
    parser.add_argument('predictions', help='JSON written by tools/test.py '
                        '--out')
    parser.add_argument(
        '--out-file',
        help='confusion matrix PNG (default: PREDICTIONS_confusion_matrix.png '
        'next to the JSON)')
    parser.add_argument(
        '--report-file',
        help='per-class report; .md/.txt (table), .json or .csv (default: '
        'PREDICTIONS_per_class.md next to the JSON)')
    parser.add_argument('--normalize', action='store_true',
                        help='show each row in %% of its true class instead '
                        'of counts')
    parser.add_argument('--title', help='figure title (default: none)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    stem = Path(args.predictions).with_suffix('')
    out_file = Path(args.out_file or f'{stem}_confusion_matrix.png')
    report_file = Path(args.report_file or f'{stem}_per_class.md')
    if report_file.suffix not in REPORT_FORMATS:
        raise SystemExit(f'--report-file {report_file}: use one of '
                         f'{", ".join(REPORT_FORMATS)}.')
    classes, pred_labels, gt_labels = load_predictions(args.predictions)
    matrix = ConfusionMatrix.calculate(
        pred_labels, gt_labels, num_classes=len(classes))
    report = per_class_report(classes, pred_labels, gt_labels)
    write_bytes_atomic(
        out_file,
        plot_confusion_matrix(matrix, classes, args.normalize, args.title))
    write_text_atomic(report_file, format_report(report,
                                                 report_file.suffix))
    print(format_report(report, '.md'), end='')
    print(f'confusion matrix: {out_file}\nreport: {report_file}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
