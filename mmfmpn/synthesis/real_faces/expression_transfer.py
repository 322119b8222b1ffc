"""Move a real face into an expression: FACS landmark motion, then a landmark-driven warp.

The action-unit motion comes from the synthetic face model
(:mod:`mmfmpn.synthesis.face_model`): the model's 68 landmarks of a reference identity
at rest and showing the action units give a displacement per landmark in face units, which a
similarity fitted from the model's neutral landmarks to the real ones carries into the photo.
The photo then follows its landmarks through a piecewise-affine warp over a Delaunay mesh of
the 68 points and a few guide points (forehead, cheeks, chin, a fixed ring outside the face and
the image border), each triangle moving by its own affine map, as the keypoints with local
affine motion of the first-order motion model.
"""
import dataclasses
import functools
from typing import Mapping, Tuple

import cv2
import numpy as np
from scipy.spatial import Delaunay

from mmfmpn.masks.alignment import estimate_similarity_transform
from ..face_model import FaceIdentity, face_landmarks

_NUM_REFERENCE_SAMPLES = 256
# Guide points closer than this (pixels) to an earlier control point are dropped: the Delaunay
# mesh needs distinct vertices.
_MIN_POINT_SPACING = 0.5


@functools.lru_cache(maxsize=1)
def reference_identity() -> FaceIdentity:
    """The average synthetic face: every identity parameter at its mean over random draws.

    Returns:
        FaceIdentity: A fixed identity whose landmark motion stands for an average face.
    """
    rng = np.random.default_rng(0)
    samples = [FaceIdentity.sample(rng) for _ in range(_NUM_REFERENCE_SAMPLES)]
    return FaceIdentity(
        **{
            field.name: float(np.mean([getattr(sample, field.name) for sample in samples]))
            for field in dataclasses.fields(FaceIdentity)
        })


def interocular_distance(landmarks: np.ndarray) -> float:
    """Distance between the eye centres (means of iBUG points 36-41 and 42-47), pixels."""
    return float(np.linalg.norm(landmarks[42:48].mean(axis=0) - landmarks[36:42].mean(axis=0)))


def landmark_motion(landmarks: np.ndarray, action_units: Mapping[str, float]) -> np.ndarray:
    """Displacement of each landmark of a real neutral face showing some action units.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` iBUG landmarks of the neutral face, pixels.
        action_units (Mapping[str, float]): Intensities in [0, 1] keyed by the names of
            :data:`mmfmpn.synthesis.face_model.ACTION_UNITS`; missing ones are off.

    Returns:
        np.ndarray: ``(68, 2)`` float64 displacement in pixels; zero for no action unit.

    Raises:
        ValueError: ``landmarks`` is not ``(68, 2)``, or an unknown action unit or an
            intensity outside [0, 1].
    """
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.shape != (68, 2):
        raise ValueError(f'expected (68, 2) landmarks, got shape {landmarks.shape}')
    identity = reference_identity()
    neutral = face_landmarks(identity, {})
    expressive = face_landmarks(identity, action_units)
    linear = estimate_similarity_transform(neutral, landmarks)[:, :2]
    return (expressive - neutral) @ linear.T


def guide_points(
        landmarks: np.ndarray,
        image_shape: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Extra mesh vertices that spread the landmark motion over the skin around them.

    Each guide point is a fixed combination of landmarks; it moves by that combination of their
    displacements times a damping (forehead above the brows 0.5, cheeks 0.6, below the chin
    0.4). A ring outside the jaw and the image border stay still, so hair, ears and background
    do not move.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` landmarks, pixels.
        image_shape (tuple[int, int]): ``(H, W)`` of the image.

    Returns:
        tuple[np.ndarray, ...]: ``(G, 2)`` guide points, ``(G,)`` dampings, ``(G, 68)``
        weights (a guide point moves by ``damping * weights @ motion``) and ``(F, 2)`` fixed
        points (ring and border).
    """
    height, width = image_shape
    eye_distance = interocular_distance(landmarks)
    rows, dampings, offsets = [], [], []

    def add(weights: dict, damping: float, offset=(0.0, 0.0)):
        row = np.zeros(68)
        for index, weight in weights.items():
            row[index] = weight
        rows.append(row)
        dampings.append(damping)
        offsets.append(offset)

    for brow in range(17, 27):  # forehead above each brow point
        add({brow: 1.0}, 0.5, (0.0, -0.4 * eye_distance))
    for lid, corner, jaw in ((41, 48, 3), (46, 54, 13)):  # cheeks
        add({lid: 1 / 3, corner: 1 / 3, jaw: 1 / 3}, 0.6)
        add({lid: 0.5, jaw: 0.5}, 0.4)
    for point in (7, 8, 9):  # below the chin
        add({point: 1.0}, 0.4, (0.0, 0.25 * eye_distance))
    weights = np.array(rows)
    positions = weights @ landmarks + np.array(offsets)
    centre = landmarks[27:36].mean(axis=0)
    ring = centre + 1.35 * (landmarks[0:17:2] - centre)
    top = centre + np.array([[0.0, -2.2], [-1.2, -1.8], [1.2, -1.8]]) * eye_distance
    border = np.array([[x, y] for x in (0, (width - 1) / 2, width - 1)
                       for y in (0, (height - 1) / 2, height - 1)
                       if (x, y) != ((width - 1) / 2, (height - 1) / 2)])
    fixed = np.concatenate([ring, top, border])
    return positions, np.array(dampings), weights, fixed


def control_points(landmarks: np.ndarray, motion: np.ndarray,
                   image_shape: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
    """Mesh vertices before and after the motion: landmarks, guide points, fixed frame.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` neutral landmarks, pixels.
        motion (np.ndarray): ``(68, 2)`` their displacement, pixels.
        image_shape (tuple[int, int]): ``(H, W)``.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(P, 2)`` source and ``(P, 2)`` moved positions, the
        first 68 being the landmarks; points that would coincide after the motion are merged.
    """
    guides, dampings, weights, fixed = guide_points(landmarks, image_shape)
    guide_motion = dampings[:, None] * (weights @ motion)
    source = np.concatenate([landmarks, guides, fixed])
    moved = np.concatenate([landmarks + motion, guides + guide_motion, fixed])
    keep = []
    for index, point in enumerate(moved):
        if all(np.linalg.norm(point - moved[kept]) >= _MIN_POINT_SPACING for kept in keep):
            keep.append(index)
    return source[keep], moved[keep]


def warp_to_landmarks(image: np.ndarray, landmarks: np.ndarray,
                      moved_landmarks: np.ndarray) -> np.ndarray:
    """Warp a face so that its landmarks land on new positions (piecewise affine).

    Args:
        image (np.ndarray): ``(H, W)`` gray uint8 or float image.
        landmarks (np.ndarray): ``(68, 2)`` landmarks in ``image``, pixels.
        moved_landmarks (np.ndarray): ``(68, 2)`` where they should be in the output.

    Returns:
        np.ndarray: ``(H, W)`` float32 image in the input's value range; the input itself
        (as float32) when nothing moves.
    """
    landmarks = np.asarray(landmarks, dtype=np.float64)
    motion = np.asarray(moved_landmarks, dtype=np.float64) - landmarks
    if not np.any(np.abs(motion) > 1e-9):
        return image.astype(np.float32)
    source, moved = control_points(landmarks, motion, image.shape[:2])
    height, width = image.shape[:2]
    # Map every output pixel back into the input through its mesh triangle: barycentric
    # coordinates in the moved mesh, the same combination of the source vertices.
    mesh = Delaunay(moved)
    grid = np.stack(
        np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64)),
        axis=-1).reshape(-1, 2)
    simplex = mesh.find_simplex(grid)
    outside = simplex < 0
    simplex[outside] = 0
    transform = mesh.transform[simplex]
    partial = np.einsum('nij,nj->ni', transform[:, :2], grid - transform[:, 2])
    barycentric = np.concatenate([partial, 1 - partial.sum(axis=1, keepdims=True)], axis=1)
    source_xy = np.einsum('nk,nkj->nj', barycentric, source[mesh.simplices[simplex]])
    source_xy[outside] = grid[outside]
    maps = source_xy.reshape(height, width, 2).astype(np.float32)
    return cv2.remap(
        image.astype(np.float32),
        maps[..., 0],
        maps[..., 1],
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE)
