"""Write a synthetic CK+ tree (cohn-kanade-images/, Emotion/, Landmarks/) for demos and tests.

The real CK+ is licence-restricted; this set has the same layout, file names and file formats,
drawn faces whose 68 landmarks are exact, and the seven CK+ expressions posed as FACS action
units. Convert it like the real set, e.g.::

    python tools/dataset_converters/make_synthetic_ckplus.py data/synthetic_ckplus
    python tools/dataset_converters/prepare_ckplus.py data/synthetic_ckplus \
        data/ckplus_synthetic_aligned
"""
import argparse

from mmfmpn.synthesis import generate_synthetic_ckplus
from mmfmpn.synthesis.cli import ckplus_generator_parser, run_ckplus_generator


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.

    Returns:
        argparse.Namespace: ``out``, ``subjects``, ``seed``, ``workers``, ``overwrite``.
    """
    parser = ckplus_generator_parser(
        'Write a synthetic data set in the raw CK+ layout: gray 640x490 frames from neutral to '
        'peak, 68-point landmark files and emotion files (codes 1-7).')
    parser.add_argument(
        '--subjects',
        type=int,
        default=40,
        help='number of subjects, 3-7 sequences each (40 give about 200 '
        'sequences, 175 of them labelled)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Generate the set and print a one-line summary."""
    args = parse_args(argv)
    run_ckplus_generator(generate_synthetic_ckplus, args, num_subjects=args.subjects)


if __name__ == '__main__':
    main()
