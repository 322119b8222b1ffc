from typing import List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils import rgb_to_gray, stack_gt_motion_masks


@MODELS.register_module()
class MotionMaskGeneratorModel(BaseModel):
    """FMPN stage 1: the facial-motion mask generator (FMG) and its loss.

    The gray face goes through the FMG; ``loss`` compares the mask with the
    ground truth (paper Eq. 1); ``predict`` attaches the mask as
    ``pred_motion_mask``, which ``MotionMaskError`` judges. The model holds
    nothing else, so its checkpoints hold ``mask_generator.*`` only: any
    stage 2 (``FMPNClassifier`` with any backbone) takes the generator with
    ``mask_generator.init_cfg=dict(type='StrictPretrained', checkpoint=...,
    prefix='mask_generator.')``.

    Args:
        mask_generator (dict): The FMG, e.g.
            ``dict(type='FacialMotionMaskGenerator')``; stage 2 must build
            the same one.
        mask_loss (dict): Loss between the generated and the ground-truth
            mask, e.g. ``dict(type='MotionMaskLoss', loss_weight=10.)``.
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='FMPNDataPreprocessor')``, which gives RGB in [0, 1].
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 mask_generator: dict,
                 mask_loss: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='FMPNDataPreprocessor')
        super().__init__(data_preprocessor=MODELS.build(data_preprocessor), init_cfg=init_cfg)
        self.mask_generator = MODELS.build(mask_generator)
        self.mask_loss = MODELS.build(mask_loss)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor') -> Union[torch.Tensor, dict, list]:
        """``tensor``: the masks ``(N, 1, H, W)`` in [0, 1]; ``loss``: see
        :meth:`loss`; ``predict``: see :meth:`predict`. ``inputs`` are RGB
        faces ``(N, 3, H, W)`` in [0, 1]."""
        if mode == 'tensor':
            return self.mask_generator(rgb_to_gray(inputs))
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}".')

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample]) -> dict:
        """``loss_motion_mask`` of a batch whose samples carry
        ``gt_motion_mask`` ``(1, H, W)`` in [0, 1]."""
        motion_mask = self.mask_generator(rgb_to_gray(inputs))
        return dict(
            loss_motion_mask=self.mask_loss(
                motion_mask, stack_gt_motion_masks(data_samples,
                                                   type(self).__name__)))

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None) -> List[DataSample]:
        """The samples (new ones if None) with ``pred_motion_mask``
        ``(1, H, W)`` in [0, 1]."""
        motion_mask = self.mask_generator(rgb_to_gray(inputs))
        predictions = data_samples or [DataSample() for _ in range(inputs.size(0))]
        for sample, mask in zip(predictions, motion_mask):
            sample.set_field(mask, 'pred_motion_mask', dtype=torch.Tensor)
        return predictions
