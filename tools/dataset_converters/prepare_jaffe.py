"""Align JAFFE faces and write the project layout with JAFFE's folds.

::

    python tools/dataset_converters/prepare_jaffe.py JAFFE_DIR OUT [--landmarks CSV]
        [--folds poser|random] [--num-folds 10] [--crop-size 144]

JAFFE_DIR holds the images ``KA.AN1.39.tiff`` ... (poser, expression code, take, image id).
OUT gets ``imgs/``, ``annotations.csv`` (with the five points of every aligned face, which
I2CNN's patches are placed by) and ``train_ids_K.csv`` / ``test_ids_K.csv``: leave one poser
out (10 folds) by default, or ``--folds random`` for the random 10-fold split many JAFFE
papers use. Without ``--landmarks``, MTCNN finds the five points.
"""
import argparse
import sys
from typing import Optional, Sequence

from mmfmpn.datasets.converters.cli import converter_parser, run_conversion
from mmfmpn.datasets.converters.jaffe import FOLD_PROTOCOLS, JAFFE_CROP_SIZE, prepare_jaffe


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = converter_parser(
        'Align JAFFE faces and write imgs/, annotations.csv (with five points per face) and '
        'the fold files train_ids_K.csv / test_ids_K.csv.',
        'jaffe_dir',
        'folder of the JAFFE images, KA.AN1.39.tiff ...',
        landmarks_key='KA.AN1.39.tiff',
        folds='folds of --folds random',
        crop_size=JAFFE_CROP_SIZE)
    parser.add_argument(
        '--folds',
        choices=FOLD_PROTOCOLS,
        default='poser',
        help='poser: leave one poser out (10 folds, subject-independent); random: '
        '--num-folds random folds stratified by class (default: %(default)s)')
    parser.add_argument(
        '--seed', type=int, default=0, help='seed of --folds random (default: %(default)s)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    return run_conversion(prepare_jaffe, parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
