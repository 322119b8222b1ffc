"""Write a synthetic CK+ tree (cohn-kanade-images/, Emotion/, Landmarks/) for demos and tests.

The real CK+ is licence-restricted; this set has the same layout, file names and file formats,
drawn faces whose 68 landmarks are exact, and the seven CK+ expressions posed as FACS action
units. Convert it like the real set, e.g.::

    python tools/dataset_converters/make_synthetic_ckplus.py data/synthetic_ckplus
    python tools/dataset_converters/prepare_ckplus.py data/synthetic_ckplus \
        data/ckplus_synthetic_aligned
"""
import argparse
import os
import sys
import time

from mmfmpn.synthesis import generate_synthetic_ckplus


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.

    Returns:
        argparse.Namespace: ``out``, ``subjects``, ``seed``, ``workers``, ``overwrite``.
    """
    parser = argparse.ArgumentParser(
        description='Write a synthetic data set in the raw CK+ layout: gray 640x490 frames '
        'from neutral to peak, 68-point landmark files and emotion files (codes 1-7).',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('out', help='output folder (must be empty or new unless --overwrite)')
    parser.add_argument(
        '--subjects',
        type=int,
        default=40,
        help='number of subjects, 3-7 sequences each (40 give about 200 '
        'sequences, 175 of them labelled)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='random seed; the same seed writes byte-identical files')
    parser.add_argument(
        '--workers',
        type=int,
        default=min(2,
                    os.cpu_count() or 1),
        help='processes rendering sequences in parallel')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='write into a non-empty OUT, replacing its cohn-kanade-images/, '
        'Emotion/ and Landmarks/ folders')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Generate the set and print a one-line summary."""
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        summary = generate_synthetic_ckplus(
            args.out,
            num_subjects=args.subjects,
            seed=args.seed,
            overwrite=args.overwrite,
            num_workers=args.workers,
            show_progress=True)
    except (FileExistsError, NotADirectoryError, ValueError) as error:
        sys.exit(f'error: {error}')
    class_counts = ', '.join(f'{name} {count}' for name, count in summary['class_counts'].items())
    print(f'\nWrote {args.out}: subjects {summary["subjects"]}, sequences '
          f'{summary["sequences"]} (labelled {summary["labelled_sequences"]}: {class_counts}), '
          f'frames {summary["frames"]}, in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
