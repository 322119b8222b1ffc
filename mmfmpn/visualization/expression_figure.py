"""Figures of expression predictions: the face region, class probabilities,
motion mask and fused image of an ``FMPNInferencer`` result.

Drawn with OpenCV on ``(H, W, 3)`` uint8 BGR images; used by
``demo/image_demo.py`` and ``demo/video_demo.py``.
"""
from typing import Sequence

import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_SIMPLEX
#: BGR colours of the drawings.
FACE_COLOUR = (60, 220, 60)
BAR_COLOUR = (180, 140, 60)
TOP_BAR_COLOUR = (60, 170, 250)
BACKGROUND = (255, 255, 255)
TEXT_COLOUR = (30, 30, 30)
NO_FACE_COLOUR = (40, 40, 230)


def mask_heat_overlay(face_rgb: np.ndarray,
                      motion_mask: np.ndarray,
                      alpha: float = 0.5) -> np.ndarray:
    """Blend a motion mask, as a JET heat map, over a face.

    Args:
        face_rgb (np.ndarray): ``(H, W, 3)`` uint8 RGB face.
        motion_mask (np.ndarray): ``(H, W)`` float in [0, 1].
        alpha (float): Weight of the heat map. Defaults to 0.5.

    Returns:
        np.ndarray: ``(H, W, 3)`` uint8 BGR.
    """
    heat = cv2.applyColorMap((np.clip(motion_mask, 0, 1) * 255).round().astype(np.uint8),
                             cv2.COLORMAP_JET)
    face_bgr = cv2.cvtColor(face_rgb, cv2.COLOR_RGB2BGR)
    return cv2.addWeighted(heat, alpha, face_bgr, 1 - alpha, 0)


def draw_face_region(image: np.ndarray, result: dict, thickness: int = 2) -> None:
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
            cv2.circle(image, (int(x), int(y)), thickness + 1, FACE_COLOUR, -1, cv2.LINE_AA)
    label = (f"{result['pred_class']} "
             f"{100 * result['pred_scores'][result['pred_label']]:.0f}%")
    scale = max(image.shape[0] / 600, 0.5)
    (width, height), baseline = cv2.getTextSize(label, FONT, scale, thickness)
    x = int(corners[:, 0].min())
    y = max(int(corners[:, 1].min()) - baseline - 4, height + 2)
    cv2.rectangle(image, (x, y - height - 4), (x + width + 4, y + baseline), FACE_COLOUR, -1)
    cv2.putText(image, label, (x + 2, y), FONT, scale, (0, 0, 0), thickness, cv2.LINE_AA)


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
    name_width = max(cv2.getTextSize(name, FONT, scale, 1)[0][0] for name in classes) + 8
    value_width = cv2.getTextSize('100%', FONT, scale, 1)[0][0] + 8
    bar_space = max(width - name_width - value_width, 1)
    top = int(np.argmax(scores))
    for index, (name, score) in enumerate(zip(classes, scores)):
        y0 = int(index * row + row * 0.15)
        y1 = int((index + 1) * row - row * 0.15)
        baseline_y = (y0 + y1) // 2 + int(row * 0.15)
        cv2.putText(chart, name, (4, baseline_y), FONT, scale, TEXT_COLOUR, 1, cv2.LINE_AA)
        bar_end = name_width + int(round(bar_space * float(score)))
        cv2.rectangle(chart, (name_width, y0), (bar_end, y1),
                      TOP_BAR_COLOUR if index == top else BAR_COLOUR, -1)
        cv2.putText(chart, f'{100 * float(score):.0f}%', (bar_end + 4, baseline_y), FONT, scale,
                    TEXT_COLOUR, 1, cv2.LINE_AA)
    return chart


def _titled(panel: np.ndarray, title: str, side: int) -> np.ndarray:
    panel = cv2.resize(panel, (side, side), interpolation=cv2.INTER_LINEAR)
    header = np.full((24, side, 3), BACKGROUND, np.uint8)
    cv2.putText(header, title, (4, 17), FONT, 0.5, TEXT_COLOUR, 1, cv2.LINE_AA)
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
    draw_face_region(annotated, result, thickness=max(1, round(image.shape[0] / 300)))
    annotated = cv2.resize(
        annotated, (max(1, round(image.shape[1] * height / image.shape[0])), height),
        interpolation=cv2.INTER_AREA)
    side = (height - 24) // 2
    panels = [
        _titled(
            mask_heat_overlay(result['face'], result['motion_mask']), 'face + motion mask', side)
    ]
    if result['fused_image'] is not None:
        fused = (np.clip(result['fused_image'], 0, 1) * 255).round().astype(np.uint8)
        panels.append(_titled(cv2.cvtColor(fused, cv2.COLOR_RGB2BGR), 'fused image', side))
    top_row = np.hstack(panels)
    bars = probability_bars(classes, result['pred_scores'], top_row.shape[1],
                            height - top_row.shape[0])
    separator = np.full((height, 6, 3), BACKGROUND, np.uint8)
    return np.hstack([annotated, separator, np.vstack([top_row, bars])])


def annotate_frame(frame: np.ndarray, result: dict, classes,
                   frames_per_second: float) -> np.ndarray:
    """Draw one prediction onto a copy of its frame.

    Args:
        frame (np.ndarray): ``(H, W, 3)`` uint8 BGR frame.
        result (dict): Its prediction by ``FMPNInferencer``, possibly an
            error.
        classes (Sequence[str]): Class names in score order.
        frames_per_second (float): Processing speed to print.

    Returns:
        np.ndarray: The annotated ``(H, W, 3)`` uint8 BGR frame.
    """
    annotated = frame.copy()
    height, width = frame.shape[:2]
    scale = max(height / 720, 0.4)
    if result['error'] is None:
        draw_face_region(annotated, result, max(1, round(height / 360)))
        inset = max(width // 5, 48)
        bars = probability_bars(classes, result['pred_scores'], inset, min(inset, height // 2))
        annotated[:bars.shape[0], width - inset:] = bars
        mask = cv2.resize(mask_heat_overlay(result['face'], result['motion_mask']), (inset, inset))
        top = min(bars.shape[0], height - inset)
        annotated[top:top + inset, width - inset:] = mask
    else:
        cv2.putText(annotated, 'no face', (8, int(70 * scale)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                    NO_FACE_COLOUR, 2, cv2.LINE_AA)
    cv2.putText(annotated, f'{frames_per_second:.1f} fps', (8, int(30 * scale)),
                cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 2, cv2.LINE_AA)
    return annotated
