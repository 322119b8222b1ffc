from typing import Tuple

import torch
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FlattenNeck(BaseModule):
    """Flatten each backbone feature map into a vector, keeping its layout.

    What AlexNet does between its last pooling and FC6 (``256 x 6 x 6 -> 9216``), for
    heads such as ``StackedLinearClsHead`` that play the fully connected layers;
    ``GlobalAveragePooling`` would average the layout away.

    Args:
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def forward(self, inputs: Tuple[torch.Tensor, ...]) -> Tuple[torch.Tensor, ...]:
        """``(N, C, H, W)`` maps -> ``(N, C * H * W)`` vectors, per backbone output."""
        return tuple(feature.flatten(1) for feature in inputs)
