import json
from typing import List, Optional, Sequence

from mmengine.evaluator import BaseMetric

from mmfmpn.utils.file_io import write_text_atomic
from mmpretrain.registry import METRICS
from .motion_mask_metric import motion_mask_errors


def write_predictions_json(out_file: str, classes: Optional[Sequence[str]],
                           records: Sequence[dict]) -> None:
    """Write predictions in the format the fold summary reads, atomically.

    Args:
        out_file (str): The ``.json`` file; its folder is created.
        classes (Sequence[str], optional): Class names in index order.
        records (Sequence[dict]): One per sample: ``img_path``, ``gt_label``,
            ``pred_label``, ``pred_score`` (class scores), optionally
            ``motion_mask_mse``.
    """
    write_text_atomic(
        out_file,
        json.dumps(
            dict(classes=list(classes) if classes is not None else None,
                 predictions=list(records))))


@METRICS.register_module()
class DumpPredictionsJSON(BaseMetric):
    """Write per-sample predictions to a JSON file (``tools/test.py --out``).

    JSON rather than mmengine's pickle dump, so that the k-fold and analysis
    tools read results without unpickling. Each record has ``img_path``,
    ``gt_label``, ``pred_label`` and ``pred_score`` (a list of class scores),
    and ``motion_mask_mse`` when the sample has a generated and a
    ground-truth motion mask (FMPN tested with ``LoadMotionMask``).

    Args:
        out_file (str): The ``.json`` file; written atomically.
        collect_device (str): Device to collect results across ranks.
            Defaults to 'cpu'.
    """

    def __init__(self, out_file: str, collect_device: str = 'cpu'):
        super().__init__(collect_device=collect_device)
        if not out_file.endswith('.json'):
            raise ValueError(f'DumpPredictionsJSON: {out_file} must end with '
                             '.json.')
        self.out_file = out_file

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            record = dict(
                img_path=sample.get('img_path'),
                gt_label=int(sample['gt_label'].item())
                if 'gt_label' in sample else None,
                pred_label=int(sample['pred_label'].item()),
                pred_score=[round(float(s), 6) for s in sample['pred_score']])
            if 'pred_motion_mask' in sample and 'gt_motion_mask' in sample:
                record['motion_mask_mse'] = motion_mask_errors(sample)[0]
            self.results.append(record)

    def compute_metrics(self, results: List[dict]) -> dict:
        write_predictions_json(
            self.out_file,
            self.dataset_meta.get('classes') if self.dataset_meta else None,
            results)
        return {}
