"""Landmark conversions for real face photos: the London Set's 189 points to the 68 iBUG points.

The Face Research Lab London Set is annotated with the lab's 189-point Psychomorph/WebMorph
template. The expression synthesis and the CK+ layout use the 68 iBUG points, so the template's
curves (lids, brows, lips, jaw) are resampled by arc length at the iBUG positions. Point indices
were read off a plot of the template on a London photo (0/1 pupils, 18-22 / 23-27 upper lids,
28-30 / 31-33 lower lids, 71-76 / 77-82 brows, 87-93 upper lip, 94-98 / 99-103 inner lips,
104-108 lower lip, 109-133 jaw, 55 bottom of the nose, 179-182 nose tip).
"""
import numpy as np

#: The 189-point template indices of the curves the 68 iBUG points are sampled from.
_JAW = (109, 110, 111, 125, 126, 127, 128, 129, 130, 131, 132, 133, 114, 113, 112)
_LEFT_BROW = (71, 72, 73, 74, 75, 76)  # outer to inner
_RIGHT_BROW = (77, 78, 79, 80, 81, 82)  # inner to outer
_LEFT_UPPER_LID = (18, 19, 20, 21, 22)  # outer corner to inner corner
_LEFT_LOWER_LID = (18, 28, 29, 30, 22)
_RIGHT_UPPER_LID = (23, 24, 25, 26, 27)  # inner corner to outer corner
_RIGHT_LOWER_LID = (23, 31, 32, 33, 27)
_BRIDGE_TOP = (50, 56)
_NOSE_TIP = (179, 180, 181, 182)
_SUBNASALE = 55
_LEFT_NOSTRIL_BASE = (63, 64)
_RIGHT_NOSTRIL_BASE = (68, 69)
_OUTER_UPPER_LIP = (87, 88, 89, 90, 91, 92, 93)  # left corner to right corner
_OUTER_LOWER_LIP = (93, 108, 107, 106, 105, 104, 87)  # right corner to left corner
_INNER_UPPER_LIP = (87, 94, 95, 96, 97, 98, 93)
_INNER_LOWER_LIP = (93, 103, 102, 101, 100, 99, 87)

NUM_LONDON_POINTS = 189


def resample_polyline(points: np.ndarray, num: int) -> np.ndarray:
    """Points evenly spaced by arc length along a polyline, both ends included.

    Args:
        points (np.ndarray): ``(K, 2)`` vertices, K >= 2.
        num (int): Number of output points, >= 2.

    Returns:
        np.ndarray: ``(num, 2)`` float64.
    """
    points = np.asarray(points, dtype=np.float64)
    lengths = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    targets = np.linspace(0.0, along[-1], num)
    return np.stack([np.interp(targets, along, points[:, axis]) for axis in (0, 1)], axis=1)


def london_to_ibug68(points: np.ndarray) -> np.ndarray:
    """Reduce the London Set's 189 template points to the 68 iBUG points.

    Args:
        points (np.ndarray): ``(189, 2)`` template points ``(x, y)`` in pixels.

    Returns:
        np.ndarray: ``(68, 2)`` float64 iBUG landmarks in the same pixels.

    Raises:
        ValueError: ``points`` is not ``(189, 2)``.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.shape != (NUM_LONDON_POINTS, 2):
        raise ValueError(f'expected the ({NUM_LONDON_POINTS}, 2) London template points, got '
                         f'shape {points.shape}')

    def curve(indices, num):
        return resample_polyline(points[list(indices)], num)

    jaw = curve(_JAW, 17)
    brows = [curve(_LEFT_BROW, 5), curve(_RIGHT_BROW, 5)]
    bridge_top = points[list(_BRIDGE_TOP)].mean(axis=0)
    nose_tip = points[list(_NOSE_TIP)].mean(axis=0)
    bridge = bridge_top + np.linspace(0, 1, 4)[:, None] * (nose_tip - bridge_top)
    subnasale = points[_SUBNASALE]
    left_base = points[list(_LEFT_NOSTRIL_BASE)].mean(axis=0)
    right_base = points[list(_RIGHT_NOSTRIL_BASE)].mean(axis=0)
    nostril_base = np.stack([
        left_base, (left_base + subnasale) / 2, subnasale, (right_base + subnasale) / 2, right_base
    ])
    left_upper, left_lower = curve(_LEFT_UPPER_LID, 4), curve(_LEFT_LOWER_LID, 4)
    right_upper, right_lower = curve(_RIGHT_UPPER_LID, 4), curve(_RIGHT_LOWER_LID, 4)
    left_eye = np.concatenate([left_upper, left_lower[[2, 1]]])  # 36-39, then 40 (inner), 41
    right_eye = np.concatenate([right_upper, right_lower[[2, 1]]])  # 42-45, then 46 (outer), 47
    outer_upper = curve(_OUTER_UPPER_LIP, 7)  # 48-54
    outer_lower = curve(_OUTER_LOWER_LIP, 7)[1:-1]  # 55-59
    inner_upper = curve(_INNER_UPPER_LIP, 7)[1:-1]  # 60-64
    inner_lower = curve(_INNER_LOWER_LIP, 5)[1:-1]  # 65-67
    return np.concatenate([
        jaw, *brows, bridge, nostril_base, left_eye, right_eye, outer_upper, outer_lower,
        inner_upper, inner_lower
    ])
