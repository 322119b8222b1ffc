"""Registration of an expressive face onto its neutral face beyond five points, and the face region.

Five-point alignment leaves photo pairs (taken apart, the head moved between them) a few pixels
off: after the difference and histogram equalisation, hair, the face outline and the eyes light
up as if they moved. :func:`refine_registration` fits an affine map of the expressive face onto
the neutral one by dense ECC (``cv2.findTransformECC``) over still regions only, so the
expression's own motion (mouth, brows) does not pull the fit. :func:`face_region` keeps the
difference inside the face (no hair, background or outline).

Both work on the aligned crops of :mod:`mmfmpn.masks.alignment`, where every face sits on the
same reference five points, so the regions are drawn once from an average 68-point face.
"""
import functools
from typing import NamedTuple, Optional

import cv2
import numpy as np

from .alignment import (REFERENCE_FIVE_POINTS, alignment_matrix, estimate_similarity_transform,
                        transform_points)
from .landmarks import five_points_from_68

_ECC_ITERATIONS = 100
_ECC_EPSILON = 1e-5


@functools.lru_cache(maxsize=1)
def _average_face_68() -> np.ndarray:
    # Imported here: the masks package does not otherwise depend on the face model.
    from mmfmpn.synthesis.face_model import face_landmarks
    from mmfmpn.synthesis.real_faces.expression_transfer import reference_identity
    return face_landmarks(reference_identity(), {})


def reference_landmarks(crop_size: int = 70) -> np.ndarray:
    """The 68 landmarks of an average face in an aligned ``crop_size`` crop.

    Args:
        crop_size (int): Side of the aligned crop. Defaults to 70.

    Returns:
        np.ndarray: ``(68, 2)`` float64 pixels of the crop.
    """
    face = _average_face_68()
    to_reference = estimate_similarity_transform(five_points_from_68(face), REFERENCE_FIVE_POINTS)
    in_reference = transform_points(face, to_reference)
    return transform_points(in_reference,
                            alignment_matrix(five_points_from_68(in_reference), crop_size))


def face_region(landmarks: np.ndarray,
                shape,
                forehead: float = 0.4,
                inset: float = 0.0) -> np.ndarray:
    """The skin of the face: inside the jaw line and up to a band of forehead above the brows.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` landmarks in the image, pixels.
        shape (tuple[int, int]): ``(H, W)`` of the image.
        forehead (float): How far above the brows the region reaches, in eye distances.
            Defaults to 0.4.
        inset (float): How far inside the jaw-line landmarks it stops, in eye distances.
            Defaults to 0 (up to the outline landmarks; hair and background stay out).

    Returns:
        np.ndarray: ``(H, W)`` uint8, 1 inside the face and 0 outside.
    """
    landmarks = np.asarray(landmarks, dtype=np.float64)
    eye_distance = float(
        np.linalg.norm(landmarks[42:48].mean(axis=0) - landmarks[36:42].mean(axis=0)))
    brows = landmarks[26:16:-1] - [0.0, forehead * eye_distance]
    outline = np.concatenate([landmarks[0:17], brows])
    region = np.zeros(shape, np.uint8)
    cv2.fillPoly(region, [np.round(outline * 16).astype(np.int32)], 1, cv2.LINE_8, shift=4)
    radius = int(round(inset * eye_distance))
    if radius > 0:
        region = cv2.erode(
            region, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1)))
    return region


def still_region(landmarks: np.ndarray, shape) -> np.ndarray:
    """Where an expression moves the face least: the face region without the mouth and chin.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` landmarks, pixels.
        shape (tuple[int, int]): ``(H, W)``.

    Returns:
        np.ndarray: ``(H, W)`` uint8 mask, 1 on the still region.
    """
    region = face_region(landmarks, shape, forehead=0.5, inset=0.0)
    eye_distance = float(
        np.linalg.norm(landmarks[42:48].mean(axis=0) - landmarks[36:42].mean(axis=0)))
    mouth_top = float(landmarks[33, 1] + 0.1 * eye_distance)
    region[max(0, int(np.floor(mouth_top))):] = 0
    return region


@functools.lru_cache(maxsize=4)
def aligned_face_regions(crop_size: int = 70):
    """Face and still regions of the aligned crops (see :func:`reference_landmarks`).

    Args:
        crop_size (int): Side of the aligned crop. Defaults to 70.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(crop_size, crop_size)`` uint8 face region and still
        region (read-only).
    """
    landmarks = reference_landmarks(crop_size)
    regions = (face_region(landmarks,
                           (crop_size, crop_size)), still_region(landmarks, (crop_size, crop_size)))
    for region in regions:
        region.flags.writeable = False
    return regions


class Registration(NamedTuple):
    """The result of :func:`refine_registration`.

    Args:
        image (np.ndarray): ``(H, W)`` uint8 moving image resampled onto the fixed one.
        matrix (np.ndarray): ``(2, 3)`` float64 affine map from fixed-image coordinates to
            moving-image coordinates (identity when the fit failed).
        converged (bool): Whether ECC converged; if not, ``image`` is the unchanged input.
    """
    image: np.ndarray
    matrix: np.ndarray
    converged: bool


def refine_registration(moving: np.ndarray,
                        fixed: np.ndarray,
                        region: Optional[np.ndarray] = None,
                        motion: int = cv2.MOTION_AFFINE,
                        smoothing: int = 5) -> Registration:
    """Fit ``moving`` onto ``fixed`` by dense ECC over ``region`` and resample it.

    Args:
        moving (np.ndarray): ``(H, W)`` uint8 image to move (the expressive face).
        fixed (np.ndarray): ``(H, W)`` uint8 template (the neutral face).
        region (np.ndarray, optional): ``(H, W)`` uint8 mask of the pixels the fit uses (still
            regions); None uses all. Defaults to None.
        motion (int): ``cv2.MOTION_TRANSLATION``, ``MOTION_EUCLIDEAN`` or ``MOTION_AFFINE``.
            Defaults to affine.
        smoothing (int): Gaussian filter size ECC applies before fitting (odd). Defaults to 5.

    Returns:
        Registration: The resampled image, the matrix and whether ECC converged.

    Raises:
        ValueError: The images differ in shape or are not 2-D.
    """
    if moving.ndim != 2 or moving.shape != fixed.shape:
        raise ValueError(f'expected two (H, W) gray images of one shape, got {moving.shape} '
                         f'and {fixed.shape}')
    matrix = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, _ECC_ITERATIONS, _ECC_EPSILON)
    try:
        _, matrix = cv2.findTransformECC(
            fixed.astype(np.float32), moving.astype(np.float32), matrix, motion, criteria, region,
            smoothing)
    except cv2.error:
        return Registration(moving, np.eye(2, 3), False)
    height, width = fixed.shape
    registered = cv2.warpAffine(
        moving,
        matrix, (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE)
    return Registration(registered, matrix.astype(np.float64), True)
