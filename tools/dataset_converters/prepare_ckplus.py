"""Convert a raw CK+ tree into the FMPN authors' layout of aligned 70x70 faces and folds.

The conversion is :func:`mmfmpn.datasets.converters.ckplus.prepare_ckplus`; its module
docstring describes the input and the output.
"""
import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.datasets.converters import prepare_ckplus
from mmfmpn.datasets.converters.ckplus_i2cnn import I2CNN_CROP_SIZE
from mmfmpn.datasets.converters.cli import converter_parser, run_conversion


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = converter_parser(
        'Align raw CK+ faces to 70x70 and write the FMPN authors\' layout (imgs/, neutral/, '
        'emotion_labels.pkl, train_ids_K.csv, test_ids_K.csv) plus annotations.csv.',
        'ck_root',
        'CK+ root with cohn-kanade-images/, Emotion/, Landmarks/',
        folds='number of subject-independent folds',
        crop_size=None,
        samples='labelled sequences')
    parser.add_argument(
        '--bbox-landmarks',
        type=Path,
        help='align with the five MTCNN points of the FMPN authors\' '
        'bbox_landmark_mtcnn.pkl instead of the CK+ 68 landmarks')
    parser.add_argument(
        '--split-dir',
        type=Path,
        help='copy train_ids_K.csv/test_ids_K.csv from this folder (e.g. the '
        'authors\' released split) instead of computing the folds')
    parser.add_argument(
        '--i2cnn',
        action='store_true',
        help='also write I2CNN\'s CK+ sets to OUT/i2cnn/: ckplus6.csv (the last '
        '3 frames of the sequences of the six basic emotions) and ckplus7.csv '
        '(plus their first frames as neutral), faces aligned at --i2cnn-crop-size')
    parser.add_argument(
        '--i2cnn-crop-size',
        type=int,
        default=I2CNN_CROP_SIZE,
        help='side of the aligned faces of --i2cnn (default: %(default)s)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    return run_conversion(prepare_ckplus, parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
