"""Cut an aligned face into the multi-scale patches of I2CNN (after DeepID).

A patch region is placed by the face's five points (image-left eye centre, image-right eye
centre, nose tip, image-left and image-right mouth corner) and measured in *face units*: the
distance from the midpoint of the eyes to the midpoint of the mouth corners. So the same
config cuts the same parts of every face, whatever its size in the image.
"""
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

from mmfmpn.masks.landmarks import five_points_from_68

_NUM_POINTS = 5


def face_unit(five_points: np.ndarray) -> float:
    """The length regions are measured in: eye midpoint to mouth-corner midpoint.

    Args:
        five_points (np.ndarray): ``(5, 2)`` points ``(x, y)`` in pixels.

    Returns:
        float: The distance in pixels.
    """
    eyes = five_points[0:2].mean(axis=0)
    mouth = five_points[3:5].mean(axis=0)
    return float(np.linalg.norm(mouth - eyes))


def check_region(region: dict, index: int) -> dict:
    """Validate one region of a :class:`FacePatches` config.

    Args:
        region (dict): ``name`` (str), ``anchor`` (5 weights of the five points that give
            the region centre; they must sum to 1), ``size`` (``(width, height)`` in face
            units at scale 1), optional ``offset`` (``(dx, dy)`` in face units).
        index (int): Its position, for the error message.

    Returns:
        dict: ``name``, ``anchor`` (``(5,)`` float64), ``size`` and ``offset``
        (``(2,)`` float64).

    Raises:
        ValueError: A missing or unknown key, wrong lengths, weights not summing to 1 or a
            non-positive size.
    """
    where = f'FacePatches: region {index} ({region.get("name", "unnamed")})'
    unknown = set(region) - {'name', 'anchor', 'size', 'offset'}
    if unknown or not {'name', 'anchor', 'size'} <= set(region):
        raise ValueError(f'{where}: expected keys name, anchor, size and optionally '
                         f'offset, got {sorted(region)}')
    anchor = np.asarray(region['anchor'], dtype=np.float64)
    size = np.asarray(region['size'], dtype=np.float64)
    offset = np.asarray(region.get('offset', (0.0, 0.0)), dtype=np.float64)
    if anchor.shape != (_NUM_POINTS, ) or not np.isclose(anchor.sum(), 1.0):
        raise ValueError(f'{where}: anchor must be 5 weights of the five points '
                         f'summing to 1 (e.g. (1, 0, 0, 0, 0) for the image-left eye), '
                         f'got {region["anchor"]}')
    if size.shape != (2, ) or not np.all(size > 0):
        raise ValueError(f'{where}: size must be (width, height) > 0 in face units, '
                         f'got {region["size"]}')
    if offset.shape != (2, ):
        raise ValueError(f'{where}: offset must be (dx, dy) in face units, got '
                         f'{region["offset"]}')
    return dict(name=str(region['name']), anchor=anchor, size=size, offset=offset)


def patch_boxes(five_points: np.ndarray, regions: Sequence[dict],
                scales: Sequence[float]) -> np.ndarray:
    """The image boxes of every region at every scale, region-major.

    Args:
        five_points (np.ndarray): ``(5, 2)`` points in pixels.
        regions (Sequence[dict]): Regions checked by :func:`check_region`.
        scales (Sequence[float]): Size multipliers.

    Returns:
        np.ndarray: ``(len(regions) * len(scales), 4)`` float64 boxes
        ``(x0, y0, x1, y1)``; box ``r * len(scales) + s`` is region ``r`` at scale ``s``.
    """
    unit = face_unit(five_points)
    boxes = []
    for region in regions:
        centre = region['anchor'] @ five_points + region['offset'] * unit
        for scale in scales:
            half = region['size'] * unit * scale / 2
            boxes.append(np.concatenate([centre - half, centre + half]))
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4)


def cut_patch(image: np.ndarray, box: np.ndarray, patch_size: Tuple[int, int]) -> np.ndarray:
    """Resample one box of an image to ``patch_size`` (edges replicated outside it).

    The box edges map to the patch edges, so the box centre lands on the patch centre
    ``((W - 1) / 2, (H - 1) / 2)``.

    Args:
        image (np.ndarray): ``(H, W, 3)`` uint8.
        box (np.ndarray): ``(x0, y0, x1, y1)`` in pixels.
        patch_size (tuple[int, int]): ``(height, width)`` of the patch.

    Returns:
        np.ndarray: ``(height, width, 3)`` uint8.
    """
    height, width = patch_size
    x0, y0, x1, y1 = box
    scale_x, scale_y = width / (x1 - x0), height / (y1 - y0)
    centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
    matrix = np.array([[scale_x, 0.0, (width - 1) / 2 - scale_x * centre_x],
                       [0.0, scale_y, (height - 1) / 2 - scale_y * centre_y]])
    return cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


@TRANSFORMS.register_module()
class FacePatches(BaseTransform):
    """Cut an aligned face into ``K`` patches placed by its five points (I2CNN, DeepID).

    Every region is cut at every scale (region-major order), each box resampled to
    ``patch_size``; with ``flip`` the horizontal mirror of every patch follows, in the same
    order. Then each patch is cropped to ``crop_size``: at a random position in training
    (``random_crop=True``, an independent position per patch), in the centre otherwise.
    So ``K = len(regions) * len(scales) * (2 if flip else 1)``: 10 regions x 3 scales x 2 =
    60 for I2CNN-60.

    Required keys: ``img`` (``(H, W)`` gray or ``(H, W, 3)``), ``landmarks`` (``(5, 2)``
    or ``(68, 2)`` in pixels of ``img``). Modified keys: ``img`` (``(K, 3, h, w)`` uint8,
    channels as loaded), ``img_shape`` (``(h, w)``). Added keys: ``patch_boxes``
    (``(K, 4)`` float64 source boxes ``(x0, y0, x1, y1)`` before the crop; a flipped patch
    has its original's box), ``num_patches``.

    Args:
        regions (Sequence[dict]): Regions, each ``dict(name=..., anchor=(5 weights),
            size=(width, height), offset=(dx, dy))`` in face units (see
            :func:`check_region`).
        scales (Sequence[float]): Size multipliers of every region. Defaults to (1.0, ).
        patch_size (int | tuple[int, int]): ``(height, width)`` every box is resampled to.
            Defaults to 256 (the paper's).
        crop_size (int | tuple[int, int], optional): ``(height, width)`` of the crop
            taken from each patch. Defaults to None (no crop).
        random_crop (bool): Crop at random positions (training) instead of the centre.
            Defaults to False.
        flip (bool): Append the horizontal mirror of every patch. Defaults to False.
    """

    def __init__(self,
                 regions: Sequence[dict],
                 scales: Sequence[float] = (1.0, ),
                 patch_size=256,
                 crop_size=None,
                 random_crop: bool = False,
                 flip: bool = False):
        if not regions:
            raise ValueError('FacePatches: regions is empty; give at least one region')
        self.regions = [check_region(region, index) for index, region in enumerate(regions)]
        self.scales = tuple(float(scale) for scale in scales)
        if not self.scales or min(self.scales) <= 0:
            raise ValueError(f'FacePatches: scales must be positive numbers, got {scales}')
        self.patch_size = self._pair(patch_size, 'patch_size')
        self.crop_size = (
            self._pair(crop_size, 'crop_size') if crop_size is not None else self.patch_size)
        if (self.crop_size[0] > self.patch_size[0] or self.crop_size[1] > self.patch_size[1]):
            raise ValueError(f'FacePatches: crop_size {self.crop_size} is larger than '
                             f'patch_size {self.patch_size}')
        self.random_crop = random_crop
        self.flip = flip

    @staticmethod
    def _pair(value, name: str) -> Tuple[int, int]:
        pair = (value, value) if isinstance(value, int) else tuple(value)
        if len(pair) != 2 or min(pair) < 1:
            raise ValueError(f'FacePatches: {name} must be a positive int or '
                             f'(height, width), got {value}')
        return int(pair[0]), int(pair[1])

    @property
    def num_patches(self) -> int:
        """K, the number of patches per face."""
        return len(self.regions) * len(self.scales) * (2 if self.flip else 1)

    def _crop_origins(self, count: int) -> List[Tuple[int, int]]:
        spare_h = self.patch_size[0] - self.crop_size[0]
        spare_w = self.patch_size[1] - self.crop_size[1]
        if not self.random_crop:
            return [(spare_h // 2, spare_w // 2)] * count
        return [(np.random.randint(spare_h + 1), np.random.randint(spare_w + 1))
                for _ in range(count)]

    def transform(self, results: dict) -> Optional[dict]:
        image = results['img']
        landmarks = results.get('landmarks')
        if landmarks is None:
            raise KeyError(f'FacePatches: {results.get("img_path")} has no landmarks; the dataset '
                           'must give five (or 68) points per face (annotation column landmarks, '
                           'written by the converters)')
        landmarks = np.asarray(landmarks, dtype=np.float64)
        five_points = (five_points_from_68(landmarks) if landmarks.shape == (68, 2) else landmarks)
        if five_points.shape != (_NUM_POINTS, 2):
            raise ValueError(f'FacePatches: {results.get("img_path")}: landmarks must be '
                             f'(5, 2) or (68, 2), got {landmarks.shape}')
        if image.ndim == 2:
            image = np.repeat(image[..., None], 3, axis=2)
        boxes = patch_boxes(five_points, self.regions, self.scales)
        patches = [cut_patch(image, box, self.patch_size) for box in boxes]
        if self.flip:
            patches += [patch[:, ::-1] for patch in patches]
            boxes = np.concatenate([boxes, boxes])
        crop_h, crop_w = self.crop_size
        patches = np.stack([
            patch[top:top + crop_h, left:left + crop_w]
            for patch, (top, left) in zip(patches, self._crop_origins(len(patches)))
        ])
        results['img'] = np.ascontiguousarray(patches.transpose(0, 3, 1, 2))
        results['img_shape'] = (crop_h, crop_w)
        results['patch_boxes'] = boxes
        results['num_patches'] = len(patches)
        return results

    def __repr__(self) -> str:
        names = [region['name'] for region in self.regions]
        return (f'{type(self).__name__}(regions={names}, scales={self.scales}, '
                f'patch_size={self.patch_size}, crop_size={self.crop_size}, '
                f'random_crop={self.random_crop}, flip={self.flip})')
