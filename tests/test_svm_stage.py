"""I2CNN's SVM stage: grid-searched SVC on face features, predictions in FMPN's JSON."""
import json

import cv2
import mmengine.dataset.sampler
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from test_multi_patch_classifier import tiny_multi_patch_cfg

from mmfmpn.engine.svm_stage import fit_svm, run_svm_stage, svm_scores
from mmfmpn.evaluation.prediction_dump import read_predictions

CLASSES = ('neutral', 'happy', 'surprise')


def blobs(rng, per_class=6, dim=4):
    """Three well separated Gaussian classes; subjects cycle over each class's rows."""
    centres = np.eye(3, dim) * 10
    features = np.concatenate([centre + rng.normal(size=(per_class, dim)) for centre in centres])
    labels = np.repeat(np.arange(3), per_class)
    subjects = [f'P{index % per_class}' for index in range(len(labels))]
    return features.astype(np.float32), labels, subjects


def test_fit_svm_searches_by_subject_and_separates_the_classes():
    rng = np.random.default_rng(0)
    features, labels, subjects = blobs(rng)
    search = fit_svm(
        features,
        labels,
        groups=subjects,
        param_grid=dict(kernel=['linear', 'rbf'], C=[0.1, 1.0]),
        cv_folds=3)
    assert set(search.best_params_) == {'svm__kernel', 'svm__C'}
    assert search.best_score_ >= 0.85
    test_features, test_labels, _ = blobs(rng, per_class=4)
    np.testing.assert_array_equal(search.predict(test_features), test_labels)
    scores = svm_scores(search, test_features)
    assert scores.shape == (12, 3)
    np.testing.assert_allclose(scores.sum(axis=1), 1.0)
    np.testing.assert_array_equal(scores.argmax(axis=1), test_labels)


def test_fit_svm_refuses_too_few_subjects_or_classes():
    features, labels, _ = blobs(np.random.default_rng(1))
    with pytest.raises(ValueError, match='2 training subjects cannot form 3'):
        fit_svm(features, labels, groups=['A', 'B'] * 9, cv_folds=3)
    with pytest.raises(ValueError, match='fewer than two classes'):
        fit_svm(features, np.zeros(len(labels), int))


@pytest.fixture
def tiny_face_set(tmp_path):
    """Nine 24x24 faces per class in three brightness levels, six subjects, one fold."""
    rows, train, test = [], [], []
    points = '7;9;17;9;12;13;8;18;16;18'
    for label_index, label in enumerate(CLASSES):
        for number in range(9):
            name = f'{label}_{number}.png'
            image = np.full((24, 24), 40 + 80 * label_index, np.uint8)
            image[8:10, 6:18] = 255 - 60 * label_index
            cv2.imwrite(str(tmp_path / name), image)
            subject = f'P{number % 6}'
            rows.append(f'{name},{label},{subject},,,{points}')
            (test if subject == 'P5' else train).append(name)
    (tmp_path / 'annotations.csv').write_text('image,label,subject,sequence,neutral,landmarks\n' +
                                              '\n'.join(rows) + '\n')
    (tmp_path / 'train_ids_0.csv').write_text('\n'.join(train) + '\n')
    (tmp_path / 'test_ids_0.csv').write_text('\n'.join(test) + '\n')
    return tmp_path


def tiny_config(data_root):
    patches = dict(
        type='FacePatches',
        patch_size=12,
        regions=[
            dict(name='left_eye', anchor=(1, 0, 0, 0, 0), size=(0.8, 0.8)),
            dict(name='mouth', anchor=(0, 0, 0, 0.5, 0.5), size=(1.0, 0.8))
        ])
    dataset = dict(
        type='FERAnnotationDataset',
        data_root=str(data_root),
        classes=CLASSES,
        fold=0,
        pipeline=[dict(type='LoadImageFromFile'), patches,
                  dict(type='PackInputs')])
    return Config(
        dict(
            default_scope='mmpretrain',
            model=tiny_multi_patch_cfg(
                head=dict(
                    type='LinearClsHead',
                    num_classes=3,
                    in_channels=8,
                    loss=dict(type='CrossEntropyLoss'))),
            train_dataloader=dict(batch_size=4, dataset=dict(dataset, split='train')),
            test_dataloader=dict(batch_size=4, dataset=dict(dataset, split='test')),
            svm_stage=dict(param_grid=dict(C=[1.0]), cv_folds=2)))


@pytest.mark.parametrize('rank_zero_of_two', [False, True])
def test_run_svm_stage_writes_the_fold_predictions(tiny_face_set, tmp_path, monkeypatch,
                                                   rank_zero_of_two):
    if rank_zero_of_two:
        # kfold.py under torchrun: rank 0 alone runs the stage inside a process group of 2.
        # It must read every face, and start no collective the other rank would never join.
        monkeypatch.setattr(mmengine.dataset.sampler, 'get_dist_info', lambda: (0, 2))

        def collective(*args, **kwargs):
            raise AssertionError('a collective on rank 0 alone would hang the job')

        monkeypatch.setattr(mmengine.dataset.sampler, 'sync_random_seed', collective)
    cfg = tiny_config(tiny_face_set)
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    checkpoint = tmp_path / 'cnn.pth'
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict()), checkpoint)
    out_file = tmp_path / 'fold_0' / 'predictions.json'

    result = run_svm_stage(cfg, str(checkpoint), str(out_file))

    assert (result['num_train'], result['num_test']) == (24, 3)
    assert result['feature_dim'] == 2 * 8  # two patches of 8-d features
    predictions = read_predictions(str(out_file))
    assert 100.0 * np.mean(predictions.gt_labels == predictions.pred_labels) == \
        pytest.approx(result['accuracy'])
    content = json.loads(out_file.read_text())
    assert content['classes'] == list(CLASSES)
    assert all(len(record['pred_score']) == 3 for record in content['predictions'])
    assert json.loads((tmp_path / 'fold_0' / 'svm.json').read_text())['best_params'] == \
        dict(C=1.0)
    with pytest.raises(ValueError, match='unknown svm_stage keys'):
        cfg.svm_stage = dict(kernel='rbf')
        run_svm_stage(cfg, str(checkpoint), str(out_file))
