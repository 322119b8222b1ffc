"""Convert AffectNet (manually annotated part) into the project layout.

The conversion is :func:`mmfmpn.datasets.converters.affectnet.prepare_affectnet`; its module
docstring describes the input and the output.
"""
import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.datasets.converters import prepare_affectnet
from mmfmpn.datasets.converters.cli import converter_parser, run_conversion


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = converter_parser(
        'Align AffectNet\'s seven basic expressions (no neutral) to 70x70 with the given 68 '
        'landmarks and write the project layout (imgs/, annotations.csv, train_ids.csv, '
        'val_ids.csv, test_ids.csv).', 'affectnet_root',
        'the AffectNet download, holding Manually_Annotated_file_lists/ and '
        'Manually_Annotated_Images/')
    parser.add_argument(
        '--train-csv',
        type=Path,
        help='training file list (default: ROOT/Manually_Annotated_file_lists/training.csv)')
    parser.add_argument(
        '--val-csv',
        type=Path,
        help='validation file list, used as the test set (default: '
        'ROOT/Manually_Annotated_file_lists/validation.csv)')
    parser.add_argument(
        '--images-dir',
        type=Path,
        help='image folder that subDirectory_filePath is relative to '
        '(default: ROOT/Manually_Annotated_Images)')
    parser.add_argument(
        '--per-class',
        type=int,
        help='keep at most N random training images per class, e.g. 3500 (default: all)')
    parser.add_argument(
        '--val-fraction',
        type=float,
        default=0.1,
        help='share of each training class held out as val_ids.csv '
        '(default: %(default)s, the paper\'s 9:1)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of the subset and the split (default: %(default)s)')
    args = parser.parse_args(argv)
    # The converter takes the three paths the root stands for, not the root.
    root = vars(args).pop('affectnet_root')
    lists_dir = root / 'Manually_Annotated_file_lists'
    args.train_csv = args.train_csv or lists_dir / 'training.csv'
    args.val_csv = args.val_csv or lists_dir / 'validation.csv'
    args.images_dir = args.images_dir or root / 'Manually_Annotated_Images'
    if args.per_class is not None and args.per_class < 1:
        parser.error('--per-class must be at least 1')
    if not 0 < args.val_fraction < 1:
        parser.error('--val-fraction must be in (0, 1)')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    return run_conversion(prepare_affectnet, parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
