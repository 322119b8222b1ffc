"""Convert the MMI Facial Expression Database (frontal video sessions) into the project layout.

The conversion is :func:`mmfmpn.datasets.converters.mmi.prepare_mmi`; its module docstring
describes the input and the output.
"""
import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.datasets.converters import (LANDMARKS_FILE_FORMAT, ConversionError,
                                        add_common_arguments, prepare_mmi)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Align the frontal, emotion-labelled MMI videos to 70x70 and write '
        'the project layout (imgs/, neutral/, annotations.csv, train_ids_K.csv, '
        'test_ids_K.csv): three frames around the middle of each video are samples, '
        'its first frame the neutral face.')
    parser.add_argument(
        'mmi_root', type=Path, help='the MMI download, holding Sessions/<n>/session.xml')
    parser.add_argument('out', type=Path, help='output folder')
    parser.add_argument(
        '--landmarks',
        type=Path,
        help=f'landmarks file: {LANDMARKS_FILE_FORMAT}, e.g. '
        '"Sessions/2/S001-002.avi#45,x1,y1,...". Needed for frame 0 and the three '
        'middle frames of each video. Default: detect five points with MTCNN')
    parser.add_argument(
        '--num-folds',
        type=int,
        default=10,
        help='subject-independent folds (default: %(default)s)')
    add_common_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    args = parse_args(argv)
    try:
        conversion = prepare_mmi(
            args.mmi_root,
            args.out,
            landmarks_file=args.landmarks,
            num_folds=args.num_folds,
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
