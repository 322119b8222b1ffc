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
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.datasets.converters.common import (LANDMARKS_FILE_FORMAT, ConversionError,
                                               add_common_arguments)
from mmfmpn.datasets.converters.jaffe import FOLD_PROTOCOLS, JAFFE_CROP_SIZE, prepare_jaffe


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Align JAFFE faces and write imgs/, annotations.csv (with five points '
        'per face) and the fold files train_ids_K.csv / test_ids_K.csv.')
    parser.add_argument(
        'jaffe_dir', type=Path, help='folder of the JAFFE images, KA.AN1.39.tiff ...')
    parser.add_argument('out', type=Path, help='output folder')
    parser.add_argument(
        '--landmarks',
        type=Path,
        help=f'landmarks file: {LANDMARKS_FILE_FORMAT}, e.g. "KA.AN1.39.tiff,x1,y1,...". '
        'Default: detect five points with MTCNN')
    parser.add_argument(
        '--folds',
        choices=FOLD_PROTOCOLS,
        default='poser',
        help='poser: leave one poser out (10 folds, subject-independent); random: '
        '--num-folds random folds stratified by class (default: %(default)s)')
    parser.add_argument(
        '--num-folds', type=int, default=10, help='folds of --folds random (default: %(default)s)')
    parser.add_argument(
        '--seed', type=int, default=0, help='seed of --folds random (default: %(default)s)')
    add_common_arguments(parser)
    parser.set_defaults(crop_size=JAFFE_CROP_SIZE)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    args = parse_args(argv)
    try:
        conversion = prepare_jaffe(
            args.jaffe_dir,
            args.out,
            landmarks_file=args.landmarks,
            folds=args.folds,
            num_folds=args.num_folds,
            seed=args.seed,
            crop_size=args.crop_size,
            skip_bad=args.skip_bad,
            overwrite=args.overwrite,
            show_progress=True)
    except ConversionError as err:
        print('\n'.join(err.report_lines()), file=sys.stderr)
        return 1
    except (OSError, ValueError, RuntimeError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print('\n'.join(conversion.summary()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
