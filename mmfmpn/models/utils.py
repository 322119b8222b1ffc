"""What the FMPN models share: the gray face the mask generator sees, and
the ground-truth masks of a batch."""
from typing import List

import torch
from mmpretrain.structures import DataSample

#: ITU-R BT.601 luma weights, the gray conversion of OpenCV and PIL.
GRAY_WEIGHTS = (0.299, 0.587, 0.114)


def rgb_to_gray(inputs: torch.Tensor) -> torch.Tensor:
    """RGB ``(N, 3, H, W)`` -> gray ``(N, 1, H, W)``, same range.

    Raises:
        ValueError: ``inputs`` is not a batch of RGB images.
    """
    if inputs.dim() != 4 or inputs.size(1) != 3:
        raise ValueError('FMPN expects RGB faces (N, 3, H, W), got '
                         f'{tuple(inputs.shape)}.')
    weights = inputs.new_tensor(GRAY_WEIGHTS).view(1, 3, 1, 1)
    return (inputs * weights).sum(1, keepdim=True)


def stack_gt_motion_masks(data_samples: List[DataSample], model_name: str) -> torch.Tensor:
    """The ground-truth masks of a batch, ``(N, 1, H, W)`` in [0, 1].

    Raises:
        KeyError: A sample has no ``gt_motion_mask``; the message names it.
    """
    missing = [
        s.get('img_path', i) for i, s in enumerate(data_samples) if 'gt_motion_mask' not in s
    ]
    if missing:
        raise KeyError(f'{model_name}: samples {missing[:3]} have no gt_motion_mask but '
                       'the mask loss is on; add LoadMotionMask and pack gt_motion_mask '
                       'in the train pipeline, or set model.mask_loss=None.')
    return torch.stack([s.gt_motion_mask for s in data_samples])
