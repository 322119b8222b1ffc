import pytest
import torch
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from tiny_models import tiny_model_cfg

import mmfmpn  # noqa: F401


def tiny_fmpn(**kwargs):
    return MODELS.build(tiny_model_cfg(**kwargs))


def samples_with_masks(n, size):
    samples = []
    for i in range(n):
        sample = DataSample().set_gt_label(i % 7)
        sample.gt_motion_mask = torch.rand(1, size, size)
        samples.append(sample)
    return samples


@pytest.mark.parametrize('size', [299, 70, 64, 33])
def test_mask_generator_keeps_input_size_and_range(size):
    fmg = MODELS.build(dict(type='FacialMotionMaskGenerator', base_channels=4, num_res_blocks=1))
    mask = fmg(torch.rand(2, 1, size, size))
    assert mask.shape == (2, 1, size, size)
    assert mask.min() >= 0 and mask.max() <= 1


# The authors' layers (donydchen/FMPN-FER, model/model_utils.py at 32a5c3a:
# ResFaceGenNet with input_nc=1, ngf=64, n_blocks=4, BatchNorm, so every conv
# and deconv has bias=False; ResnetBlock = [conv3x3, BN, PReLU] x 2; res_top =
# conv7x7 64->1, bias=False, then sigmoid), written as (kind, in, out, kernel).
_AUTHORS_ENCODER = [('conv', 1, 64, 7), ('bn', 64), ('conv', 64, 128, 4), ('bn', 128),
                    ('conv', 128, 256, 4), ('bn', 256)]
_AUTHORS_RES_BLOCK = [('conv', 256, 256, 3), ('bn', 256), ('prelu', ), ('conv', 256, 256, 3),
                      ('bn', 256), ('prelu', )]
_AUTHORS_DECODER = [('deconv', 256, 128, 4), ('bn', 128), ('deconv', 128, 64, 4), ('bn', 64),
                    ('conv', 64, 1, 7)]
AUTHORS_FMG_LAYERS = _AUTHORS_ENCODER + _AUTHORS_RES_BLOCK * 4 + _AUTHORS_DECODER


def _authors_parameter_count(layers) -> int:
    """Learnable parameters of a layer list: bias-free (de)convolutions,
    affine batch norms (weight + bias) and single-slope PReLUs."""
    count = 0
    for kind, *shape in layers:
        if kind in ('conv', 'deconv'):
            in_channels, out_channels, kernel = shape
            count += in_channels * out_channels * kernel * kernel
        elif kind == 'bn':
            count += 2 * shape[0]
        else:
            count += 1
    return count


def test_mask_generator_matches_authors_layers():
    fmg = MODELS.build(dict(type='FacialMotionMaskGenerator'))
    convs = [m for m in fmg.modules() if isinstance(m, torch.nn.Conv2d)]
    deconvs = [m for m in fmg.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    expected_convs = [layer[1:] for layer in AUTHORS_FMG_LAYERS if layer[0] == 'conv']
    expected_deconvs = [layer[1:] for layer in AUTHORS_FMG_LAYERS if layer[0] == 'deconv']
    assert [(c.in_channels, c.out_channels, c.kernel_size[0]) for c in convs] == expected_convs
    assert [(d.in_channels, d.out_channels, d.kernel_size[0]) for d in deconvs] == expected_deconvs
    assert [c.stride[0] for c in convs[:3]] == [1, 2, 2]
    assert all(m.bias is None for m in convs + deconvs)
    prelus = [m for m in fmg.modules() if isinstance(m, torch.nn.PReLU)]
    assert len(prelus) == sum(layer[0] == 'prelu' for layer in AUTHORS_FMG_LAYERS)
    expected = _authors_parameter_count(AUTHORS_FMG_LAYERS)
    assert expected == 6_040_968  # what the authors' ResFaceGenNet counts
    assert sum(p.numel() for p in fmg.parameters()) == expected


def test_mask_generator_working_size():
    fmg = MODELS.build(
        dict(type='FacialMotionMaskGenerator', base_channels=4, num_res_blocks=1, working_size=32))
    mask = fmg(torch.rand(1, 1, 75, 75))
    assert mask.shape == (1, 1, 75, 75)


@pytest.mark.parametrize('bad', [
    dict(base_channels=0),
    dict(num_res_blocks=-1),
    dict(working_size=2),
    dict(working_size=(8, 8, 8))
])
def test_mask_generator_rejects_bad_config(bad):
    with pytest.raises(ValueError, match='FacialMotionMaskGenerator'):
        MODELS.build(dict(type='FacialMotionMaskGenerator', **bad))


def test_mask_generator_rejects_rgb_input():
    fmg = MODELS.build(dict(type='FacialMotionMaskGenerator', base_channels=4))
    with pytest.raises(ValueError, match=r'\(N, 1, H, W\)'):
        fmg(torch.rand(1, 3, 16, 16))


def test_prior_fusion_net_shape_range_and_layers():
    pfn = MODELS.build(dict(type='PriorFusionNet'))
    fused = pfn(torch.rand(2, 3, 20, 20), torch.rand(2, 1, 20, 20))
    assert fused.shape == (2, 3, 20, 20)
    assert fused.min() >= 0 and fused.max() <= 1
    assert pfn.to_image.bias is None
    assert pfn.rgb_branch.conv.in_channels == 3
    assert pfn.masked_face_branch.conv.in_channels == 1


def test_prior_fusion_net_channels_last_convs_change_no_result():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='PriorFusionNet'))
    fast = MODELS.build(dict(type='PriorFusionNet', channels_last_convs=True))
    fast.load_state_dict(plain.state_dict())
    # Opt-in: the default model runs every layer in the default layout.
    assert not plain.to_image._forward_pre_hooks
    assert fast.to_image._forward_pre_hooks
    rgb = torch.rand(2, 3, 24, 24)
    results = []
    for pfn in (plain, fast):
        masked = torch.rand(
            2, 1, 24, 24, generator=torch.Generator().manual_seed(1)).requires_grad_()
        fused = pfn(rgb, masked)
        fused.square().sum().backward()
        results.append((fused, masked.grad, pfn.rgb_branch.conv.weight.grad))
    assert results[1][0].is_contiguous()
    for plain_value, fast_value in zip(*results):
        torch.testing.assert_close(fast_value, plain_value, rtol=1e-4, atol=1e-5)
    # The layout hooks leave the checkpoint format alone.
    assert fast.state_dict().keys() == plain.state_dict().keys()


def test_weighted_sum_fusion_is_eq3():
    fusion = MODELS.build(
        dict(type='WeightedSumPriorFusion', face_weight=0.5, masked_face_weight=2.0))
    rgb, masked = torch.rand(1, 3, 4, 4), torch.rand(1, 1, 4, 4)
    torch.testing.assert_close(fusion(rgb, masked), 0.5 * rgb + 2 * masked)
    assert len(list(fusion.parameters())) == 2


def test_mask_loss_is_weighted_mse():
    loss = MODELS.build(dict(type='MotionMaskLoss', loss_weight=0.1))
    pred, gt = torch.zeros(2, 1, 4, 4), torch.full((2, 1, 4, 4), 0.5)
    assert loss(pred, gt).item() == pytest.approx(0.1 * 0.25)
    with pytest.raises(ValueError, match='shape'):
        loss(pred, torch.zeros(2, 1, 5, 5))
    with pytest.raises(ValueError, match='loss_weight'):
        MODELS.build(dict(type='MotionMaskLoss', loss_weight=-1))


def test_joint_loss_has_mask_and_ce_terms():
    model = tiny_fmpn()
    losses = model.loss(torch.rand(4, 3, 32, 32), samples_with_masks(4, 32))
    assert set(losses) == {'loss_motion_mask', 'loss_cls'}
    sum(losses.values()).backward()
    assert model.mask_generator.to_mask.weight.grad is not None
    assert model.head.fc.weight.grad is not None


def test_mask_loss_stays_fp32_under_mixed_precision():
    torch.manual_seed(0)
    model = tiny_fmpn()
    inputs, samples = torch.rand(4, 3, 32, 32), samples_with_masks(4, 32)
    reference = model.loss(inputs, samples)['loss_motion_mask']
    # CPU bf16 autocast stands in for GPU AMP: same autocast machinery.
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model.loss(inputs, samples)
    assert losses['loss_motion_mask'].dtype == torch.float32
    torch.testing.assert_close(losses['loss_motion_mask'], reference, rtol=0.05, atol=0)
    sum(losses.values()).backward()
    grad = model.mask_generator.to_mask.weight.grad
    assert grad is not None and torch.isfinite(grad).all()


def tiny_stage1():
    return MODELS.build(
        dict(
            type='MotionMaskGeneratorModel',
            mask_generator=tiny_model_cfg()['mask_generator'],
            mask_loss=dict(type='MotionMaskLoss', loss_weight=10.0)))


def test_stage1_model_holds_and_trains_only_the_generator():
    model = tiny_stage1()
    assert {key.split('.')[0] for key in model.state_dict()} == {'mask_generator'}
    losses = model(torch.rand(2, 3, 32, 32), samples_with_masks(2, 32), mode='loss')
    assert set(losses) == {'loss_motion_mask'}
    losses['loss_motion_mask'].backward()
    assert model.mask_generator.to_mask.weight.grad is not None
    model.eval()
    predictions = model(torch.rand(2, 3, 32, 32), mode='predict')
    assert predictions[0].pred_motion_mask.shape == (1, 32, 32)
    assert 'pred_label' not in predictions[0]
    with pytest.raises(KeyError, match='LoadMotionMask'):
        model.loss(torch.rand(1, 3, 32, 32), [DataSample()])


def stage2_with_generator_from(checkpoint, **generator):
    cfg = tiny_model_cfg()
    cfg['mask_generator'].update(
        generator,
        init_cfg=dict(
            type='StrictPretrained', checkpoint=str(checkpoint), prefix='mask_generator.'))
    return MODELS.build(cfg)


def test_stage2_generator_loads_strictly_from_stage1(tmp_path):
    stage1 = tiny_stage1()
    checkpoint = tmp_path / 'stage1.pth'
    torch.save(dict(state_dict=stage1.state_dict()), checkpoint)
    stage2 = stage2_with_generator_from(checkpoint)
    stage2.init_weights()
    for key, value in stage1.mask_generator.state_dict().items():
        # The generator's own (Kaiming) init must not undo the checkpoint.
        torch.testing.assert_close(stage2.mask_generator.state_dict()[key], value)


def test_stage2_generator_of_another_shape_names_the_checkpoint(tmp_path):
    from mmfmpn.engine import CheckpointMismatchError
    checkpoint = tmp_path / 'stage1.pth'
    torch.save(dict(state_dict=tiny_stage1().state_dict()), checkpoint)
    stage2 = stage2_with_generator_from(checkpoint, base_channels=4)
    with pytest.raises(CheckpointMismatchError, match=f'{checkpoint}.*of another shape'):
        stage2.init_weights()
    classifier = tmp_path / 'no_generator.pth'
    torch.save(dict(state_dict=dict(head_weight=torch.zeros(1))), classifier)
    with pytest.raises(CheckpointMismatchError, match="no weights under 'mask_generator.'"):
        stage2_with_generator_from(classifier).init_weights()


def test_no_mask_loss_mode_needs_no_masks():
    model = tiny_fmpn(mask_loss=None)
    samples = [DataSample().set_gt_label(i) for i in range(2)]
    assert set(model.loss(torch.rand(2, 3, 32, 32), samples)) == {'loss_cls'}


def test_missing_gt_mask_is_a_clear_error():
    model = tiny_fmpn()
    samples = [DataSample().set_gt_label(0)]
    with pytest.raises(KeyError, match='LoadMotionMask'):
        model.loss(torch.rand(1, 3, 32, 32), samples)


@pytest.mark.parametrize('bad,match', [
    (dict(fused_std=(0.2, 0.2)), 'fused_std'),
])
def test_classifier_rejects_bad_config(bad, match):
    with pytest.raises(ValueError, match=match):
        tiny_fmpn(**bad)


def test_predict_attaches_mask_and_every_mode_sees_the_fused_image():
    model = tiny_fmpn().eval()
    seen = []
    model.backbone.register_forward_pre_hook(lambda module, args: seen.append(args[0]))
    inputs = torch.rand(3, 3, 32, 32)
    with torch.no_grad():
        predictions = model.predict(inputs, samples_with_masks(3, 32))
        mask, fused = model.generate_prior(inputs)
        model.extract_feat(inputs)
        model(inputs, mode='tensor')
    expected = (fused - model.fused_mean) / model.fused_std
    assert len(seen) == 3
    for backbone_input in seen:
        torch.testing.assert_close(backbone_input, expected)
    for i, sample in enumerate(predictions):
        assert sample.pred_motion_mask.shape == (1, 32, 32)
        torch.testing.assert_close(sample.pred_motion_mask, mask[i])
        assert sample.pred_score.shape == (7, )
        assert 'pred_label' in sample


def test_gray_conversion_is_bt601_luma():
    model = tiny_fmpn()
    rgb = torch.zeros(1, 3, 2, 2)
    rgb[:, 0] = 1.0
    torch.testing.assert_close(model.to_gray(rgb), torch.full((1, 1, 2, 2), 0.299))


def test_data_preprocessor_batches_masks_in_unit_range():
    model = tiny_fmpn()
    images = [torch.randint(0, 256, (3, 8, 8), dtype=torch.uint8) for _ in range(2)]
    samples = []
    for i in range(2):
        sample = DataSample().set_gt_label(i)
        sample.gt_motion_mask = torch.full((1, 8, 8), 255 * i, dtype=torch.uint8)
        samples.append(sample)
    data = model.data_preprocessor(dict(inputs=images, data_samples=samples), training=True)
    assert data['inputs'].shape == (2, 3, 8, 8)
    assert 0 <= data['inputs'].min() and data['inputs'].max() <= 1
    # BGR from the pipeline becomes RGB.
    torch.testing.assert_close(data['inputs'][0, 0], images[0][2].float() / 255)
    masks = [s.gt_motion_mask for s in data['data_samples']]
    assert all(m.dtype == torch.float32 for m in masks)
    assert masks[0].max() == 0 and masks[1].min() == 1


def test_data_preprocessor_refuses_batch_augments():
    with pytest.raises(ValueError, match='batch augments'):
        MODELS.build(
            dict(
                type='FMPNDataPreprocessor',
                batch_augments=dict(augments=[dict(type='Mixup', alpha=0.8)])))


def test_prior_fusion_net_has_the_authors_parameters():
    # FusionNet(input_a_nc=3, input_b_nc=1, n_blocks=1, BatchNorm) of the
    # authors' model_utils.py: bias-free convs, ResnetBlock(3), conv3x3 3->3.
    authors_layers = ([('conv', 3, 3, 3), ('bn', 3), ('conv', 1, 3, 3),
                       ('bn', 3)] + [('conv', 3, 3, 3), ('bn', 3),
                                     ('prelu', )] * 2 + [('conv', 3, 3, 3)])
    fusion = MODELS.build(dict(type='PriorFusionNet'))
    assert sum(p.numel()
               for p in fusion.parameters()) == _authors_parameter_count(authors_layers) == 377
