"""Convert the London Set subset (neutral and smiling photos) into the project layout.

The conversion is :func:`mmfmpn.datasets.converters.london_faces.prepare_london_faces`; its
module docstring describes the input and the output.
"""
import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.datasets.converters import ConversionError, add_common_arguments, prepare_london_faces


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Align the London Set neutral and smiling photos to 70x70 (MTCNN '
        'five points) and write imgs/, neutral/ and annotations.csv (label happy).')
    parser.add_argument(
        'london_root', type=Path, help='the london-faces folder holding annotations.json')
    parser.add_argument('out', type=Path, help='output folder')
    add_common_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    args = parse_args(argv)
    try:
        conversion = prepare_london_faces(
            args.london_root,
            args.out,
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
