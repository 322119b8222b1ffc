"""Confusion matrix and per-class precision / recall / F1 of one predictions file.

Takes the JSON of ``tools/test.py CONFIG CKPT --out preds.json`` (not MMPretrain's
``confusion_matrix.py`` inputs: a config and a pickled result), the same file that
``tools/kfold.py`` sums over folds; reading, plotting and the report are
``mmfmpn.evaluation`` (``read_predictions``, ``plot_confusion_matrix``,
``class_report``).

Usage::

    python tools/analysis_tools/prediction_confusion.py preds.json \
        [--out-file cm.png] [--report-file report.md] [--normalize]
"""
import argparse
import sys
from pathlib import Path

from mmpretrain.evaluation import ConfusionMatrix

from mmfmpn.evaluation.class_report import REPORT_FORMATS, class_report, format_class_report
from mmfmpn.evaluation.fold_summary import figure_png, plot_confusion_matrix, row_normalize
from mmfmpn.evaluation.prediction_dump import read_predictions
from mmfmpn.utils.file_io import write_bytes_atomic, write_text_atomic


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Confusion matrix PNG and per-class precision / recall / '
        'F1 from the predictions JSON of tools/test.py --out.')
    parser.add_argument(
        'predictions', help='JSON written by tools/test.py '
        '--out')
    parser.add_argument(
        '--out-file',
        help='confusion matrix PNG (default: PREDICTIONS_confusion_matrix.png '
        'next to the JSON)')
    parser.add_argument(
        '--report-file',
        help='per-class report; .md/.txt (table), .json or .csv (default: '
        'PREDICTIONS_per_class.md next to the JSON)')
    parser.add_argument(
        '--normalize',
        action='store_true',
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
        print(f'error: --report-file {report_file}: use one of '
              f'{", ".join(REPORT_FORMATS)}',
              file=sys.stderr)
        return 2
    try:
        predictions = read_predictions(args.predictions)
    except (OSError, ValueError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    classes = predictions.classes
    matrix = ConfusionMatrix.calculate(
        predictions.pred_labels, predictions.gt_labels, num_classes=len(classes)).numpy()
    title = args.title or ''
    if args.normalize:
        matrix = row_normalize(matrix)
        title = f'{title} (% of each true class)'.strip()
    write_bytes_atomic(
        out_file,
        figure_png(plot_confusion_matrix(matrix, classes, title=title, percent=args.normalize)))
    report = class_report(classes, predictions.pred_labels, predictions.gt_labels)
    write_text_atomic(report_file, format_class_report(report, report_file.suffix))
    print(format_class_report(report, '.md'), end='')
    print(f'confusion matrix: {out_file}\nreport: {report_file}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
