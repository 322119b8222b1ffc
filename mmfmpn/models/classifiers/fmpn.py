import copy
from typing import List, Optional, Sequence, Tuple

import torch
from mmpretrain.models import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils import rgb_to_gray, stack_gt_motion_masks

#: ImageNet statistics in [0, 1] units, what pretrained mmpretrain backbones expect.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@MODELS.register_module()
class FMPNClassifier(ImageClassifier):
    """Facial Motion Prior Network: a motion prior in front of any classifier.

    The gray face goes through the facial-motion mask generator (FMG); the
    prior fusion net (PFN) fuses the RGB face with the masked face
    ``mask * gray``; the fused image, normalised to the backbone's input
    statistics, goes through ``backbone -> neck -> head`` as in
    ``ImageClassifier``. Every mode (``tensor``, ``loss``, ``predict``) and
    :meth:`extract_feat` sees the fused image.

    Args:
        backbone (dict): Classification backbone (the paper's CN).
        mask_generator (dict): The FMG, e.g.
            ``dict(type='FacialMotionMaskGenerator')``.
        fusion (dict): The PFN, e.g. ``dict(type='PriorFusionNet')``.
        neck (dict, optional): Neck. Defaults to None.
        head (dict, optional): Head; its loss weight is the CE weight
            ``lambda2``. Defaults to None.
        mask_loss (dict, optional): Loss between the generated and the
            ground-truth motion mask, e.g. ``dict(type='MotionMaskLoss',
            loss_weight=10.)``. None trains without it (the paper's
            "CNN (no lG)" row). Defaults to None.
        fused_mean (Sequence[float]): Mean subtracted from the fused image
            before the backbone, in [0, 1] units. Defaults to ImageNet's.
        fused_std (Sequence[float]): Std the fused image is divided by.
            Defaults to ImageNet's.
        pretrained (str, optional): See ``ImageClassifier``.
        train_cfg (dict, optional): See ``ImageClassifier``.
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='FMPNDataPreprocessor')``, which gives RGB in [0, 1].
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Attributes:
        attach_fused_image (bool): Whether :meth:`predict` attaches the fused
            image to each sample (``pred_fused_image``), so that hooks and
            inferencers show it without running the prior again. False after
            construction: ``tools/test.py --out`` keeps every sample whole.
    """

    def __init__(self,
                 backbone: dict,
                 mask_generator: dict,
                 fusion: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 mask_loss: Optional[dict] = None,
                 fused_mean: Sequence[float] = IMAGENET_MEAN,
                 fused_std: Sequence[float] = IMAGENET_STD,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        if len(fused_mean) != 3 or len(fused_std) != 3 or min(fused_std) <= 0:
            raise ValueError('FMPNClassifier: fused_mean and fused_std need 3 '
                             f'values (std > 0), got {fused_mean}, {fused_std}.')
        if data_preprocessor is None:
            data_preprocessor = dict(type='FMPNDataPreprocessor')
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            train_cfg=train_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.mask_generator = MODELS.build(mask_generator)
        self.fusion = MODELS.build(fusion)
        self.mask_loss = None if mask_loss is None else MODELS.build(mask_loss)
        self.attach_fused_image = False
        self.register_buffer('fused_mean', torch.tensor(fused_mean).view(1, 3, 1, 1), False)
        self.register_buffer('fused_std', torch.tensor(fused_std).view(1, 3, 1, 1), False)

    def generate_prior(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Run FMG and PFN on a batch of faces.

        Args:
            inputs (Tensor): RGB faces ``(N, 3, H, W)`` in [0, 1].

        Returns:
            tuple[Tensor, Tensor]: The motion masks ``(N, 1, H, W)`` in
            [0, 1] and the fused images ``(N, 3, H, W)`` (in [0, 1] for
            ``PriorFusionNet``).
        """
        gray = self.to_gray(inputs)
        motion_mask = self.mask_generator(gray)
        fused = self.fusion(inputs, motion_mask * gray)
        return motion_mask, fused

    def to_gray(self, inputs: torch.Tensor) -> torch.Tensor:
        """RGB ``(N, 3, H, W)`` -> gray ``(N, 1, H, W)``, same range."""
        return rgb_to_gray(inputs)

    def classify_fused(self, fused: torch.Tensor, stage: str = 'neck'):
        """Backbone (and neck / pre-logits) features of fused images.

        Args:
            fused (Tensor): Fused images ``(N, 3, H, W)``.
            stage (str): As in ``ImageClassifier.extract_feat``.

        Returns:
            tuple | Tensor: The features of ``stage``.
        """
        normalized = (fused - self.fused_mean) / self.fused_std
        return super().extract_feat(normalized, stage=stage)

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'neck'):
        """Features of the fused images of ``inputs`` (RGB in [0, 1])."""
        return self.classify_fused(self.generate_prior(inputs)[1], stage)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample]) -> dict:
        """Mask loss and classification loss of a batch.

        Args:
            inputs (Tensor): RGB faces ``(N, 3, H, W)`` in [0, 1].
            data_samples (list[DataSample]): With ``gt_label`` and, when the
                mask loss is on, ``gt_motion_mask`` ``(1, H, W)`` in [0, 1].

        Returns:
            dict[str, Tensor]: ``loss_motion_mask`` (when ``mask_loss`` is
            set) and the head's losses, its ``loss`` renamed ``loss_cls``.
        """
        losses = dict()
        gray = self.to_gray(inputs)
        motion_mask = self.mask_generator(gray)
        if self.mask_loss is not None:
            losses['loss_motion_mask'] = self.mask_loss(
                motion_mask, stack_gt_motion_masks(data_samples,
                                                   type(self).__name__))
        fused = self.fusion(inputs, motion_mask * gray)
        head_losses = self.head.loss(self.classify_fused(fused), data_samples)
        # mmengine logs the total as `loss`; the head's CE must not hide it.
        for name, value in head_losses.items():
            losses['loss_cls' if name == 'loss' else name] = value
        return losses

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """Predict labels and scores, and attach the generated motion mask.

        Args:
            inputs (Tensor): RGB faces ``(N, 3, H, W)`` in [0, 1].
            data_samples (list[DataSample], optional): Annotations, if any.

        Returns:
            list[DataSample]: With ``pred_label``, ``pred_score``,
            ``pred_motion_mask`` ``(1, H, W)`` in [0, 1] and, with
            :attr:`attach_fused_image`, ``pred_fused_image`` ``(3, H, W)`` (in
            [0, 1] for ``PriorFusionNet``).
        """
        motion_mask, fused = self.generate_prior(inputs)
        predictions = self.head.predict(self.classify_fused(fused), data_samples, **kwargs)
        for index, sample in enumerate(predictions):
            sample.set_field(motion_mask[index], 'pred_motion_mask', dtype=torch.Tensor)
            if self.attach_fused_image:
                sample.set_field(fused[index], 'pred_fused_image', dtype=torch.Tensor)
        return predictions


def bare_classifier_cfg(fmpn_cfg: dict) -> dict:
    """The classification network of an FMPN config without the motion prior.

    It is the paper's "CNN" baseline: an ``ImageClassifier`` with the same
    backbone, neck and head, whose ``ClsDataPreprocessor`` normalises the RGB
    face as ``FMPNClassifier`` normalises the fused image.

    Args:
        fmpn_cfg (dict): ``cfg.model`` of an ``FMPNClassifier`` config.

    Returns:
        dict: The ``ImageClassifier`` config (the parts are deep copies).

    Raises:
        ValueError: ``fmpn_cfg`` is not an ``FMPNClassifier`` config.
    """
    if fmpn_cfg.get('type') != 'FMPNClassifier':
        raise ValueError('bare_classifier_cfg takes an FMPNClassifier config; model.type is '
                         f'{fmpn_cfg.get("type")}.')
    return copy.deepcopy(
        dict(
            type='ImageClassifier',
            backbone=fmpn_cfg['backbone'],
            neck=fmpn_cfg.get('neck'),
            head=fmpn_cfg.get('head'),
            data_preprocessor=dict(
                type='ClsDataPreprocessor',
                mean=[255 * m for m in fmpn_cfg.get('fused_mean', IMAGENET_MEAN)],
                std=[255 * s for s in fmpn_cfg.get('fused_std', IMAGENET_STD)],
                to_rgb=True)))
