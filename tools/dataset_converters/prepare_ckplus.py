"""Convert a raw CK+ tree into the FMPN authors' layout of aligned 70x70 faces and folds.

The conversion is :func:`mmfmpn.datasets.converters.ckplus.prepare_ckplus`; its module
docstring describes the input and the output.
"""
import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.datasets.converters import ConversionError, prepare_ckplus
from mmfmpn.datasets.converters.ckplus_i2cnn import I2CNN_CROP_SIZE


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Align raw CK+ faces to 70x70 and write the FMPN authors\' '
        'layout (imgs/, neutral/, emotion_labels.pkl, train_ids_K.csv, '
        'test_ids_K.csv) plus annotations.csv.')
    parser.add_argument(
        'ck_root', type=Path, help='CK+ root with cohn-kanade-images/, Emotion/, Landmarks/')
    parser.add_argument('out', type=Path, help='output folder')
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
        '--num-folds',
        type=int,
        default=10,
        help='number of subject-independent folds (default: 10)')
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
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='skip labelled sequences that cannot be converted and list them '
        'in OUT/skipped.txt (default: stop with an error)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace a non-empty OUT as a whole, once the new dataset is complete '
        '(its masks too: they were built for the old folds)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    args = parse_args(argv)
    try:
        conversion = prepare_ckplus(
            args.ck_root,
            args.out,
            bbox_landmarks=args.bbox_landmarks,
            split_dir=args.split_dir,
            num_folds=args.num_folds,
            skip_bad=args.skip_bad,
            overwrite=args.overwrite,
            show_progress=True,
            i2cnn=args.i2cnn,
            i2cnn_crop_size=args.i2cnn_crop_size)
    except ConversionError as err:
        print('\n'.join(err.report_lines()), file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print('\n'.join(conversion.summary()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
