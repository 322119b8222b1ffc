"""Convert Oulu-CASIA NIR&VIS (VIS camera, strong light by default) into the project layout.

The conversion is :func:`mmfmpn.datasets.converters.oulu_casia.prepare_oulu_casia`; its
module docstring describes the input and the output.
"""
import argparse
import sys
from typing import Optional, Sequence

from mmfmpn.datasets.converters import prepare_oulu_casia
from mmfmpn.datasets.converters.cli import converter_parser, run_conversion


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = converter_parser(
        'Align Oulu-CASIA faces to 70x70 and write the project layout (imgs/, neutral/, '
        'annotations.csv, train_ids_K.csv, test_ids_K.csv): the last 3 frames of each '
        'sequence are samples, its first frame the neutral face.',
        'oulu_root',
        'the distribution\'s OriginalImg folder, holding VL/Strong/P001/Anger/',
        landmarks_key='VL/Strong/P001/Anger/000.jpeg',
        landmarks_needed='Needed for the first and the last 3 frames of each sequence. ',
        folds='subject-independent folds')
    parser.add_argument(
        '--camera',
        choices=('VL', 'NI'),
        default='VL',
        help='VL (visible light) or NI (near infrared) (default: %(default)s)')
    parser.add_argument(
        '--illumination',
        choices=('Strong', 'Weak', 'Dark'),
        default='Strong',
        help='lighting condition (default: %(default)s)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    return run_conversion(prepare_oulu_casia, parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
