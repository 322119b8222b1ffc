from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule


class ResidualBlock(BaseModule):
    """The FMPN residual block: ``x + [conv3x3, norm, PReLU] x 2``.

    As in the authors' code there is no activation after the addition.

    Args:
        channels (int): Input and output channels.
        norm_cfg (dict, optional): Norm layer config. Defaults to None, which
            means ``dict(type='BN')``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 channels: int,
                 norm_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        norm_cfg = norm_cfg or dict(type='BN')
        self.layers = nn.Sequential(*[
            ConvModule(
                channels, channels, 3, padding=1, norm_cfg=norm_cfg, act_cfg=dict(type='PReLU'))
            for _ in range(2)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args: x (Tensor): ``(N, C, H, W)``. Returns: Tensor: same shape."""
        return x + self.layers(x)
