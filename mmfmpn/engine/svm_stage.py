"""I2CNN's last stage: a support vector machine on the CNN's concatenated patch features.

Per fold: the trained multi-patch CNN turns every face (training and test, test-time
pipeline: centre crops, no randomness) into its feature ``(K * D, )``; scikit-learn's
``SVC`` with parameters chosen by cross-validated grid search on the training faces is fitted
on them and predicts the test faces; the predictions go to the same JSON as FMPN's tests
(:func:`mmfmpn.evaluation.write_predictions_json`), so the fold summary reads both.
"""
import copy
import json
import os.path as osp
from typing import List, NamedTuple, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmpretrain.registry import DATASETS, MODELS
from sklearn.model_selection import GridSearchCV, GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch.utils.data import SequentialSampler

from mmfmpn.evaluation.prediction_dump import write_predictions_json
from mmfmpn.utils.file_io import write_text_atomic
from .checkpoint_loading import load_checkpoint_strictly

#: The SVM settings a config may give in ``svm_stage`` (see :func:`fit_svm`).
SVM_STAGE_KEYS = ('param_grid', 'cv_folds', 'batch_size', 'seed')
#: Search space of :func:`fit_svm` when the config gives none.
DEFAULT_PARAM_GRID = dict(kernel=['linear'], C=[0.001, 0.01, 0.1, 1.0, 10.0])


class FaceFeatures(NamedTuple):
    """Features of a dataset's faces.

    Args:
        features (np.ndarray): ``(N, F)`` float32.
        labels (np.ndarray): ``(N, )`` int64 class indices.
        img_paths (list[str]): Image of each row.
        subjects (list[str] | None): Subject of each row, None when the dataset has none.
    """
    features: np.ndarray
    labels: np.ndarray
    img_paths: List[str]
    subjects: Optional[List[str]]


@torch.no_grad()
def extract_features(model: torch.nn.Module, dataloader) -> FaceFeatures:
    """Run a model's ``extract_feat`` over a dataloader.

    Args:
        model (torch.nn.Module): A classifier with a data preprocessor and ``extract_feat``
            returning ``(N, F)`` (``MultiPatchClassifier``); put in eval mode here.
        dataloader (DataLoader): Faces with ``gt_label``; its dataset's items may carry
            ``subject``.

    Returns:
        FaceFeatures: In dataloader order.
    """
    model.eval()
    dataset = dataloader.dataset
    features, labels, paths, subjects = [], [], [], []
    for data in dataloader:
        data = model.data_preprocessor(data, False)
        features.append(model.extract_feat(data['inputs']).float().cpu().numpy())
        for sample in data['data_samples']:
            labels.append(int(sample.gt_label.item()))
            paths.append(sample.get('img_path'))
            subjects.append(dataset.get_data_info(sample.sample_idx).get('subject'))
    return FaceFeatures(
        np.concatenate(features).astype(np.float32), np.asarray(labels, np.int64), paths,
        subjects if all(subject for subject in subjects) else None)


def fit_svm(features: np.ndarray,
            labels: np.ndarray,
            groups: Optional[Sequence[str]] = None,
            param_grid: Optional[dict] = None,
            cv_folds: int = 3,
            seed: int = 0) -> GridSearchCV:
    """Fit a standardise + ``SVC`` pipeline, its parameters chosen by grid search.

    The search cross-validates on the given (training) faces only: grouped by subject when
    ``groups`` is given (``GroupKFold``, so a subject never helps choose parameters for
    itself), else stratified by class; the best parameters are refitted on all of them.

    Args:
        features (np.ndarray): ``(N, F)`` training features.
        labels (np.ndarray): ``(N, )`` class indices.
        groups (Sequence[str], optional): Subject of each face. Defaults to None.
        param_grid (dict, optional): ``SVC`` parameter -> values, e.g.
            ``dict(kernel=['linear', 'rbf'], C=[0.1, 1, 10])``. Defaults to None
            (:data:`DEFAULT_PARAM_GRID`).
        cv_folds (int): Folds of the search. Defaults to 3.
        seed (int): Seed of the stratified shuffle. Defaults to 0.

    Returns:
        GridSearchCV: Fitted; ``best_params_`` and ``best_score_`` (mean CV accuracy) tell
        what was chosen.

    Raises:
        ValueError: Fewer subjects or class members than ``cv_folds``, or fewer than two
            classes.
    """
    if len(np.unique(labels)) < 2:
        raise ValueError('fit_svm: the training faces hold fewer than two classes')
    if groups is not None:
        if len(set(groups)) < cv_folds:
            raise ValueError(
                f'fit_svm: {len(set(groups))} training subjects cannot form '
                f'{cv_folds} subject-independent search folds; lower svm_stage.cv_folds')
        splitter = GroupKFold(n_splits=cv_folds)
    else:
        splitter = StratifiedKFold(n_splits=cv_folds, shuffle=True, random_state=seed)
    grid = param_grid if param_grid is not None else DEFAULT_PARAM_GRID
    pipeline = Pipeline([('scale', StandardScaler()), ('svm', SVC(decision_function_shape='ovr'))])
    search = GridSearchCV(
        pipeline, {
            f'svm__{name}': list(values)
            for name, values in grid.items()
        },
        scoring='accuracy',
        cv=splitter,
        refit=True,
        n_jobs=1)
    search.fit(features, labels, groups=groups)
    return search


def svm_scores(search: GridSearchCV, features: np.ndarray) -> np.ndarray:
    """Class scores of the fitted SVM: softmax of its one-vs-rest decision values.

    Args:
        search (GridSearchCV): From :func:`fit_svm`.
        features (np.ndarray): ``(N, F)``.

    Returns:
        np.ndarray: ``(N, num_train_classes)`` rows summing to 1, columns in
        ``search.classes_`` order.
    """
    decision = search.decision_function(features)
    if decision.ndim == 1:  # two classes: one signed distance
        decision = np.stack([-decision, decision], axis=1)
    decision = decision - decision.max(axis=1, keepdims=True)
    exp = np.exp(decision)
    return exp / exp.sum(axis=1, keepdims=True)


def _feature_dataloader(cfg: Config, split: str, batch_size: int):
    """A deterministic dataloader of a whole split, always with the test pipeline.

    Only rank 0 runs the SVM stage, so the loader reads every face in order in this
    process: a torch ``SequentialSampler``, not mmengine's ``DefaultSampler``, which
    under a process group would give rank 0 a share of the split and wait for the
    other ranks to agree on a seed.
    """
    loader_cfg = copy.deepcopy(cfg[f'{split}_dataloader'])
    dataset_cfg = loader_cfg.dataset
    if 'pipeline' not in dataset_cfg:
        raise ValueError(f'svm_stage: {split}_dataloader.dataset has no pipeline; '
                         'dataset wrappers are not supported here')
    dataset_cfg.pipeline = copy.deepcopy(cfg.test_dataloader.dataset.pipeline)
    dataset = DATASETS.build(dataset_cfg)
    loader_cfg.update(
        dataset=dataset,
        batch_size=batch_size,
        num_workers=0,
        persistent_workers=False,
        sampler=SequentialSampler(dataset))
    loader_cfg.pop('batch_sampler', None)
    return Runner.build_dataloader(loader_cfg)


def run_svm_stage(cfg: Config, checkpoint: str, out_file: str) -> dict:
    """Features of the fold's training and test faces, SVM fit, test predictions.

    Args:
        cfg (Config): The trained model's config (pointed at the fold); its optional
            ``svm_stage`` dict sets :data:`SVM_STAGE_KEYS` (``batch_size``: faces per
            feature batch, default the test dataloader's).
        checkpoint (str): The trained CNN.
        out_file (str): Predictions JSON of the test faces. ``svm.json`` beside it
            records the chosen parameters and accuracies.

    Returns:
        dict: ``accuracy`` (test, %), ``cv_accuracy`` (the search's best, %),
        ``best_params``, ``num_train``, ``num_test``, ``feature_dim``.

    Raises:
        ValueError: Unknown ``svm_stage`` keys.
    """
    settings = dict(cfg.get('svm_stage') or {})
    unknown = sorted(set(settings) - set(SVM_STAGE_KEYS))
    if unknown:
        raise ValueError(f'{cfg.filename}: unknown svm_stage keys {unknown}; allowed: '
                         f'{", ".join(SVM_STAGE_KEYS)}')
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = MODELS.build(copy.deepcopy(cfg.model))
    load_checkpoint_strictly(model, checkpoint)
    batch_size = settings.get('batch_size', cfg.test_dataloader.batch_size)
    train = extract_features(model, _feature_dataloader(cfg, 'train', batch_size))
    test_loader = _feature_dataloader(cfg, 'test', batch_size)
    test = extract_features(model, test_loader)
    search = fit_svm(
        train.features,
        train.labels,
        groups=train.subjects,
        param_grid=settings.get('param_grid'),
        cv_folds=settings.get('cv_folds', 3),
        seed=settings.get('seed', 0))
    classes = test_loader.dataset.metainfo.get('classes')
    num_classes = len(classes) if classes else int(max(train.labels.max(), test.labels.max()) + 1)
    # A class absent from the training faces scores 0.
    scores = np.zeros((len(test.labels), num_classes))
    scores[:, search.classes_] = svm_scores(search, test.features)
    pred_labels = search.predict(test.features)
    write_predictions_json(out_file, classes, [
        dict(
            img_path=path,
            gt_label=int(gt),
            pred_label=int(pred),
            pred_score=[round(float(value), 6) for value in score])
        for path, gt, pred, score in zip(test.img_paths, test.labels, pred_labels, scores)
    ])
    result = dict(
        accuracy=100.0 * float((pred_labels == test.labels).mean()),
        cv_accuracy=100.0 * float(search.best_score_),
        best_params={
            key.replace('svm__', ''): value
            for key, value in search.best_params_.items()
        },
        num_train=len(train.labels),
        num_test=len(test.labels),
        feature_dim=int(train.features.shape[1]))
    write_text_atomic(
        osp.join(osp.dirname(osp.abspath(out_file)), 'svm.json'),
        json.dumps(result, indent=2) + '\n')
    return result
