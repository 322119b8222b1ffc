from numbers import Number
from typing import Optional, Sequence

import torch
from mmpretrain.models import ClsDataPreprocessor
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FMPNDataPreprocessor(ClsDataPreprocessor):
    """Batches FMPN inputs: faces to RGB in [0, 1], motion masks stacked.

    FMPN normalises the *fused* image for its backbone (see
    :class:`FMPNClassifier`), so the faces leave here in [0, 1]. Each sample's
    ``gt_motion_mask`` (uint8 ``(1, H, W)`` from the pipeline) is stacked with
    the batch, moved to the device and scaled to float [0, 1].

    Args:
        mean (Sequence[Number]): Pixel mean subtracted from the inputs.
            Defaults to ``(0, 0, 0)``.
        std (Sequence[Number]): Pixel std the inputs are divided by.
            Defaults to ``(255, 255, 255)``, giving [0, 1].
        to_rgb (bool): Convert the BGR images of the pipeline to RGB.
            Defaults to True.
        **kwargs: Other arguments of ``ClsDataPreprocessor`` except
            ``batch_augments``: mixing images would break the pairing of a
            face with its class mask.
    """

    def __init__(self,
                 mean: Sequence[Number] = (0, 0, 0),
                 std: Sequence[Number] = (255, 255, 255),
                 to_rgb: bool = True,
                 batch_augments: Optional[dict] = None,
                 **kwargs):
        if batch_augments:
            raise ValueError('FMPNDataPreprocessor does not support batch augments '
                             f'({batch_augments}): Mixup/CutMix mix faces but not their '
                             'class motion masks. Remove train_cfg.augments from the model.')
        super().__init__(mean=mean, std=std, to_rgb=to_rgb, **kwargs)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Preprocess a batch.

        Args:
            data (dict): ``inputs`` (list of uint8 ``(3, H, W)`` or a stacked
                batch) and ``data_samples`` from the dataloader.
            training (bool): Whether the batch is for training.

        Returns:
            dict: ``inputs`` float ``(N, 3, H, W)`` and ``data_samples``, with
            each ``gt_motion_mask`` as float ``(1, H, W)`` in [0, 1] on the
            inputs' device.
        """
        data = super().forward(data, training)
        data_samples = data['data_samples']
        if data_samples and 'gt_motion_mask' in data_samples[0]:
            masks = torch.stack([s.gt_motion_mask for s in data_samples])
            masks = masks.to(self.device, non_blocking=True)
            if not masks.is_floating_point():
                masks = masks.float().div_(255)
            for sample, mask in zip(data_samples, masks):
                sample.gt_motion_mask = mask
        return data
