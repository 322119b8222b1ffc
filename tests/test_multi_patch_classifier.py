"""MultiPatchClassifier: one backbone over K patches, per-patch loss, concatenated features."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmpretrain.models import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import mmfmpn  # noqa: F401  registers the modules


def tiny_multi_patch_cfg(**kwargs) -> dict:
    """A multi-patch classifier with a one-stage 8-channel ResNet (8-d patch features)."""
    cfg = dict(
        type='MultiPatchClassifier',
        data_preprocessor=dict(
            type='ClsDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3, to_rgb=False),
        backbone=dict(
            type='ResNet',
            depth=18,
            stem_channels=8,
            base_channels=8,
            num_stages=1,
            strides=(1, ),
            dilations=(1, ),
            out_indices=(0, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead', num_classes=4, in_channels=8, loss=dict(type='CrossEntropyLoss')))
    cfg.update(kwargs)
    return cfg


@pytest.fixture(scope='module')
def model():
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    return MODELS.build(tiny_multi_patch_cfg()).eval()


def samples(labels):
    return [DataSample().set_gt_label(label) for label in labels]


def test_extract_feat_concatenates_each_patch_feature_in_order(model):
    inputs = torch.randn(2, 3, 3, 16, 16)
    features = model.extract_feat(inputs)
    assert features.shape == (2, 3 * 8)
    with torch.no_grad():
        for patch in range(3):
            alone = ImageClassifier.extract_feat(model, inputs[:, patch], stage='pre_logits')
            torch.testing.assert_close(features[:, patch * 8:(patch + 1) * 8], alone)


def test_loss_labels_every_patch_with_its_face(model):
    inputs = torch.randn(2, 3, 3, 16, 16)
    loss = model(inputs, samples([1, 3]), mode='loss')['loss']
    logits = model(inputs, mode='tensor')
    assert logits.shape == (2, 3, 4)
    targets = torch.tensor([1, 3]).repeat_interleave(3)
    expected = torch.nn.functional.cross_entropy(logits.reshape(6, 4), targets)
    torch.testing.assert_close(loss, expected)


def test_predict_averages_the_patch_scores(model):
    inputs = torch.randn(2, 5, 3, 16, 16)
    predictions = model(inputs, samples([0, 1]), mode='predict')
    expected = torch.softmax(model(inputs, mode='tensor'), dim=-1).mean(dim=1)
    for prediction, score in zip(predictions, expected):
        torch.testing.assert_close(prediction.pred_score, score)
        assert prediction.pred_label.item() == score.argmax().item()


def test_the_preprocessor_batches_patches_without_swapping_them(model):
    patches = [torch.randint(0, 255, (3, 3, 16, 16), dtype=torch.uint8) for _ in range(2)]
    data = model.data_preprocessor(dict(inputs=patches, data_samples=samples([0, 1])))
    assert data['inputs'].shape == (2, 3, 3, 16, 16)
    torch.testing.assert_close(data['inputs'][1, 2], patches[1][2].float() / 127.5 - 1)


def test_bad_inputs_and_channel_swaps_are_refused(model):
    with pytest.raises(ValueError, match=r'\(N, K, C, H, W\)'):
        model.extract_feat(torch.randn(2, 3, 16, 16))
    with pytest.raises(ValueError, match='to_rgb=False'):
        MODELS.build(
            tiny_multi_patch_cfg(data_preprocessor=dict(type='ClsDataPreprocessor', to_rgb=True)))
