"""Ground-truth facial motion masks (FMPN paper, Eq. 1) and their montage.

The mask of class ``c`` is the mean, over the training samples of that class, of the absolute
difference between the aligned expressive face and the aligned neutral face of the same
sequence, histogram-equalised to the full 8-bit range.
"""
import warnings
from pathlib import Path
from typing import Optional, Sequence, Union

import cv2
import numpy as np

from .image_io import read_gray_image
from .registration import aligned_face_regions, refine_registration

#: An aligned gray face given as an image file or as an ``(H, W)`` uint8 array.
FaceImage = Union[str, Path, np.ndarray]


def _as_gray_array(image: FaceImage) -> np.ndarray:
    if isinstance(image, np.ndarray):
        if image.ndim != 2:
            raise ValueError('expected an (H, W) gray face, got shape '
                             f'{image.shape}')
        return image
    return read_gray_image(image)


def mean_absolute_difference(expressive_images: Sequence[FaceImage],
                             neutral_images: Sequence[FaceImage],
                             refine: bool = False) -> np.ndarray:
    """Mean of ``|expressive - neutral|`` over pairs of aligned faces.

    With ``refine``, for photo pairs that five points align only roughly, each expressive face
    is first registered onto its neutral face by dense ECC over the still regions and the
    difference is kept inside the face only (:mod:`mmfmpn.masks.registration`).

    Args:
        expressive_images (Sequence[str | Path | np.ndarray]): ``N >= 1`` aligned expressive
            faces, ``(H, W)`` uint8 each.
        neutral_images (Sequence[str | Path | np.ndarray]): The ``N`` aligned neutral faces of
            the same sequences, in the same order.
        refine (bool): Register each pair and keep the face region only; needs square
            aligned crops (:func:`mmfmpn.masks.alignment.align_face`). Defaults to False.

    Returns:
        np.ndarray: ``(H, W)`` float64 in [0, 255].

    Raises:
        ValueError: The sequences are empty or differ in length, or the faces differ in size.
    """
    if len(expressive_images) != len(neutral_images):
        raise ValueError(f'got {len(expressive_images)} expressive and '
                         f'{len(neutral_images)} neutral faces; pass one '
                         'neutral face per expressive face')
    if len(expressive_images) == 0:
        raise ValueError('need at least one expressive/neutral pair')
    total = None
    for pair_index, (expressive, neutral) in enumerate(zip(expressive_images, neutral_images)):
        expressive = _as_gray_array(expressive)
        neutral = _as_gray_array(neutral)
        if total is None:
            total = np.zeros(expressive.shape, dtype=np.float64)
            if refine:
                if expressive.shape[0] != expressive.shape[1]:
                    raise ValueError(f'refine needs square aligned crops, got faces of '
                                     f'{expressive.shape}; align them with align_face')
                face, still = aligned_face_regions(expressive.shape[0])
        if expressive.shape != total.shape or neutral.shape != total.shape:
            raise ValueError(f'faces differ in size: {expressive.shape} and '
                             f'{neutral.shape}, expected {total.shape}; align all faces '
                             'to the same crop size')
        if refine:
            registration = refine_registration(expressive, neutral, still)
            if not registration.converged:
                warnings.warn(f'dense registration of pair {pair_index} did not '
                              'converge; its five-point alignment is used as is')
            expressive = registration.image
        difference = np.abs(expressive.astype(np.float64) - neutral.astype(np.float64))
        total += difference * face if refine else difference
    return total / len(expressive_images)


def equalize_motion_mask(mean_difference: np.ndarray) -> np.ndarray:
    """Histogram-equalise a mean difference image to the full 8-bit range.

    The mean is min-max stretched to [0, 255] before it is rounded to 8 bits
    (equalisation ignores monotonic stretches, but not rounding).

    Args:
        mean_difference (np.ndarray): ``(H, W)`` float in [0, 255], e.g. from
            :func:`mean_absolute_difference`.

    Returns:
        np.ndarray: ``(H, W)`` uint8 mask in [0, 255].
    """
    # Stretch to the full range before rounding: small differences would
    # otherwise collapse into a few levels that equalisation blows up.
    low, high = float(mean_difference.min()), float(mean_difference.max())
    stretched = (mean_difference - low) * (255.0 / max(high - low, 1e-6))
    return cv2.equalizeHist(np.rint(stretched).astype(np.uint8))


def class_motion_masks(expressive_images: Sequence[FaceImage],
                       neutral_images: Sequence[FaceImage],
                       labels: Sequence[int],
                       num_classes: int,
                       class_names: Optional[Sequence[str]] = None,
                       split_name: str = 'the given samples',
                       refine: bool = False) -> np.ndarray:
    """The ground-truth motion mask of every class (paper Eq. 1).

    Pass only the training samples of a fold: the masks must not see the test subjects.

    Args:
        expressive_images (Sequence[str | Path | np.ndarray]): ``N`` aligned expressive
            faces, ``(H, W)`` uint8 each.
        neutral_images (Sequence[str | Path | np.ndarray]): The aligned neutral face of each
            expressive face's sequence, in the same order.
        labels (Sequence[int]): ``N`` class indices in ``[0, num_classes)``.
        num_classes (int): Number of classes ``C``.
        class_names (Sequence[str], optional): ``C`` names used in error messages. Defaults
            to None (indices only).
        split_name (str): What the samples are, for error messages, e.g. ``'fold 3'``.
            Defaults to ``'the given samples'``.
        refine (bool): Register each pair beyond five points and keep the face region only
            (see :func:`mean_absolute_difference`). Defaults to False.

    Returns:
        np.ndarray: ``(C, H, W)`` uint8 masks in [0, 255], one per class in index order.

    Raises:
        ValueError: A label is out of range, the inputs differ in length, or a class has no
            sample (its mask would be undefined).
    """
    if not len(expressive_images) == len(neutral_images) == len(labels):
        raise ValueError(f'got {len(expressive_images)} expressive faces, '
                         f'{len(neutral_images)} neutral faces and '
                         f'{len(labels)} labels; expected one of each per '
                         'sample')
    labels = np.asarray(labels, dtype=np.int64)
    out_of_range = labels[(labels < 0) | (labels >= num_classes)]
    if out_of_range.size:
        raise ValueError(f'labels {sorted(set(out_of_range.tolist()))} are '
                         f'outside [0, {num_classes}) in {split_name}')
    masks = []
    for class_index in range(num_classes):
        sample_indices = np.flatnonzero(labels == class_index)
        if sample_indices.size == 0:
            name = (f'{class_names[class_index]!r} (index {class_index})'
                    if class_names is not None else f'index {class_index}')
            raise ValueError(f'class {name} has no training sample in {split_name}, so its '
                             'motion mask is undefined; check the labels, or use a split '
                             'whose training subjects show every class')
        mean_difference = mean_absolute_difference([expressive_images[i] for i in sample_indices],
                                                   [neutral_images[i] for i in sample_indices],
                                                   refine=refine)
        masks.append(equalize_motion_mask(mean_difference))
    return np.stack(masks)


def motion_mask_montage(masks: np.ndarray,
                        class_names: Sequence[str],
                        tile_size: int = 140,
                        label_height: int = 24) -> np.ndarray:
    """Lay the class masks side by side with their names underneath (as the paper's Fig. 3).

    Args:
        masks (np.ndarray): ``(C, H, W)`` uint8 masks.
        class_names (Sequence[str]): ``C`` names, one per mask.
        tile_size (int): Side of each (nearest-neighbour enlarged) tile in pixels. Defaults
            to 140.
        label_height (int): Height of the name strip under the tiles. Defaults to 24.

    Returns:
        np.ndarray: ``(tile_size + label_height, C * tile_size)`` uint8 gray image.

    Raises:
        ValueError: The number of names differs from the number of masks.
    """
    if len(masks) != len(class_names):
        raise ValueError(f'got {len(masks)} masks and {len(class_names)} '
                         'class names; pass one name per mask')
    font = cv2.FONT_HERSHEY_SIMPLEX
    font_scale = 0.45
    tiles = []
    for mask, name in zip(masks, class_names):
        tile = np.zeros((tile_size + label_height, tile_size), dtype=np.uint8)
        tile[:tile_size] = cv2.resize(mask, (tile_size, tile_size), interpolation=cv2.INTER_NEAREST)
        (text_width, text_height), _ = cv2.getTextSize(name, font, font_scale, 1)
        origin = ((tile_size - text_width) // 2, tile_size + (label_height + text_height) // 2)
        cv2.putText(tile, name, origin, font, font_scale, 255, 1, cv2.LINE_AA)
        tiles.append(tile)
    return np.hstack(tiles)
