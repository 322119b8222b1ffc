"""Write the small London Set crops that ``make demo`` builds its real-face CK+ from.

Example (how ``assets/london_faces`` was made)::

    python tools/dataset_converters/make_london_face_assets.py \\
        ../shared/reference/london-faces assets/london_faces

People in ``mmfmpn.synthesis.real_faces.london_assets.HELD_OUT_SUBJECTS`` are left out, so
the demo model can be tested on London people it never saw.
"""
import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.datasets.converters.common import DetectedLandmarks
from mmfmpn.synthesis.real_faces.london_assets import HELD_OUT_SUBJECTS, build_face_assets


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Crop the London Set neutral and smiling photos (smiles registered '
        'onto the neutral face) for the real-face CK+ of make demo.')
    parser.add_argument(
        'london_root', type=Path, help='the london-faces folder holding annotations.json')
    parser.add_argument('out', type=Path, help='output folder, e.g. assets/london_faces')
    parser.add_argument(
        '--exclude',
        nargs='*',
        default=list(HELD_OUT_SUBJECTS),
        help='subjects to leave out (default: the held-out people '
        f'{" ".join(HELD_OUT_SUBJECTS)})')
    parser.add_argument(
        '--crop-size', type=int, default=128, help='side of the square crops (default: 128)')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        detector = DetectedLandmarks()
        entries = build_face_assets(
            args.london_root,
            args.out,
            lambda image, source: detector('', image, source),
            exclude=args.exclude,
            crop_size=args.crop_size)
    except (OSError, ValueError, RuntimeError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print(f'{len(entries)} people -> {args.out}/faces.json, neutral/, smiling/')
    return 0


if __name__ == '__main__':
    sys.exit(main())
