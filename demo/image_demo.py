"""Predict the expression of the face in an image; draw what FMPN saw.

Writes one PNG: the image with the aligned face region and the prediction, a
bar chart of the class probabilities, the aligned face with the generated
motion mask as a heat overlay, and the fused image of the prior fusion net.

Usage::

    python demo/image_demo.py IMG CONFIG CHECKPOINT --out-file OUT.png \
        [--device cpu] [--landmarks FILE | --landmarks X1 Y1 ... X5 Y5] \
        [--face-source auto|landmarks|detector|aligned] \
        [--cfg-options KEY=VALUE ...]
"""
import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from mmfmpn.apis import FACE_SOURCES, FMPNInferencer, read_image
from mmfmpn.masks.image_io import write_png_atomic
from mmfmpn.utils.cli import add_checkpoint_arguments
from mmfmpn.visualization import render_prediction


def read_landmarks(values: Optional[Sequence[str]]) -> Optional[np.ndarray]:
    """Landmarks from ``--landmarks``: a file or ten numbers.

    A file holds one ``x y`` pair per line (5 or 68 lines, as CK+'s
    ``*_landmarks.txt``) or a JSON list of ``[x, y]`` pairs.

    Args:
        values (Sequence[str], optional): The command-line values.

    Returns:
        np.ndarray | None: ``(N, 2)`` float64, or None when not given.
    """
    if not values:
        return None
    if len(values) == 1:
        path = Path(values[0])
        if not path.is_file():
            raise SystemExit(f'--landmarks {path}: no such file; give a file '
                             'of "x y" lines or ten numbers x1 y1 ... x5 y5.')
        text = path.read_text()
        try:
            points = (
                json.loads(text) if path.suffix == '.json' else
                [line.split() for line in text.splitlines() if line.strip()])
            return np.asarray(points, dtype=np.float64).reshape(-1, 2)
        except ValueError as error:
            raise SystemExit(f'--landmarks {path}: cannot read points '
                             f'({error}).') from error
    try:
        return np.asarray([float(v) for v in values]).reshape(-1, 2)
    except ValueError as error:
        raise SystemExit(f'--landmarks: expected a file or numbers x1 y1 ... '
                         f'({error}).') from error


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Predict the facial expression in an image with FMPN '
        'and save a figure of the prediction, motion mask and fused image.')
    parser.add_argument('img', help='image file')
    add_checkpoint_arguments(parser)
    parser.add_argument(
        '--out-file', default='demo_result.png', help='output PNG (default: demo_result.png)')
    parser.add_argument(
        '--landmarks',
        nargs='+',
        help='face landmarks: a file of "x y" lines (5 points: image-left '
        'eye, image-right eye, nose tip, mouth corners; or the 68 iBUG '
        'points) or ten numbers x1 y1 ... x5 y5')
    parser.add_argument(
        '--face-source',
        choices=FACE_SOURCES,
        default='auto',
        help='landmarks if given else the MTCNN detector (auto), or force '
        'one; "aligned" means the image already is an aligned face crop '
        '(default: auto)')
    parser.add_argument(
        '--largest-face',
        action='store_true',
        help='with several faces, use the largest instead '
        'of stopping')
    parser.add_argument(
        '--height', type=int, default=360, help='figure height in pixels (default: 360)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    landmarks = read_landmarks(args.landmarks)
    inferencer = FMPNInferencer(
        args.config,
        args.checkpoint,
        device=args.device,
        face_source=args.face_source,
        largest_face=args.largest_face,
        cfg_options=args.cfg_options)
    result = inferencer(args.img, landmarks=landmarks)[0]
    if result['error']:
        print(f"error: {result['error']}", file=sys.stderr)
        return 1
    image, _ = read_image(args.img)
    figure = render_prediction(image, result, inferencer.classes, args.height)
    write_png_atomic(args.out_file, figure)
    scores = ', '.join(f'{name} {score:.3f}'
                       for name, score in zip(inferencer.classes, result['pred_scores']))
    notes = '; '.join(result['notes'])
    notes = f' ({notes})' if notes else ''
    print(f"{args.img}: {result['pred_class']}{notes}\n  {scores}\n"
          f'  figure: {args.out_file}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
