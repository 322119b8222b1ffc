import os.path as osp
from typing import Dict

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS


def is_dataset_sample(results: dict) -> bool:
    """Whether a pipeline's sample comes from a dataset (it has an
    ``img_path``) rather than from an inferencer, which passes images in
    memory and has no motion mask to load.

    The motion-mask transforms pass inferencer samples through unchanged, so
    a config's test pipeline also serves mmpretrain's
    ``ImageClassificationInferencer``; a dataset sample without its mask is
    still an error.
    """
    return 'img_path' in results


def required_sample_value(results: dict, key: str, transform: str, fix: str):
    """A key that a motion-mask transform needs from a dataset sample.

    Args:
        results (dict): The sample.
        key (str): The key needed, e.g. ``'motion_mask_path'``.
        transform (str): The transform asking, for the message, e.g. ``'LoadMotionMask'``.
        fix (str): How to give the sample that key, for the message.

    Returns:
        The value, or None for an inferencer's sample (:func:`is_dataset_sample`), which the
        transform passes through unchanged.

    Raises:
        KeyError: A dataset sample lacks ``key``; the message names the image and ``fix``.
    """
    value = results.get(key)
    if value is None and is_dataset_sample(results):
        raise KeyError(f'{transform}: sample {results["img_path"]} has no {key}; {fix}')
    return value


@TRANSFORMS.register_module()
class LoadMotionMask(BaseTransform):
    """Load the ground-truth motion mask of a sample's class.

    Required keys: ``motion_mask_path``, ``img`` (loaded before, to check the
    size). Added key: ``gt_motion_mask``, uint8 ``(H, W)`` of the image size.
    Samples given in memory by an inferencer (no ``img_path``, no
    ``motion_mask_path``) pass unchanged, see :func:`is_dataset_sample`.

    A fold has one mask per class, so decoded masks are cached per path.

    Args:
        check_size (bool): Require the mask to have the image's height and
            width (masks and aligned faces share the geometry of the
            transforms that follow). Defaults to True.
    """

    def __init__(self, check_size: bool = True):
        self.check_size = check_size
        self._cache: Dict[str, np.ndarray] = {}

    def transform(self, results: dict) -> dict:
        path = required_sample_value(
            results, 'motion_mask_path', 'LoadMotionMask',
            'give the dataset a mask_dir, or drop LoadMotionMask from the pipeline.')
        if path is None:
            return results
        mask = self._cache.get(path)
        if mask is None:
            mask = self._read(path)
            self._cache[path] = mask
        if self.check_size and 'img' in results and (mask.shape != results['img'].shape[:2]):
            raise ValueError(f'Motion mask {path} is {mask.shape[1]}x{mask.shape[0]} but '
                             f'image {results.get("img_path")} is '
                             f'{results["img"].shape[1]}x{results["img"].shape[0]}; build '
                             'the masks from the same aligned faces (tools/make_masks.py).')
        results['gt_motion_mask'] = mask
        return results

    @staticmethod
    def _read(path: str) -> np.ndarray:
        if not osp.isfile(path):
            raise FileNotFoundError(f'Motion mask {path} does not exist; build the masks with '
                                    'tools/make_masks.py DATA_ROOT.')
        mask = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if mask is None:
            raise ValueError(f'Motion mask {path} cannot be decoded; rebuild '
                             'it with tools/make_masks.py.')
        if mask.ndim != 2 or mask.dtype != np.uint8:
            raise ValueError(f'Motion mask {path} is {mask.dtype} with shape {mask.shape}; '
                             'expected a single-channel 8-bit gray PNG (tools/make_masks.py '
                             'writes those).')
        mask.setflags(write=False)  # shared by every sample of its class
        return mask

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(check_size={self.check_size})'
