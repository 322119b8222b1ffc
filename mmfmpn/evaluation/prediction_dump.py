"""The predictions file of ``tools/test.py --out``: its writer and its one reader."""
import json
import os.path as osp
from typing import List, NamedTuple, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS

from mmfmpn.utils.file_io import write_text_atomic
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
                gt_label=int(sample['gt_label'].item()) if 'gt_label' in sample else None,
                pred_label=int(sample['pred_label'].item()),
                pred_score=[round(float(s), 6) for s in sample['pred_score']])
            if 'pred_motion_mask' in sample and 'gt_motion_mask' in sample:
                record['motion_mask_mse'] = motion_mask_errors(sample)[0]
            self.results.append(record)

    def compute_metrics(self, results: List[dict]) -> dict:
        write_predictions_json(self.out_file,
                               self.dataset_meta.get('classes') if self.dataset_meta else None,
                               results)
        return {}


class Predictions(NamedTuple):
    """The records of one predictions file (:class:`DumpPredictionsJSON`).

    Args:
        classes (list[str]): Class names in label order (``'0'``, ``'1'``, ... when the
            file has none).
        gt_labels (np.ndarray): ``(N, )`` int64 true labels in ``[0, C)``.
        pred_labels (np.ndarray): ``(N, )`` int64 predicted labels in ``[0, C)``.
        motion_mask_mse (np.ndarray, optional): ``(N, )`` float64 per-sample mask
            errors, or None unless every record has one.
        named_classes (bool): Whether the file named its classes.
    """
    classes: List[str]
    gt_labels: np.ndarray
    pred_labels: np.ndarray
    motion_mask_mse: Optional[np.ndarray]
    named_classes: bool


def read_predictions(path: str) -> Predictions:
    """Read and check a predictions file of ``tools/test.py --out preds.json``.

    Args:
        path (str): The JSON file: ``{"classes": [...], "predictions": [{img_path,
            gt_label, pred_label, pred_score[, motion_mask_mse]}, ...]}``.

    Returns:
        Predictions: The labels (and mask errors) of every record, in file order.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: Not that JSON, no record, a record without a true or predicted
            label (an unlabelled test split), or a label outside the classes.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such predictions file; write it with '
                                'tools/test.py CONFIG CHECKPOINT --out preds.json.')
    try:
        with open(path, encoding='utf-8') as file:
            content = json.load(file)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f'{path}: not valid JSON ({error}); write it with '
                         'tools/test.py --out preds.json.') from error
    records = content.get('predictions') if isinstance(content, dict) else None
    if not records or not all(isinstance(r, dict) for r in records):
        raise ValueError(f'{path}: expected {{"classes": [...], "predictions": '
                         '[...]}} with at least one record (tools/test.py --out '
                         'writes it).')
    unlabelled = [
        record.get('img_path', index) for index, record in enumerate(records)
        if record.get('gt_label') is None or record.get('pred_label') is None
    ]
    if unlabelled:
        raise ValueError(f'{path}: {len(unlabelled)} records have no gt_label or '
                         f'pred_label (e.g. {unlabelled[0]}); accuracies and '
                         'confusion matrices need a labelled test split.')
    try:
        gt_labels = np.array([int(r['gt_label']) for r in records], np.int64)
        pred_labels = np.array([int(r['pred_label']) for r in records], np.int64)
    except (TypeError, ValueError) as error:
        raise ValueError(f'{path}: a gt_label or pred_label is not an integer '
                         f'({error}).') from error
    classes = content.get('classes')
    num_classes = len(classes) if classes else int(max(gt_labels.max(), pred_labels.max())) + 1
    labels = np.concatenate([gt_labels, pred_labels])
    outside = labels[(labels < 0) | (labels >= num_classes)]
    if outside.size:
        raise ValueError(f'{path}: label {int(outside[0])} is outside 0..'
                         f'{num_classes - 1} ({num_classes} classes).')
    mask_errors = [record.get('motion_mask_mse') for record in records]
    return Predictions(
        classes=[str(name)
                 for name in classes] if classes else [str(index) for index in range(num_classes)],
        gt_labels=gt_labels,
        pred_labels=pred_labels,
        motion_mask_mse=None if None in mask_errors else np.array(mask_errors, dtype=np.float64),
        named_classes=bool(classes))
