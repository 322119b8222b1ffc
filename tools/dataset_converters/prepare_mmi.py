"""Convert the MMI Facial Expression Database (frontal video sessions) into the project layout.

The conversion is :func:`mmfmpn.datasets.converters.mmi.prepare_mmi`; its module docstring
describes the input and the output.
"""
import argparse
import sys
from typing import Optional, Sequence

from mmfmpn.datasets.converters import prepare_mmi
from mmfmpn.datasets.converters.cli import converter_parser, run_conversion


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = converter_parser(
        'Align the frontal, emotion-labelled MMI videos to 70x70 and write the project layout '
        '(imgs/, neutral/, annotations.csv, train_ids_K.csv, test_ids_K.csv): three frames '
        'around the middle of each video are samples, its first frame the neutral face.',
        'mmi_root',
        'the MMI download, holding Sessions/<n>/session.xml',
        landmarks_key='Sessions/2/S001-002.avi#45',
        landmarks_needed='Needed for frame 0 and the three middle frames of each video. ',
        folds='subject-independent folds')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    return run_conversion(prepare_mmi, parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
