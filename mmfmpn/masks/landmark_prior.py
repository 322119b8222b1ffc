"""Landmark prior maps: where facial motion is likely, from one face's landmarks.

For data without neutral faces (AffectNet, single photos) the paper's Eq. 1 masks cannot be
computed per dataset. This map puts a Gaussian on each of the five alignment points and on
extra points offset from them by half the pupillary distance (brows above the eyes, cheeks
below them by default), the regions where expressions move the face.
"""
from typing import Sequence, Tuple

import numpy as np

from .landmarks import five_alignment_points

#: Extra points as ``(five-point index, offset along the face's downward axis in pupillary
#: distances)``: above each eye (brows) and below each eye (cheeks), half a pupillary
#: distance away. Five-point order: image-left eye, image-right eye, nose tip, image-left
#: and image-right mouth corner.
DEFAULT_EXTRA_POINT_OFFSETS: Tuple[Tuple[int, float],
                                   ...] = ((0, -0.5), (1, -0.5), (0, 0.5), (1, 0.5))


def landmark_key_points(
    landmarks: np.ndarray,
    extra_point_offsets: Sequence[Tuple[int, float]] = DEFAULT_EXTRA_POINT_OFFSETS
) -> Tuple[np.ndarray, float]:
    """The five alignment points plus the extra points offset from them.

    The face's downward axis is the eye line turned by +90 degrees, so the extra points
    follow the face when it is rolled.

    Args:
        landmarks (np.ndarray): ``(5, 2)`` five points or ``(68, 2)`` iBUG landmarks,
            ``(x, y)`` in pixels.
        extra_point_offsets (Sequence[tuple[int, float]]): ``(five-point index, offset in
            pupillary distances along the downward axis)`` per extra point; negative is up.
            Defaults to :data:`DEFAULT_EXTRA_POINT_OFFSETS`.

    Returns:
        tuple[np.ndarray, float]: ``(5 + E, 2)`` float64 points and the pupillary distance
        in pixels.

    Raises:
        ValueError: Landmarks that are no face (see
            :func:`~mmfmpn.masks.landmarks.five_alignment_points`), or an extra point index
            outside 0..4.
    """
    five_points = five_alignment_points(landmarks)
    eye_line = five_points[1] - five_points[0]
    pupillary_distance = float(np.hypot(*eye_line))
    right = eye_line / pupillary_distance
    # Image y points down, so turning "right" by +90 degrees gives the face's "down".
    down = np.array([-right[1], right[0]])
    extra = []
    for index, offset in extra_point_offsets:
        if not 0 <= index < 5:
            raise ValueError(f'extra point index {index} is outside 0..4 (the five '
                             'alignment points)')
        extra.append(five_points[index] + offset * pupillary_distance * down)
    points = np.concatenate([five_points, np.reshape(extra, (-1, 2))])
    return points, pupillary_distance


def landmark_prior_map(
        landmarks: np.ndarray,
        image_size: Tuple[int, int],
        sigma_ratio: float = 0.2,
        extra_point_offsets: Sequence[Tuple[int,
                                            float]] = DEFAULT_EXTRA_POINT_OFFSETS) -> np.ndarray:
    """Sum of Gaussians centred on the key points of a face, normalised to [0, 1].

    Args:
        landmarks (np.ndarray): ``(5, 2)`` or ``(68, 2)`` points ``(x, y)`` in pixels of
            the image.
        image_size (tuple[int, int]): ``(height, width)`` of the map.
        sigma_ratio (float): Gaussian standard deviation in pupillary distances, so that
            the map does not depend on the image scale. Defaults to 0.2 (about 7 px on
            the 70x70 aligned faces).
        extra_point_offsets (Sequence[tuple[int, float]]): See
            :func:`landmark_key_points`.

    Returns:
        np.ndarray: ``(height, width)`` float32 in [0, 1], 1 at its maximum.

    Raises:
        ValueError: ``sigma_ratio <= 0``, a bad size, bad landmarks, or every key point
            so far outside the image that the map is zero.
    """
    height, width = image_size
    if height < 1 or width < 1:
        raise ValueError(f'image size must be positive, got {image_size}')
    if not sigma_ratio > 0:
        raise ValueError(f'sigma_ratio must be positive, got {sigma_ratio}')
    points, pupillary_distance = landmark_key_points(landmarks, extra_point_offsets)
    sigma = sigma_ratio * pupillary_distance
    ys = np.arange(height, dtype=np.float64)[:, None]
    xs = np.arange(width, dtype=np.float64)[None, :]
    prior = np.zeros((height, width), dtype=np.float64)
    for x, y in points:
        prior += np.exp(-((xs - x)**2 + (ys - y)**2) / (2 * sigma**2))
    peak = prior.max()
    if peak < 1e-6:
        raise ValueError(f'the landmarks {np.round(points[:5], 1).tolist()} lie far outside the '
                         f'{width}x{height} image; give landmarks in pixels of this image')
    return (prior / peak).astype(np.float32)
