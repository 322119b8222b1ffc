"""The one reader of the predictions file, shared by the fold summary and the
confusion-matrix tool."""
import json

import numpy as np
import pytest

from mmfmpn.evaluation.class_report import class_report
from mmfmpn.evaluation.fold_summary import summarize_folds
from mmfmpn.evaluation.prediction_dump import read_predictions


def write_predictions(path, pairs, classes=('anger', 'happy', 'surprise'), **extra):
    records = [
        dict(img_path=f'{i}.png', gt_label=gt, pred_label=pred, pred_score=[0.0] * 3, **extra)
        for i, (gt, pred) in enumerate(pairs)
    ]
    path.write_text(json.dumps(dict(classes=classes, predictions=records)))
    return str(path)


def test_reads_labels_classes_and_mask_errors(tmp_path):
    path = write_predictions(tmp_path / 'p.json', [(0, 0), (2, 1)], motion_mask_mse=0.5)
    predictions = read_predictions(path)
    assert predictions.classes == ['anger', 'happy', 'surprise']
    np.testing.assert_array_equal(predictions.gt_labels, [0, 2])
    np.testing.assert_array_equal(predictions.pred_labels, [0, 1])
    np.testing.assert_array_equal(predictions.motion_mask_mse, [0.5, 0.5])
    unnamed = tmp_path / 'unnamed.json'
    unnamed.write_text(json.dumps(dict(classes=None, predictions=[dict(gt_label=3, pred_label=0)])))
    assert read_predictions(str(unnamed)).classes == ['0', '1', '2', '3']


@pytest.mark.parametrize('content,message', [
    ('{not json', 'not valid JSON'),
    ('[]', 'at least one record'),
    (json.dumps(dict(predictions=[dict(gt_label=None, pred_label=1)])), 'no gt_label'),
    (json.dumps(dict(classes=['a', 'b'], predictions=[dict(gt_label=2, pred_label=1)
                                                      ])), 'label 2 is outside 0..1'),
])
def test_bad_files_name_the_file(tmp_path, content, message):
    path = tmp_path / 'bad.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=f'bad.json.*{message}'):
        read_predictions(str(path))
    with pytest.raises(ValueError, match=message):
        summarize_folds({0: str(path)})
    with pytest.raises(FileNotFoundError, match='tools/test.py'):
        read_predictions(str(tmp_path / 'missing.json'))


def test_fold_summary_and_class_report_agree(tmp_path):
    pairs = [(0, 0), (0, 1), (1, 1), (2, 2)]
    path = write_predictions(tmp_path / 'p.json', pairs)
    summary = summarize_folds({0: path})
    predictions = read_predictions(path)
    report = class_report(predictions.classes, predictions.pred_labels, predictions.gt_labels)
    assert summary['folds'][0]['accuracy'] == pytest.approx(report['accuracy'])
    assert np.trace(summary['confusion_matrix']) == 3
