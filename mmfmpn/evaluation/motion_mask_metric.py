from typing import List, Sequence, Tuple

import torch
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


def motion_mask_errors(sample: dict) -> Tuple[float, float]:
    """Squared and absolute error of one sample's generated motion mask.

    Args:
        sample (dict): With ``pred_motion_mask`` and ``gt_motion_mask``, both
            ``(1, H, W)`` in [0, 1].

    Returns:
        tuple[float, float]: Mean squared error and mean absolute error over
        the mask's pixels.
    """
    prediction = sample['pred_motion_mask'].float()
    error = prediction - sample['gt_motion_mask'].float().to(prediction.device)
    return error.pow(2).mean().item(), error.abs().mean().item()


@METRICS.register_module()
class MotionMaskError(BaseMetric):
    """Error of the generated motion masks against the ground-truth masks.

    The metric of the mask-generator phase, where accuracy means nothing yet.
    Samples need ``pred_motion_mask`` (from ``FMPNClassifier.predict``) and
    ``gt_motion_mask``, both ``(1, H, W)`` in [0, 1].

    Args:
        collect_device (str): Device to collect results across ranks.
            Defaults to 'cpu'.
        prefix (str): Metric name prefix. Defaults to 'motion_mask'.

    Returns (from ``compute_metrics``):
        dict: ``mse`` and ``mae`` averaged over samples.
    """
    default_prefix = 'motion_mask'

    def __init__(self, collect_device: str = 'cpu', prefix: str = None):
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'pred_motion_mask' not in sample or ('gt_motion_mask' not in sample):
                raise KeyError('MotionMaskError needs pred_motion_mask and gt_motion_mask '
                               f'in each sample ({sample.get("img_path")}); use '
                               'FMPNClassifier and LoadMotionMask in the test pipeline.')
            self.results.append(motion_mask_errors(sample))

    def compute_metrics(self, results: List) -> dict:
        errors = torch.tensor(results, dtype=torch.float64)
        return dict(mse=errors[:, 0].mean().item(), mae=errors[:, 1].mean().item())
