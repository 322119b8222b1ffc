"""What a warp cannot show on a real face: the open mouth, deepening creases, changing light.

A warp only moves the pixels of the neutral photo. When the lips part it stretches the lip line
across the opening, so :func:`render_mouth_interior` paints the dark mouth cavity with upper and
lower teeth into the gap between the inner lip landmarks. Action units also fold the skin:
:func:`crease_shading` darkens the furrows between the brows (AU4), across the nose (AU9), at the
outer eye corners and under the eyes (AU6), the nasolabial folds (AU12, AU9, AU10, AU14), the
forehead lines (AU1, AU2) and the chin (AU15, AU17), as relative brightness changes placed from
the landmarks. :func:`lighting_field` gives a smooth within-face exposure change.

All positions come from the 68 iBUG landmarks of the frame; sizes scale with the distance
between the eye centres, so the same code serves 128 px crops and full photos.
"""
import math
from typing import Mapping, Tuple

import cv2
import numpy as np

from .expression_transfer import interocular_distance

_SUPERSAMPLE = 4  # sub-pixel steps when rasterising the mouth opening (anti-aliasing)


def _polygon_coverage(points: np.ndarray, shape: Tuple[int, int]) -> np.ndarray:
    """Anti-aliased coverage in [0, 1] of a filled polygon, ``(H, W)`` float32."""
    height, width = shape
    big = np.zeros((height * _SUPERSAMPLE, width * _SUPERSAMPLE), np.float32)
    scaled = (points + 0.5) * _SUPERSAMPLE - 0.5
    cv2.fillPoly(big, [np.round(scaled * 16).astype(np.int32)], 1.0, cv2.LINE_8, shift=4)
    return cv2.resize(big, (width, height), interpolation=cv2.INTER_AREA)


def mouth_opening(landmarks: np.ndarray) -> float:
    """Largest gap between the inner lips (iBUG 61-63 against 67-65), pixels; 0 when closed."""
    return float(max(0.0, np.max(landmarks[[67, 66, 65], 1] - landmarks[[61, 62, 63], 1])))


def render_mouth_interior(image: np.ndarray,
                          landmarks: np.ndarray,
                          min_opening: float = 1.0) -> np.ndarray:
    """Paint the mouth cavity and teeth between parted lips.

    The opening is the polygon of the inner lip landmarks (60-67). Inside it, upper teeth hang
    from the upper lip (about a fifth of the mouth width tall at the centre, tapering to the
    corners), lower teeth rise from the lower lip (smaller), and the rest is a dark cavity. Gray
    levels follow the face: teeth a little brighter than the skin, the cavity a fifth of it.

    Args:
        image (np.ndarray): ``(H, W)`` float32 gray frame in [0, 255], already warped so that
            its lips lie on ``landmarks``.
        landmarks (np.ndarray): ``(68, 2)`` landmarks of the frame, pixels.
        min_opening (float): Below this gap (pixels) the lips count as closed and the image is
            returned unchanged; pass the neutral face's gap plus a margin for faces annotated
            with slightly parted lips. Defaults to 1.

    Returns:
        np.ndarray: ``(H, W)`` float32 frame with the mouth interior painted.
    """
    if mouth_opening(landmarks) < min_opening:
        return image
    height, width = image.shape
    inner = landmarks[60:68]
    coverage = _polygon_coverage(inner, (height, width))
    if coverage.max() <= 0:
        return image
    mouth_width = float(np.linalg.norm(landmarks[54] - landmarks[48]))
    eye_distance = interocular_distance(landmarks)
    # Skin brightness from the cheeks and chin around the mouth (not the lips themselves).
    samples = np.concatenate([
        landmarks[[3, 5, 11, 13]], landmarks[[31, 35]] * 0.5 + landmarks[[48, 54]] * 0.5 +
        [[-0.1 * eye_distance, 0.0], [0.1 * eye_distance, 0.0]]
    ])
    columns = np.clip(np.round(samples[:, 0]).astype(int), 0, width - 1)
    rows = np.clip(np.round(samples[:, 1]).astype(int), 0, height - 1)
    skin = float(np.median(image[rows, columns]))
    teeth_level = min(235.0, 1.1 * skin + 20.0)
    cavity_level = 0.2 * skin

    upper = landmarks[[60, 61, 62, 63, 64]]
    lower = landmarks[[60, 67, 66, 65, 64]]
    xs = np.arange(width, dtype=np.float64)
    upper_y = np.interp(xs, upper[:, 0], upper[:, 1])
    lower_y = np.interp(xs, lower[:, 0], lower[:, 1])
    centre_x = (landmarks[60, 0] + landmarks[64, 0]) / 2
    half_width = max(1e-6, (landmarks[64, 0] - landmarks[60, 0]) / 2)
    across = np.clip((xs - centre_x) / half_width, -1, 1)
    taper = np.sqrt(np.clip(1 - across**2, 0, 1))
    y = np.arange(height, dtype=np.float64)[:, None]
    below_upper = y - upper_y[None, :]
    above_lower = lower_y[None, :] - y
    upper_teeth = below_upper < 0.2 * mouth_width * taper[None, :]
    lower_teeth = above_lower < 0.11 * mouth_width * taper[None, :]
    # Teeth darken towards the mouth corners (they curve away) and show faint gaps.
    tooth_phase = np.cos(2 * math.pi * (xs - centre_x) / max(2.0, 0.11 * mouth_width))
    tooth_shade = (0.55 + 0.45 * taper) * (1 - 0.06 * (tooth_phase > 0.8))
    interior = np.full((height, width), cavity_level, np.float32)
    interior = np.where(lower_teeth, 0.85 * teeth_level * tooth_shade[None, :], interior)
    interior = np.where(upper_teeth, teeth_level * tooth_shade[None, :], interior)
    # A soft shadow under the upper lip.
    interior *= (1 - 0.25 * np.exp(-np.clip(below_upper, 0, None) / max(0.5, 0.03 * mouth_width)))
    interior = cv2.GaussianBlur(interior.astype(np.float32), (0, 0), 0.6)
    return (image * (1 - coverage) + interior * coverage).astype(np.float32)


def _stroke(layer: np.ndarray, points: np.ndarray, value: float, thickness: float) -> None:
    """Draw a polyline of relative brightness ``value`` into a float layer (sub-pixel)."""
    if value == 0:
        return
    cv2.polylines(
        layer, [np.round(np.asarray(points) * 16).astype(np.int32)],
        False,
        float(value),
        max(1, int(round(thickness))),
        cv2.LINE_AA,
        shift=4)


def _curve(start, control, end, num: int = 9) -> np.ndarray:
    t = np.linspace(0, 1, num)[:, None]
    return ((1 - t)**2 * np.asarray(start) + 2 * (1 - t) * t * np.asarray(control) +
            t**2 * np.asarray(end))


def crease_shading(landmarks: np.ndarray, action_units: Mapping[str, float],
                   shape: Tuple[int, int]) -> np.ndarray:
    """Relative brightness change of the creases the action units fold into the skin.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` landmarks of the (warped) frame, pixels.
        action_units (Mapping[str, float]): Intensities in [0, 1]; missing ones are off.
        shape (tuple[int, int]): ``(H, W)`` of the frame.

    Returns:
        np.ndarray: ``(H, W)`` float32 in about [-0.5, 0.2]; multiply the frame by
        ``1 + shading``. All zero for no action unit.
    """
    au = {
        name: float(action_units.get(name, 0.0))
        for name in ('AU1', 'AU2', 'AU4', 'AU6', 'AU7', 'AU9', 'AU10', 'AU12', 'L14', 'R14', 'AU15',
                     'AU17')
    }
    fine = np.zeros(shape, np.float32)
    broad = np.zeros(shape, np.float32)
    eye_distance = interocular_distance(landmarks)
    line = 0.03 * eye_distance
    down = np.array([0.0, eye_distance])
    right = np.array([eye_distance, 0.0])

    # AU4: vertical furrows between the brows and a shadow over the nose root.
    inner_left, inner_right = landmarks[21], landmarks[22]
    for share in (0.3, 0.7):
        top = inner_left + share * (inner_right - inner_left)
        _stroke(fine, [top - 0.12 * down, top + 0.05 * down, top + 0.16 * down], -0.45 * au['AU4'],
                line)
    _stroke(broad, [(inner_left + inner_right) / 2, landmarks[27]], -0.12 * au['AU4'],
            0.25 * eye_distance)
    # AU1 / AU2: forehead lines above the brows (AU1 in the middle, AU2 at the sides).
    brow_middle = landmarks[17:27].mean(axis=0)
    for row in range(3):
        centre = brow_middle - (0.3 + 0.14 * row) * down
        xs = np.linspace(-0.75, 0.75, 11)
        points = centre + np.stack([xs * eye_distance, 0.06 * eye_distance * xs**2], axis=1)
        depth = 0.3 * au['AU1'] * (1 - 0.6 * np.abs(xs)) + 0.25 * au['AU2'] * np.abs(xs)
        for start in range(len(xs) - 1):
            _stroke(fine, points[start:start + 2], -float(depth[start:start + 2].mean()), line)
    # AU9: horizontal wrinkles across the nose bridge.
    for share in (0.35, 0.55, 0.75):
        centre = landmarks[27] + share * (landmarks[30] - landmarks[27])
        _stroke(fine, [centre - 0.13 * right, centre + 0.02 * down, centre + 0.13 * right],
                -0.4 * au['AU9'], line)
    for side, (outer_corner, lower_lid, wing, mouth_corner, dimpler) in zip(
        (-1, 1), ((landmarks[36], landmarks[[41, 40]], landmarks[31], landmarks[48], au['R14']),
                  (landmarks[45], landmarks[[47, 46]], landmarks[35], landmarks[54], au['L14']))):
        # AU6: crow's feet at the outer eye corner and a fold under the lower lid.
        for angle in np.radians([-25.0, 0.0, 25.0]):
            start = outer_corner + side * 0.06 * right
            end = start + 0.2 * eye_distance * np.array([side * math.cos(angle), math.sin(angle)])
            _stroke(fine, [start, end], -(0.35 * au['AU6'] + 0.1 * au['AU7']), line)
        _stroke(fine, lower_lid + 0.12 * down,
                -(0.3 * au['AU6'] + 0.2 * au['AU7'] + 0.15 * au['AU9']), line)
        cheek = (outer_corner + mouth_corner) / 2 - 0.1 * down
        _stroke(broad, [cheek - 0.1 * right, cheek + 0.1 * right],
                0.08 * au['AU6'] + 0.04 * au['AU12'], 0.3 * eye_distance)
        # Nasolabial fold, from above the nose wing to beyond the mouth corner.
        fold_depth = min(
            1.3, 0.85 * au['AU12'] + 0.55 * au['AU9'] + 0.5 * au['AU10'] + 0.25 * au['AU6'] +
            0.5 * dimpler)
        start = wing + side * 0.1 * right - 0.08 * down
        end = mouth_corner + side * 0.1 * right + 0.12 * down
        control = np.array([wing[0] + side * 0.3 * eye_distance, (start[1] + end[1]) / 2])
        fold = _curve(start, control, end)
        _stroke(fine, fold, -0.35 * fold_depth, 1.2 * line)
        _stroke(broad, fold, -0.1 * fold_depth, 0.12 * eye_distance)
        _stroke(broad, fold + side * 0.1 * right, 0.05 * fold_depth, 0.12 * eye_distance)
        # AU14 dimple and AU15 lines down from the mouth corner.
        _stroke(
            fine,
            _curve(
                mouth_corner + side * 0.05 * right - 0.05 * down,
                mouth_corner + side * 0.08 * right,
                mouth_corner + side * 0.05 * right + 0.05 * down,
                num=5), -0.5 * dimpler, line)
        _stroke(
            fine,
            [mouth_corner + side * 0.02 * right, mouth_corner + side * 0.05 * right + 0.2 * down],
            -0.4 * au['AU15'], line)
    # AU17: the chin boss pushes up and a crease deepens under the lower lip.
    lip_bottom = landmarks[57]
    xs = np.linspace(-0.18, 0.18, 7)
    _stroke(
        fine, lip_bottom + 0.1 * down +
        np.stack([xs * eye_distance, -0.03 * eye_distance * (1 - (xs / 0.18)**2)], axis=1),
        -0.4 * au['AU17'], line)

    fine = 0.7 * cv2.GaussianBlur(fine, (0, 0), max(0.4, 0.03 * eye_distance))
    broad = cv2.GaussianBlur(broad, (0, 0), max(0.5, 0.08 * eye_distance))
    return np.clip(fine + broad, -0.6, 0.3)


def lighting_field(landmarks: np.ndarray, shape: Tuple[int, int], gradient_x: float,
                   gradient_y: float, curvature: float) -> np.ndarray:
    """Smooth exposure gain across the face (side light, top light, a bright or dim centre).

    Args:
        landmarks (np.ndarray): ``(68, 2)`` landmarks; the field is centred on the nose.
        shape (tuple[int, int]): ``(H, W)``.
        gradient_x (float): Gain change per eye distance to the image right.
        gradient_y (float): Gain change per eye distance downwards.
        curvature (float): Gain change at one eye distance from the centre (negative dims the
            edges of the face).

    Returns:
        np.ndarray: ``(H, W)`` float32 gain, 1 at the centre of the face.
    """
    height, width = shape
    centre = landmarks[27:36].mean(axis=0)
    scale = 1.0 / interocular_distance(landmarks)
    u = (np.arange(width, dtype=np.float32) - centre[0]) * scale
    v = (np.arange(height, dtype=np.float32) - centre[1]) * scale
    gain = 1 + gradient_x * u[None, :] + gradient_y * v[:, None] + curvature * (
        u[None, :]**2 + v[:, None]**2)
    return np.clip(gain, 0.5, 1.5).astype(np.float32)
