from typing import Optional, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

from mmfmpn.masks.landmark_prior import DEFAULT_EXTRA_POINT_OFFSETS, landmark_prior_map
from .loading import required_sample_value


@TRANSFORMS.register_module()
class LandmarkPriorMask(BaseTransform):
    """Make the ground-truth motion mask from the sample's own landmarks.

    For datasets without neutral faces: the mask is a landmark prior map
    (:func:`mmfmpn.masks.landmark_prior.landmark_prior_map`), alone or blended with the
    class mask that :class:`LoadMotionMask` read (e.g. a CK+ mask borrowed by class name).
    Put it after ``LoadImageFromFile`` (and ``LoadMotionMask`` when blending) and before
    the geometric transforms, which then move the image and the mask together.

    Required keys: ``img``, ``landmarks`` (``(5, 2)`` or ``(68, 2)``, pixels of ``img``),
    and ``gt_motion_mask`` when ``blend`` is set. Added or modified key:
    ``gt_motion_mask``, uint8 ``(H, W)`` of the image size in [0, 255]. An
    inferencer's samples pass unchanged (:func:`.is_dataset_sample`).

    Args:
        sigma_ratio (float): Gaussian standard deviation in pupillary distances.
            Defaults to 0.2.
        extra_point_offsets (Sequence[tuple[int, float]]): Extra points as ``(five-point
            index, offset in pupillary distances along the face's downward axis)``.
            Defaults to brows and cheeks (above and below each eye by 0.5).
        blend (float, optional): Weight ``alpha`` of the prior in
            ``alpha * prior + (1 - alpha) * class mask``; None uses the prior alone.
            Defaults to None.
    """

    def __init__(self,
                 sigma_ratio: float = 0.2,
                 extra_point_offsets: Sequence[Tuple[int, float]] = (DEFAULT_EXTRA_POINT_OFFSETS),
                 blend: Optional[float] = None):
        if not sigma_ratio > 0:
            raise ValueError('LandmarkPriorMask: sigma_ratio must be positive, got '
                             f'{sigma_ratio}.')
        if blend is not None and not 0.0 <= blend <= 1.0:
            raise ValueError('LandmarkPriorMask: blend must be in [0, 1] or None, '
                             f'got {blend}.')
        self.sigma_ratio = sigma_ratio
        self.extra_point_offsets = tuple(
            (int(index), float(offset)) for index, offset in extra_point_offsets)
        self.blend = blend

    def transform(self, results: dict) -> dict:
        landmarks = required_sample_value(
            results, 'landmarks', 'LandmarkPriorMask',
            'add a landmarks column to the annotation file (the converters write one).')
        if landmarks is None:
            return results  # an inferencer's image: no mask to make
        source = results.get('img_path')
        height, width = results['img'].shape[:2]
        try:
            prior = landmark_prior_map(landmarks, (height, width), self.sigma_ratio,
                                       self.extra_point_offsets)
        except ValueError as err:
            raise ValueError(f'LandmarkPriorMask: sample {source}: {err}') from err
        class_mask = results.get('gt_motion_mask')
        if self.blend is None:
            if class_mask is not None:
                raise ValueError(f'LandmarkPriorMask: sample {source} already has a '
                                 'gt_motion_mask (from LoadMotionMask); set blend=alpha to mix '
                                 'them, or drop LoadMotionMask to use the prior alone.')
            mask = prior * 255.0
        else:
            if class_mask is None:
                raise KeyError(f'LandmarkPriorMask(blend={self.blend}): sample {source} has no '
                               'gt_motion_mask to blend with; put LoadMotionMask before this '
                               'transform, or set blend=None.')
            if class_mask.shape != (height, width):
                raise ValueError(f'LandmarkPriorMask: the class mask of {source} is '
                                 f'{class_mask.shape[1]}x{class_mask.shape[0]} but the image is '
                                 f'{width}x{height}; align the faces to the size of the masks.')
            mask = (self.blend * prior * 255.0 + (1.0 - self.blend) * class_mask.astype(np.float64))
        results['gt_motion_mask'] = np.clip(np.rint(mask), 0, 255).astype(np.uint8)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sigma_ratio={self.sigma_ratio}, '
                f'extra_point_offsets={self.extra_point_offsets}, '
                f'blend={self.blend})')
