"""Facial landmarks: the five alignment points, their checks, and the landmark files read.

Every part of the project that turns landmarks into the five alignment points (converters,
landmark prior maps, inference) goes through :func:`five_alignment_points`, so a face that
cannot be aligned is refused the same way everywhere.

Point arrays are ``(x, y)`` in pixels, image-left point first (the subject's right eye). The
five points are: image-left eye centre, image-right eye centre, nose tip, image-left mouth
corner, image-right mouth corner.
"""
from pathlib import PurePath
from typing import Dict, Optional, Sequence, Union

import numpy as np

from mmfmpn.utils.safe_pickle import load_restricted_pickle

#: Index of the nose tip in a five-point array.
NOSE_INDEX = 2
#: The landmark counts :func:`five_alignment_points` accepts.
SUPPORTED_LANDMARK_COUNTS = (5, 68)
#: Fewest pixels between the eye centres of a face that can be aligned.
MIN_EYE_DISTANCE = 1.0
#: Allowed ratio of the eye-to-mouth distance to the eye distance. A frontal face has about
#: 1.2 (the reference face); turned heads stretch it, but outside this range the points do
#: not describe one face (swapped or misplaced points).
EYE_MOUTH_RATIO_RANGE = (0.2, 6.0)
#: How far landmarks may lie outside the image, as a share of its size (faces at the edge).
IMAGE_MARGIN = 0.25

#: The 68-point iBUG indices of the five points (eye contours are averaged).
_LEFT_EYE_68 = slice(36, 42)
_RIGHT_EYE_68 = slice(42, 48)
_NOSE_TIP_68 = 30
_LEFT_MOUTH_CORNER_68 = 48
_RIGHT_MOUTH_CORNER_68 = 54


def five_points_from_68(landmarks: np.ndarray) -> np.ndarray:
    """Reduce the 68 iBUG landmarks to the five alignment points (no other checks).

    Args:
        landmarks (np.ndarray): ``(68, 2)`` landmark ``(x, y)`` in pixels, in the iBUG 68
            order used by CK+ ``Landmarks/*_landmarks.txt``.

    Returns:
        np.ndarray: ``(5, 2)`` float64: mean of points 36-41, mean of points 42-47, point 30,
        point 48, point 54.

    Raises:
        ValueError: ``landmarks`` is not ``(68, 2)``.
    """
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.shape != (68, 2):
        raise ValueError(f'expected (68, 2) landmarks, got shape {landmarks.shape}')
    return np.stack([
        landmarks[_LEFT_EYE_68].mean(axis=0),
        landmarks[_RIGHT_EYE_68].mean(axis=0),
        landmarks[_NOSE_TIP_68],
        landmarks[_LEFT_MOUTH_CORNER_68],
        landmarks[_RIGHT_MOUTH_CORNER_68],
    ])


def five_alignment_points(landmarks: np.ndarray,
                          image_shape: Optional[Sequence[int]] = None) -> np.ndarray:
    """The five alignment points of 5 or 68 landmarks, after checking they describe a face.

    Args:
        landmarks (np.ndarray): ``(5, 2)`` five points or ``(68, 2)`` iBUG landmarks.
        image_shape (Sequence[int], optional): ``(H, W[, C])`` of the image the landmarks
            belong to; when given, the points must lie in it (up to a margin of
            :data:`IMAGE_MARGIN` of its size).

    Returns:
        np.ndarray: ``(5, 2)`` float64.

    Raises:
        ValueError: Another shape; NaN or infinite values; coincident eyes; points that do
            not form a face (the mouth above the eyes, or out of proportion); points outside
            the image. The message says which, without the file (callers add it).
    """
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.ndim != 2 or landmarks.shape[1] != 2 \
            or len(landmarks) not in SUPPORTED_LANDMARK_COUNTS:
        raise ValueError(f'expected (5, 2) or (68, 2) landmarks, got shape '
                         f'{landmarks.shape}')
    if not np.isfinite(landmarks).all():
        raise ValueError('landmarks contain NaN or infinite values')
    points = five_points_from_68(landmarks) if len(landmarks) == 68 else landmarks
    eye_line = points[1] - points[0]
    eye_distance = float(np.hypot(*eye_line))
    if eye_distance < MIN_EYE_DISTANCE:
        raise ValueError(f'the eye centres are {eye_distance:.2f} px apart; the landmarks '
                         'do not describe a face (coincident points)')
    # Image y points down, so the eye line turned by +90 degrees is the face's "down".
    down = np.array([-eye_line[1], eye_line[0]]) / eye_distance
    mouth_offset = float((points[3:].mean(axis=0) - points[:2].mean(axis=0)) @ down)
    low, high = EYE_MOUTH_RATIO_RANGE
    if not low * eye_distance <= mouth_offset <= high * eye_distance:
        raise ValueError(
            f'the mouth lies {mouth_offset:.1f} px below the eyes, which are '
            f'{eye_distance:.1f} px apart (expected {low:g} to {high:g} times that); the '
            'points are swapped or misplaced (order: image-left eye, image-right eye, '
            'nose tip, image-left and image-right mouth corner)')
    if image_shape is not None:
        height, width = image_shape[:2]
        margin = IMAGE_MARGIN * np.array([width, height])
        if np.any(landmarks < -margin) or np.any(landmarks > [width, height] + margin):
            raise ValueError(f'landmarks lie outside the {width}x{height} image (x from '
                             f'{landmarks[:, 0].min():.1f} to {landmarks[:, 0].max():.1f}, y from '
                             f'{landmarks[:, 1].min():.1f} to {landmarks[:, 1].max():.1f}); give '
                             'them in pixels of this image')
    return points


def ckplus_frame_key(frame_path: Union[str, PurePath]) -> str:
    """The location-independent key of a raw CK+ frame.

    Args:
        frame_path (str | PurePath): Any path ending in
            ``S005/001/S005_001_00000001.png`` (POSIX or Windows separators).

    Returns:
        str: The last three path parts joined by ``/``, e.g.
        ``'S005/001/S005_001_00000001.png'``.
    """
    parts = str(frame_path).replace('\\', '/').split('/')
    return '/'.join(parts[-3:])


def load_mtcnn_five_points(pkl_path: str) -> Dict[str, np.ndarray]:
    """Read the FMPN authors' ``bbox_landmark_mtcnn.pkl``.

    The file maps the authors' absolute frame paths to ``[boxes, landmarks]``: ``boxes`` is
    ``(n, 5)`` (x1, y1, x2, y2, score) and ``landmarks`` is ``(n, 10)`` (5 x then 5 y: left
    eye, right eye, nose, left mouth corner, right mouth corner). When a frame has several
    detections the highest-scoring one is kept.

    Args:
        pkl_path (str): The pickle file; it is read with a restricted unpickler.

    Returns:
        dict[str, np.ndarray]: :func:`ckplus_frame_key` of each frame -> ``(5, 2)`` float64
        five points.

    Raises:
        ValueError: The file is not such a dict, an entry is malformed, or two entries end in
            the same frame key.
    """
    detections = load_restricted_pickle(pkl_path, allow_numpy=True)
    if not isinstance(detections, dict):
        raise ValueError(f'{pkl_path}: expected a dict from frame path to '
                         f'[boxes, landmarks], got {type(detections).__name__}')
    five_points_by_frame = {}
    for frame_path, entry in detections.items():
        try:
            boxes, landmarks = entry
            boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 5)
            landmarks = np.asarray(landmarks, dtype=np.float64).reshape(-1, 10)
        except (TypeError, ValueError) as err:
            raise ValueError(f'{pkl_path}: entry {frame_path!r} is not [boxes (n, 5), '
                             f'landmarks (n, 10)] ({err})') from err
        if len(boxes) == 0 or len(boxes) != len(landmarks):
            raise ValueError(f'{pkl_path}: entry {frame_path!r} has {len(boxes)} boxes and '
                             f'{len(landmarks)} landmark rows; expected the same n >= 1')
        best = int(np.argmax(boxes[:, 4]))
        key = ckplus_frame_key(frame_path)
        if key in five_points_by_frame:
            raise ValueError(f'{pkl_path}: two entries end in {key!r}; keep '
                             'one per frame')
        five_points_by_frame[key] = landmarks[best].reshape(2, 5).T.copy()
    return five_points_by_frame
