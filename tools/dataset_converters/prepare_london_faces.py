"""Convert the London Set subset (neutral and smiling photos) into the project layout.

The conversion is :func:`mmfmpn.datasets.converters.london_faces.prepare_london_faces`; its
module docstring describes the input and the output.
"""
import argparse
import sys
from typing import Optional, Sequence

from mmfmpn.datasets.converters import prepare_london_faces
from mmfmpn.datasets.converters.cli import converter_parser, run_conversion


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = converter_parser(
        'Align the London Set neutral and smiling photos to 70x70 (MTCNN five points) and '
        'write imgs/, neutral/ and annotations.csv (label happy).', 'london_root',
        'the london-faces folder holding annotations.json')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    return run_conversion(prepare_london_faces, parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
