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

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from mmengine.config import DictAction  # noqa: E402

from mmfmpn.apis import FACE_SOURCES, FMPNInferencer, read_image  # noqa: E402
from mmfmpn.masks.image_io import write_png_atomic  # noqa: E402

FONT = cv2.FONT_HERSHEY_SIMPLEX
#: BGR colours of the drawings.
FACE_COLOUR = (60, 220, 60)
BAR_COLOUR = (180, 140, 60)
TOP_BAR_COLOUR = (60, 170, 250)
BACKGROUND = (255, 255, 255)
TEXT_COLOUR = (30, 30, 30)


def mask_heat_overlay(face_rgb: np.ndarray, motion_mask: np.ndarray,
                      alpha: float = 0.5) -> np.ndarray:
    """Blend a motion mask, as a JET heat map, over a face.

    Args:
        face_rgb (np.ndarray): ``(H, W, 3)`` uint8 RGB face.
        motion_mask (np.ndarray): ``(H, W)`` float in [0, 1].
        alpha (float): Weight of the heat map. Defaults to 0.5.

    Returns:
        np.ndarray: ``(H, W, 3)`` uint8 BGR.
    """
    heat = cv2.applyColorMap(
        (np.clip(motion_mask, 0, 1) * 255).round().astype(np.uint8),
        cv2.COLORMAP_JET)
    face_bgr = cv2.cvtColor(face_rgb, cv2.COLOR_RGB2BGR)
    return cv2.addWeighted(heat, alpha, face_bgr, 1 - alpha, 0)


def draw_face_region(image: np.ndarray, result: dict,
                     thickness: int = 2) -> None:
    """Draw, in place, the aligned crop's outline, the five points and the
    predicted class with its probability.

    Args:
        image (np.ndarray): ``(H, W, 3)`` uint8 BGR image the result is of.
        result (dict): A successful prediction of ``FMPNInferencer``.
        thickness (int): Line thickness in pixels. Defaults to 2.
    """
    corners = np.round(result['face_corners']).astype(np.int32)
    cv2.polylines(image, [corners], True, FACE_COLOUR, thickness, cv2.LINE_AA)
    if result['five_points'] is not None:
        for x, y in np.round(result['five_points']).astype(int):
            cv2.circle(image, (int(x), int(y)), thickness + 1, FACE_COLOUR, -1,
                       cv2.LINE_AA)
    label = (f"{result['pred_class']} "
             f"{100 * result['pred_scores'][result['pred_label']]:.0f}%")
    scale = max(image.shape[0] / 600, 0.5)
    (width, height), baseline = cv2.getTextSize(label, FONT, scale,
                                                thickness)
    x = int(corners[:, 0].min())
    y = max(int(corners[:, 1].min()) - baseline - 4, height + 2)
    cv2.rectangle(image, (x, y - height - 4), (x + width + 4, y + baseline),
                  FACE_COLOUR, -1)
    cv2.putText(image, label, (x + 2, y), FONT, scale, (0, 0, 0), thickness,
                cv2.LINE_AA)


def probability_bars(classes: Sequence[str], scores: np.ndarray, width: int,
                     height: int) -> np.ndarray:
    """A horizontal bar chart of class probabilities, the top one highlighted.

    Args:
        classes (Sequence[str]): Class names.
        scores (np.ndarray): ``(num_classes,)`` probabilities in [0, 1].
        width (int): Chart width in pixels.
        height (int): Chart height in pixels.

    Returns:
        np.ndarray: ``(height, width, 3)`` uint8 BGR.
    """
    chart = np.full((height, width, 3), BACKGROUND, np.uint8)
    row = height / max(len(classes), 1)
    scale = min(row / 30, 0.6)
    name_width = max(cv2.getTextSize(name, FONT, scale, 1)[0][0]
                     for name in classes) + 8
    value_width = cv2.getTextSize('100%', FONT, scale, 1)[0][0] + 8
    bar_space = max(width - name_width - value_width, 1)
    top = int(np.argmax(scores))
    for index, (name, score) in enumerate(zip(classes, scores)):
        y0, y1 = int(index * row + row * 0.15), int((index + 1) * row -
                                                   row * 0.15)
        baseline_y = (y0 + y1) // 2 + int(row * 0.15)
        cv2.putText(chart, name, (4, baseline_y), FONT, scale, TEXT_COLOUR, 1,
                    cv2.LINE_AA)
        bar_end = name_width + int(round(bar_space * float(score)))
        cv2.rectangle(chart, (name_width, y0), (bar_end, y1),
                      TOP_BAR_COLOUR if index == top else BAR_COLOUR, -1)
        cv2.putText(chart, f'{100 * float(score):.0f}%', (bar_end + 4,
                                                          baseline_y), FONT,
                    scale, TEXT_COLOUR, 1, cv2.LINE_AA)
    return chart


def _titled(panel: np.ndarray, title: str, side: int) -> np.ndarray:
    panel = cv2.resize(panel, (side, side), interpolation=cv2.INTER_LINEAR)
    header = np.full((24, side, 3), BACKGROUND, np.uint8)
    cv2.putText(header, title, (4, 17), FONT, 0.5, TEXT_COLOUR, 1,
                cv2.LINE_AA)
    return np.vstack([header, panel])


def render_prediction(image: np.ndarray,
                      result: dict,
                      classes: Sequence[str],
                      height: int = 360) -> np.ndarray:
    """The demo figure of one prediction.

    Left: the image with the face region and label. Right, top row: the
    aligned face with its motion mask heat overlay, and the fused image (if
    the result has one); below them: the class probability bars.

    Args:
        image (np.ndarray): ``(H, W, 3)`` uint8 BGR input image.
        result (dict): A successful prediction of ``FMPNInferencer``.
        classes (Sequence[str]): Class names in score order.
        height (int): Figure height in pixels. Defaults to 360.

    Returns:
        np.ndarray: ``(height, W', 3)`` uint8 BGR figure.
    """
    annotated = image.copy()
    draw_face_region(annotated, result,
                     thickness=max(1, round(image.shape[0] / 300)))
    annotated = cv2.resize(
        annotated, (max(1, round(image.shape[1] * height / image.shape[0])),
                    height),
        interpolation=cv2.INTER_AREA)
    side = (height - 24) // 2
    panels = [
        _titled(mask_heat_overlay(result['face'], result['motion_mask']),
                'face + motion mask', side)
    ]
    if result['fused_image'] is not None:
        fused = (np.clip(result['fused_image'], 0, 1) * 255).round().astype(
            np.uint8)
        panels.append(
            _titled(cv2.cvtColor(fused, cv2.COLOR_RGB2BGR), 'fused image',
                    side))
    top_row = np.hstack(panels)
    bars = probability_bars(classes, result['pred_scores'], top_row.shape[1],
                            height - top_row.shape[0])
    separator = np.full((height, 6, 3), BACKGROUND, np.uint8)
    return np.hstack([annotated, separator, np.vstack([top_row, bars])])


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
            points = (json.loads(text) if path.suffix == '.json' else
                      [line.split() for line in text.splitlines()
                       if line.strip()])
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
    parser.add_argument('config', help='config the checkpoint was trained '
                        'with')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out-file', default='demo_result.png',
                        help='output PNG (default: demo_result.png)')
    parser.add_argument('--device', default='cpu',
                        help='device, e.g. cpu or cuda:0 (default: cpu)')
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
    parser.add_argument('--largest-face', action='store_true',
                        help='with several faces, use the largest instead '
                        'of stopping')
    parser.add_argument('--height', type=int, default=360,
                        help='figure height in pixels (default: 360)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config the checkpoint was trained '
        'with, as that training run did, e.g. '
        'model.mask_generator.working_size=70')
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
                       for name, score in zip(inferencer.classes,
                                              result['pred_scores']))
    notes = '; '.join(result['notes'])
    notes = f' ({notes})' if notes else ''
    print(f"{args.img}: {result['pred_class']}{notes}\n  {scores}\n"
          f'  figure: {args.out_file}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
