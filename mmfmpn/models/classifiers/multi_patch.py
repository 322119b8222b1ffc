from typing import List, Optional

import torch
import torch.nn.functional as F
from mmpretrain.models import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


@MODELS.register_module()
class MultiPatchClassifier(ImageClassifier):
    """One backbone shared by the ``K`` patches of each face (I2CNN).

    Inputs are ``(N, K, 3, H, W)``, the patches of ``N`` faces as cut by ``FacePatches``.
    Every patch runs through ``backbone -> neck -> head`` as one image of a batch of
    ``N * K``:

    - ``loss``: every patch is labelled with its face's class (the paper's patch
      training), so the head's loss averages over ``N * K`` patches.
    - ``predict``: the face's class scores are the mean of its patches' softmax scores
      (the CNN's own prediction; I2CNN's final classifier is the SVM on
      :meth:`extract_feat`, see :mod:`mmfmpn.engine.svm_stage`).
    - :meth:`extract_feat`: the per-patch features before the head's last linear layer
      (``pre_logits``, AlexNet's 4096-d FC7 in the paper), concatenated per face in patch
      order: ``(N, K * D)``.

    Args: see ``mmpretrain.models.ImageClassifier``. The data preprocessor must not swap
    channels (``to_rgb=False``): with ``K = 3`` it would swap patches instead.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self.data_preprocessor, 'to_rgb', False):
            raise ValueError('MultiPatchClassifier: set data_preprocessor.to_rgb=False; the inputs '
                             'are (N, K, 3, H, W) patches, whose dimension 1 is the patch, not the '
                             'channel')

    def _patch_feats(self, inputs: torch.Tensor, stage: str):
        """``ImageClassifier.extract_feat`` of the ``N * K`` patches of ``(N, K, C, H, W)``
        inputs, face by face, at ``stage``."""
        if inputs.dim() != 5:
            raise ValueError(
                'MultiPatchClassifier: expected (N, K, C, H, W) patches (the FacePatches '
                f'transform), got shape {tuple(inputs.shape)}')
        return super().extract_feat(inputs.flatten(0, 1), stage=stage)

    def patch_features(self, inputs: torch.Tensor) -> torch.Tensor:
        """Per-patch features before the head's last linear layer.

        Args:
            inputs (torch.Tensor): ``(N, K, C, H, W)`` normalised patches.

        Returns:
            torch.Tensor: ``(N, K, D)``.
        """
        return self._patch_feats(inputs, 'pre_logits').reshape(*inputs.shape[:2], -1)

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'pre_logits') -> torch.Tensor:
        """The face feature of I2CNN: its patches' features side by side.

        Args:
            inputs (torch.Tensor): ``(N, K, C, H, W)`` normalised patches.
            stage (str): Only ``'pre_logits'``; present for the ``ImageClassifier``
                signature. Defaults to 'pre_logits'.

        Returns:
            torch.Tensor: ``(N, K * D)``; columns ``k * D .. (k + 1) * D - 1`` are patch
            ``k``'s feature.
        """
        if stage != 'pre_logits':
            raise ValueError(f'MultiPatchClassifier.extract_feat: stage {stage!r} is '
                             "not supported; the face feature is 'pre_logits'")
        return self.patch_features(inputs).flatten(1)

    def patch_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """Class logits of every patch.

        Args:
            inputs (torch.Tensor): ``(N, K, C, H, W)`` normalised patches.

        Returns:
            torch.Tensor: ``(N, K, num_classes)``.
        """
        return self.head(self._patch_feats(inputs, 'neck')).reshape(*inputs.shape[:2], -1)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """``'tensor'`` gives the ``(N, K, num_classes)`` patch logits; ``'loss'`` and
        ``'predict'`` as in ``ImageClassifier``."""
        if mode == 'tensor':
            return self.patch_logits(inputs)
        return super().forward(inputs, data_samples, mode)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample]) -> dict:
        """The head's loss over all ``N * K`` patches, each with its face's label.

        Args:
            inputs (torch.Tensor): ``(N, K, C, H, W)`` normalised patches.
            data_samples (list[DataSample]): ``N`` samples with ``gt_label``.

        Returns:
            dict[str, torch.Tensor]: The head's losses.
        """
        num_patches = inputs.shape[1]
        feats = self._patch_feats(inputs, 'neck')
        patch_samples = [sample for sample in data_samples for _ in range(num_patches)]
        return self.head.loss(feats, patch_samples)

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """Face predictions from the mean softmax score of its patches.

        Args:
            inputs (torch.Tensor): ``(N, K, C, H, W)`` normalised patches.
            data_samples (list[DataSample], optional): ``N`` samples to fill.

        Returns:
            list[DataSample]: ``N`` samples with ``pred_score`` ``(num_classes,)`` and
            ``pred_label``.
        """
        scores = F.softmax(self.patch_logits(inputs), dim=-1).mean(dim=1)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(scores.size(0))]
        for sample, score in zip(data_samples, scores):
            sample.set_pred_score(score).set_pred_label(score.argmax(keepdim=True))
        return data_samples
