"""Five-point face alignment to the 70x70 crops used by FMPN (points: :mod:`.landmarks`).

A face is mapped by a least-squares similarity transform (Umeyama) from its five points (eye
centres, nose tip, mouth corners) onto the standard 96x112 five-point reference face; the
70x70 crop is then centred on the reference nose tip. Both steps are composed into one 2x3
matrix so that the raw frame is interpolated only once.

Point arrays are ``(x, y)`` in pixels, image-left point first (the subject's right eye).
"""
import cv2
import numpy as np

from .landmarks import NOSE_INDEX

#: Five points of the standard 96x112 (width x height) aligned face: image-left eye centre,
#: image-right eye centre, nose tip, image-left mouth corner, image-right mouth corner.
REFERENCE_FIVE_POINTS = np.array([[30.2946, 51.6963], [65.5318, 51.5014], [48.0252, 71.7366],
                                  [33.5493, 92.3655], [62.7299, 92.2041]],
                                 dtype=np.float64)

#: Side of the aligned square faces in pixels, as the FMPN authors' CK+ faces and masks.
ALIGNED_FACE_SIZE = 70


def estimate_similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity transform from ``src`` to ``dst`` (Umeyama, 1991).

    Rotation, uniform scale and translation, without reflection; every point counts (no
    RANSAC outlier rejection, unlike ``cv2.estimateAffinePartial2D``'s default).

    Args:
        src (np.ndarray): ``(N, 2)`` source points, N >= 2.
        dst (np.ndarray): ``(N, 2)`` destination points.

    Returns:
        np.ndarray: ``(2, 3)`` float64 matrix ``M`` with ``dst ~= M @ [x, y, 1]``.

    Raises:
        ValueError: The shapes differ or are not ``(N, 2)``, or the source points all
            coincide.
    """
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    if src.ndim != 2 or src.shape[1] != 2 or src.shape != dst.shape \
            or len(src) < 2:
        raise ValueError('expected two (N, 2) point arrays with N >= 2, got '
                         f'shapes {src.shape} and {dst.shape}')
    src_mean = src.mean(axis=0)
    dst_mean = dst.mean(axis=0)
    src_centred = src - src_mean
    dst_centred = dst - dst_mean
    src_variance = (src_centred**2).sum() / len(src)
    if src_variance <= 1e-12:
        raise ValueError('the source points all coincide; cannot estimate a '
                         'similarity transform')
    covariance = dst_centred.T @ src_centred / len(src)
    u, singular_values, vt = np.linalg.svd(covariance)
    # Flip the weakest axis when the best orthogonal fit is a reflection.
    reflection = np.linalg.det(u) * np.linalg.det(vt) < 0
    signs = np.array([1.0, -1.0 if reflection else 1.0])
    rotation = u @ np.diag(signs) @ vt
    scale = (singular_values * signs).sum() / src_variance
    translation = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, translation[:, None]])


def alignment_matrix(five_points: np.ndarray, crop_size: int = ALIGNED_FACE_SIZE) -> np.ndarray:
    """The affine map from a raw frame to its aligned ``crop_size`` square crop.

    The similarity transform onto :data:`REFERENCE_FIVE_POINTS` followed by the shift that
    puts the reference nose tip at the centre of the crop.

    Args:
        five_points (np.ndarray): ``(5, 2)`` points of the face in the raw frame (see
            :func:`~mmfmpn.masks.landmarks.five_alignment_points`).
        crop_size (int): Side of the square crop in pixels. Defaults to
            :data:`ALIGNED_FACE_SIZE` (70).

    Returns:
        np.ndarray: ``(2, 3)`` float64 matrix for ``cv2.warpAffine`` and
        :func:`transform_points`.
    """
    to_reference = estimate_similarity_transform(five_points, REFERENCE_FIVE_POINTS)
    # Pixel centres run from 0 to crop_size - 1, so the middle is (crop_size - 1) / 2.
    crop_centre = (crop_size - 1) / 2.0
    to_reference[:, 2] += crop_centre - REFERENCE_FIVE_POINTS[NOSE_INDEX]
    return to_reference


def transform_points(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Map points by a 2x3 affine matrix.

    Args:
        points (np.ndarray): ``(N, 2)`` points ``(x, y)``.
        matrix (np.ndarray): ``(2, 3)`` affine matrix, e.g. from :func:`alignment_matrix`.

    Returns:
        np.ndarray: ``(N, 2)`` float64 mapped points.
    """
    points = np.asarray(points, dtype=np.float64)
    return points @ matrix[:, :2].T + matrix[:, 2]


def align_face(image: np.ndarray,
               five_points: np.ndarray,
               crop_size: int = ALIGNED_FACE_SIZE) -> np.ndarray:
    """Align and crop a face in one bilinear warp, anti-aliased when it
    shrinks the face.

    Args:
        image (np.ndarray): ``(H, W)`` gray or ``(H, W, 3)`` BGR uint8 raw frame.
        five_points (np.ndarray): ``(5, 2)`` points of the face in ``image``.
        crop_size (int): Side of the square crop in pixels. Defaults to
            :data:`ALIGNED_FACE_SIZE` (70).

    Returns:
        np.ndarray: ``(crop_size, crop_size)`` uint8 gray aligned face.

    Raises:
        ValueError: ``image`` is neither 2-D gray nor 3-channel.
    """
    if image.ndim == 3 and image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    elif image.ndim != 2:
        raise ValueError('expected an (H, W) gray or (H, W, 3) BGR image, got '
                         f'shape {image.shape}')
    return warp_to_crop(image, alignment_matrix(five_points, crop_size), crop_size)


def warp_to_crop(image: np.ndarray, matrix: np.ndarray, crop_size: int) -> np.ndarray:
    """Resample an image into a square crop in one bilinear warp.

    When the warp shrinks the image it is blurred first (anti-aliasing, as
    skimage's ``rescale`` does): a shrinking bilinear warp samples sensor
    noise instead of averaging it. The border is replicated, so that a face
    near the frame edge shows no black wedge, which would otherwise appear
    as motion in the difference masks.

    Args:
        image (np.ndarray): ``(H, W)`` or ``(H, W, C)`` image.
        matrix (np.ndarray): ``(2, 3)`` affine map from ``image`` to the crop.
        crop_size (int): Side of the square crop in pixels.

    Returns:
        np.ndarray: ``(crop_size, crop_size[, C])`` image of ``image``'s dtype.
    """
    downscale = 1.0 / np.sqrt(abs(np.linalg.det(matrix[:, :2])))
    if downscale > 1:
        image = cv2.GaussianBlur(image, (0, 0), (downscale - 1) / 2)
    return cv2.warpAffine(
        image,
        matrix, (crop_size, crop_size),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE)
