import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS


@MODELS.register_module()
class MotionMaskLoss(nn.Module):
    """Mean squared error between generated and ground-truth motion masks,
    the ``lambda1 * MSE`` term of FMPN.

    mmpretrain has no plain MSE loss for dense maps (``PixelReconstructionLoss``
    expects MAE patch tokens), hence this one.

    Args:
        loss_weight (float): ``lambda1``. The paper uses 10 (with a CE weight
            of 1); the authors' released code uses 0.1. Defaults to 10.

    Shapes:
        - motion_mask, gt_motion_mask: ``(N, 1, H, W)`` in [0, 1].
        - Output: a scalar.
    """

    def __init__(self, loss_weight: float = 10.0):
        super().__init__()
        if loss_weight < 0:
            raise ValueError(f'MotionMaskLoss: loss_weight must be >= 0, got {loss_weight}.')
        self.loss_weight = loss_weight

    def forward(self, motion_mask: torch.Tensor, gt_motion_mask: torch.Tensor) -> torch.Tensor:
        if motion_mask.shape != gt_motion_mask.shape:
            raise ValueError('MotionMaskLoss: generated mask shape '
                             f'{tuple(motion_mask.shape)} differs from the ground-truth '
                             f'mask shape {tuple(gt_motion_mask.shape)}; pack masks of the '
                             'image size (LoadMotionMask before the geometric transforms).')
        # Under AMP the generator may emit fp16; compute the error in fp32.
        return self.loss_weight * F.mse_loss(motion_mask.float(), gt_motion_mask.float())
