import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

from .loading import required_sample_value


@TRANSFORMS.register_module()
class MotionMaskToTensor(BaseTransform):
    """``gt_motion_mask`` uint8 ``(H, W)`` -> uint8 tensor ``(1, H, W)``.

    Put it before ``PackInputs(algorithm_keys=['gt_motion_mask'])``. mmcv's
    ``ImageToTensor`` cannot take the negative-stride views that mmcv's flip
    returns, hence this transform.

    Required keys: ``gt_motion_mask`` (not for an inferencer's samples, see
    :func:`is_dataset_sample`). Modified keys: ``gt_motion_mask``.
    """

    def transform(self, results: dict) -> dict:
        mask = required_sample_value(
            results, 'gt_motion_mask', 'MotionMaskToTensor',
            'put LoadMotionMask (or LandmarkPriorMask) before it in the pipeline.')
        if mask is None:
            return results
        if mask.ndim != 2:
            raise ValueError(f'gt_motion_mask of {results.get("img_path")} has shape '
                             f'{mask.shape}; expected (H, W) from LoadMotionMask.')
        results['gt_motion_mask'] = torch.from_numpy(np.ascontiguousarray(mask)[None])
        return results
