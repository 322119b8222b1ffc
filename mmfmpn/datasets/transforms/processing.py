from typing import Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform, TransformBroadcaster
from mmcv.transforms.utils import cache_randomness
from mmpretrain.registry import TRANSFORMS

from .loading import is_dataset_sample


@TRANSFORMS.register_module()
class MotionMaskBroadcaster(TransformBroadcaster):
    """Apply the same geometric transforms to a face and its motion mask.

    mmcv's ``TransformBroadcaster`` with ``mapping={'img': ['img',
    'gt_motion_mask']}`` and shared random parameters (the same crop and
    flip for both), except that a sample an inferencer gives in memory, which
    has no mask (:func:`is_dataset_sample`), gets the transforms on its face
    alone. A dataset sample without ``gt_motion_mask`` is an error.

    Required keys: ``img``, ``gt_motion_mask`` (dataset samples). Modified
    keys: those the wrapped transforms modify, for both.

    Args:
        transforms (list[dict | callable]): Geometric transforms, e.g.
            ``Resize``, ``RandomFiveCrop``, ``RandomFlip``.
    """

    def __init__(self, transforms: list):
        super().__init__(
            transforms,
            mapping={'img': ['img', 'gt_motion_mask']},
            auto_remap=True,
            share_random_params=True)

    def transform(self, results: dict) -> dict:
        if results.get('gt_motion_mask') is not None:
            return super().transform(results)
        if is_dataset_sample(results):
            raise KeyError(f'MotionMaskBroadcaster: sample {results["img_path"]} has no '
                           'gt_motion_mask; put LoadMotionMask (or LandmarkPriorMask) '
                           'before it in the pipeline.')
        return self.transforms(results)


@TRANSFORMS.register_module()
class RandomFiveCrop(BaseTransform):
    """Crop one of the four corners or the centre, chosen uniformly: the
    FMPN training crop (resize to 320, random five-crop at 299).

    Wrap it with the geometric transforms in ``MotionMaskBroadcaster``
    so that the image and its motion mask get the same crop.

    Required keys: ``img``. Modified keys: ``img``, ``img_shape``.

    Args:
        crop_size (int | tuple[int, int]): Output (height, width).
    """

    POSITIONS = ('top_left', 'top_right', 'bottom_left', 'bottom_right', 'center')

    def __init__(self, crop_size: Union[int, Sequence[int]]):
        if isinstance(crop_size, int):
            crop_size = (crop_size, crop_size)
        if len(crop_size) != 2 or min(crop_size) < 1:
            raise ValueError('RandomFiveCrop: crop_size must be a positive '
                             f'int or (height, width), got {crop_size}.')
        self.crop_size = tuple(crop_size)

    @cache_randomness
    def _choose_position(self) -> str:
        return self.POSITIONS[np.random.randint(len(self.POSITIONS))]

    def _crop_origin(self, position: str, height: int, width: int) -> Tuple[int, int]:
        crop_h, crop_w = self.crop_size
        if position == 'center':
            return (height - crop_h) // 2, (width - crop_w) // 2
        top = 0 if position.startswith('top') else height - crop_h
        left = 0 if position.endswith('left') else width - crop_w
        return top, left

    def transform(self, results: dict) -> dict:
        img = results['img']
        height, width = img.shape[:2]
        crop_h, crop_w = self.crop_size
        if crop_h > height or crop_w > width:
            raise ValueError(f'RandomFiveCrop: crop {crop_h}x{crop_w} is larger than the '
                             f'image {height}x{width} of {results.get("img_path")}; '
                             'resize first.')
        top, left = self._crop_origin(self._choose_position(), height, width)
        results['img'] = img[top:top + crop_h, left:left + crop_w]
        results['img_shape'] = results['img'].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop_size={self.crop_size})'
