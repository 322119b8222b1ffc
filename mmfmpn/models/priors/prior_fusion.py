from typing import Optional, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .residual_block import ResidualBlock


def _to_channels_last(module: nn.Module, args: tuple) -> tuple:
    """Forward pre-hook: the conv input goes channels-last."""
    return (args[0].contiguous(memory_format=torch.channels_last), ) + args[1:]


def _to_contiguous(module: nn.Module, args: tuple, output: torch.Tensor) -> torch.Tensor:
    """Forward hook: the conv output goes back to the default layout."""
    return output.contiguous()


@MODELS.register_module()
class PriorFusionNet(BaseModule):
    """Prior fusion net (PFN) of FMPN, the authors' variant.

    Branch A (conv3x3 3->3, norm, ReLU) on the RGB face and branch B (conv3x3
    1->3, norm, ReLU) on the masked face ``mask * gray`` are summed, refined
    by one residual block and mapped to a 3-channel image by a bias-free
    conv3x3 and a sigmoid.

    Args:
        norm_cfg (dict, optional): Norm layer config. Defaults to None, which
            means ``dict(type='BN')``.
        channels_last_convs (bool): Run the convolutions channels-last and
            everything else in the default layout; same results up to float
            rounding, same checkpoints. A memory-layout choice for CPUs:
            oneDNN's 3-channel convolutions are about 2.5x faster
            channels-last (forward + backward), while PyTorch's CPU batch
            norm of 3 channels is several times slower there, so at 299 px
            this takes a third off the fusion net's CPU training step. The
            CPU configs (``fmpn-fast_*``) set it. Defaults to False.
        init_cfg (dict | list[dict], optional): Initialisation config.
            Defaults to None.

    Shapes:
        - rgb: ``(N, 3, H, W)`` in [0, 1].
        - masked_face: ``(N, 1, H, W)`` in [0, 1].
        - Output: fused image ``(N, 3, H, W)`` in [0, 1].
    """

    def __init__(self,
                 norm_cfg: Optional[dict] = None,
                 channels_last_convs: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        norm_cfg = norm_cfg or dict(type='BN')
        self.rgb_branch = ConvModule(3, 3, 3, padding=1, norm_cfg=norm_cfg)
        self.masked_face_branch = ConvModule(1, 3, 3, padding=1, norm_cfg=norm_cfg)
        self.res_block = ResidualBlock(3, norm_cfg=norm_cfg)
        self.to_image = nn.Conv2d(3, 3, 3, padding=1, bias=False)
        if channels_last_convs:
            for conv in self.modules():
                if isinstance(conv, nn.Conv2d):
                    conv.register_forward_pre_hook(_to_channels_last)
                    conv.register_forward_hook(_to_contiguous)

    def forward(self, rgb: torch.Tensor, masked_face: torch.Tensor) -> torch.Tensor:
        """Fuse the face with its motion-masked gray face.

        Args:
            rgb (Tensor): RGB faces ``(N, 3, H, W)`` in [0, 1].
            masked_face (Tensor): ``mask * gray``, ``(N, 1, H, W)`` in [0, 1].

        Returns:
            Tensor: Fused images ``(N, 3, H, W)`` in [0, 1].
        """
        fused = self.rgb_branch(rgb) + self.masked_face_branch(masked_face)
        return torch.sigmoid(self.to_image(self.res_block(fused)))


@MODELS.register_module()
class WeightedSumPriorFusion(BaseModule):
    """Prior fusion of the paper's Eq. 3: a learned weighted sum of the face
    and the masked face, ``w_face * rgb + w_mask * (mask * gray)``.

    Args:
        face_weight (float): Initial weight of the RGB face. Defaults to 1.
        masked_face_weight (float): Initial weight of the masked face.
            Defaults to 1.
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Shapes:
        - rgb: ``(N, 3, H, W)`` in [0, 1].
        - masked_face: ``(N, 1, H, W)`` in [0, 1] (broadcast to 3 channels).
        - Output: ``(N, 3, H, W)``; in [0, 2] at the initial weights.
    """

    def __init__(self,
                 face_weight: float = 1.0,
                 masked_face_weight: float = 1.0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.face_weight = nn.Parameter(torch.tensor(float(face_weight)))
        self.masked_face_weight = nn.Parameter(torch.tensor(float(masked_face_weight)))

    def forward(self, rgb: torch.Tensor, masked_face: torch.Tensor) -> torch.Tensor:
        """See :meth:`PriorFusionNet.forward`."""
        return self.face_weight * rgb + self.masked_face_weight * masked_face
