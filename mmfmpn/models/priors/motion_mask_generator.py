from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_norm_layer
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from .residual_block import ResidualBlock


class _UpsampleNormReLU(BaseModule):
    """4x4 stride-2 transposed conv whose output size is set by the caller.

    ``output_size`` picks the output padding at run time, so every input size
    comes back to its own size (299 -> 149 -> 74 -> 149 -> 299).
    """

    def __init__(self, in_channels: int, out_channels: int, norm_cfg: dict):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(
            in_channels, out_channels, 4, stride=2, padding=1, bias=False)
        self.norm = build_norm_layer(norm_cfg, out_channels)[1]
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor, output_size: Sequence[int]) -> torch.Tensor:
        return self.relu(self.norm(self.deconv(x, output_size=output_size)))


@MODELS.register_module()
class FacialMotionMaskGenerator(BaseModule):
    """Facial-motion mask generator (FMG) of FMPN, layer for layer as the
    authors' code.

    An encoder (7x7 conv, two 4x4 stride-2 convs), ``num_res_blocks`` residual
    blocks, a decoder (two 4x4 stride-2 transposed convs) and a 7x7 conv with a
    sigmoid. Convolutions followed by a norm layer have no bias.

    Args:
        base_channels (int): Channels of the first conv; the bottleneck has
            ``4 * base_channels``. Defaults to 64 (the authors').
        num_res_blocks (int): Residual blocks at the bottleneck. Defaults to 4.
        norm_cfg (dict, optional): Norm layer config. Defaults to None, which
            means ``dict(type='BN')``.
        working_size (int | tuple[int, int], optional): When set, the gray face
            is resized to this size, the mask is generated there and its logits
            are resized back to the input size. Masks carry little fine detail
            (the authors' are 70x70), so this saves most of the compute.
            Defaults to None (work at the input size).
        init_cfg (dict | list[dict], optional): Initialisation config.
            Defaults to None (mmcv's Kaiming init in each ConvModule).

    Shapes:
        - Input: gray face ``(N, 1, H, W)`` in [0, 1].
        - Output: motion mask ``(N, 1, H, W)`` in [0, 1].
    """

    def __init__(self,
                 base_channels: int = 64,
                 num_res_blocks: int = 4,
                 norm_cfg: Optional[dict] = None,
                 working_size: Optional[Union[int, Sequence[int]]] = None,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        if base_channels < 1 or num_res_blocks < 0:
            raise ValueError('FacialMotionMaskGenerator: base_channels must be >= 1 and '
                             f'num_res_blocks >= 0, got {base_channels} and '
                             f'{num_res_blocks}.')
        if isinstance(working_size, int):
            working_size = (working_size, working_size)
        if working_size is not None and (len(working_size) != 2 or min(working_size) < 4):
            raise ValueError('FacialMotionMaskGenerator: working_size must be '
                             'an int or (height, width) of at least 4 pixels, '
                             f'got {working_size}.')
        self.working_size = None if working_size is None else tuple(working_size)
        norm_cfg = norm_cfg or dict(type='BN')
        c = base_channels
        self.encoder = nn.Sequential(
            ConvModule(1, c, 7, padding=3, norm_cfg=norm_cfg),
            ConvModule(c, 2 * c, 4, stride=2, padding=1, norm_cfg=norm_cfg),
            ConvModule(2 * c, 4 * c, 4, stride=2, padding=1, norm_cfg=norm_cfg),
        )
        self.res_blocks = nn.Sequential(
            *[ResidualBlock(4 * c, norm_cfg=norm_cfg) for _ in range(num_res_blocks)])
        self.up1 = _UpsampleNormReLU(4 * c, 2 * c, norm_cfg)
        self.up2 = _UpsampleNormReLU(2 * c, c, norm_cfg)
        # The authors' res_top conv has no bias either (model_utils.py, ResFaceGenNet).
        self.to_mask = nn.Conv2d(c, 1, 7, padding=3, bias=False)

    def forward(self, gray: torch.Tensor) -> torch.Tensor:
        """Generate the motion mask.

        Args:
            gray (Tensor): Gray faces ``(N, 1, H, W)`` in [0, 1].

        Returns:
            Tensor: Motion masks ``(N, 1, H, W)`` in [0, 1].
        """
        if gray.dim() != 4 or gray.size(1) != 1:
            raise ValueError('FacialMotionMaskGenerator expects gray faces of '
                             f'shape (N, 1, H, W), got {tuple(gray.shape)}.')
        input_size = gray.shape[-2:]
        x = gray
        if self.working_size is not None and input_size != self.working_size:
            x = F.interpolate(x, size=self.working_size, mode='bilinear', align_corners=False)
        full_size = x.shape[-2:]
        x = self.encoder[0](x)
        half = self.encoder[1](x)
        x = self.res_blocks(self.encoder[2](half))
        x = self.up1(x, output_size=half.shape[-2:])
        x = self.up2(x, output_size=full_size)
        logits = self.to_mask(x)
        if logits.shape[-2:] != input_size:
            logits = F.interpolate(logits, size=input_size, mode='bilinear', align_corners=False)
        return torch.sigmoid(logits)
