"""Every config builds, and its model runs one forward at its input size."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS, TRANSFORMS

import mmfmpn  # noqa: F401

CONFIG_DIR = Path(__file__).resolve().parents[1] / 'configs'
CONFIGS = sorted(p for p in CONFIG_DIR.rglob('*.py') if '_base_' not in p.parts)


def crop_size(cfg) -> int:
    for transform in cfg.test_dataloader.dataset.pipeline:
        for inner in [transform] + list(transform.get('transforms', [])):
            if inner['type'] == 'CenterCrop':
                size = inner['crop_size']
                return size if isinstance(size, int) else size[0]
    raise AssertionError('no CenterCrop in the test pipeline')


def face_patches(cfg):
    """The FacePatches transform of the test pipeline (I2CNN configs), or None."""
    for transform in cfg.test_dataloader.dataset.pipeline:
        if transform['type'] == 'FacePatches':
            return TRANSFORMS.build(transform)
    return None


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_and_runs_one_forward(path):
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(str(path))
    model = MODELS.build(cfg.model).eval()  # init_weights: no download
    patches = face_patches(cfg)
    if patches is None:
        size = crop_size(cfg)
        inputs = torch.rand(1, 3, size, size)
    else:  # multi-patch: (N, K, 3, H, W) in, per-patch logits out
        num_patches = min(patches.num_patches, 2)  # shared weights: 2 show it
        inputs = torch.rand(1, num_patches, 3, *patches.crop_size)
    with torch.no_grad():
        logits = model(inputs, mode='tensor')
    if cfg.model.type == 'MotionMaskGeneratorModel':  # stage 1
        assert logits.shape == (1, 1, size, size)
        return
    if isinstance(logits, tuple):
        logits = logits[-1]
    num_classes = (cfg.model.head.get('num_classes') or cfg.model.backbone.num_classes)
    assert logits.shape == ((1, num_classes) if patches is None else (1, num_patches, num_classes))


def test_there_are_configs_for_the_paper_and_other_backbones():
    names = {p.stem for p in CONFIGS}
    assert {
        'fmg_inceptionv3_ckplus', 'fmpn_inceptionv3_ckplus', 'fmpn-no-lg_inceptionv3_ckplus',
        'inceptionv3_ckplus', 'fmpn_resnet50_ckplus', 'fmpn_vgg16bn_ckplus',
        'fmpn_convnext-tiny_ckplus'
    } <= names


def test_paper_schedules_and_losses():
    stage1 = Config.fromfile(str(CONFIG_DIR / 'fmpn/fmg_inceptionv3_ckplus.py'))
    stage2 = Config.fromfile(str(CONFIG_DIR / 'fmpn/fmpn_inceptionv3_ckplus.py'))
    assert stage1.model.type == 'MotionMaskGeneratorModel'
    assert 'backbone' not in stage1.model
    assert stage1.train_cfg.max_epochs == 300
    assert stage1.train_dataloader.batch_size == 32
    assert (stage1.param_scheduler.begin, stage1.param_scheduler.end) == (150, 300)
    assert stage1.param_scheduler.end_factor == 0
    optimizer = stage1.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr, tuple(optimizer.betas)) == ('Adam', 1e-4, (0.5, 0.999))
    assert stage2.model.mask_generator.init_cfg.type == 'StrictPretrained'
    assert stage2.model.mask_generator.init_cfg.prefix == 'mask_generator.'
    assert stage2.train_cfg.max_epochs == 200
    assert stage2.train_dataloader.batch_size == 16
    assert (stage2.param_scheduler.begin, stage2.param_scheduler.end) == (100, 200)
    custom = stage2.optim_wrapper.paramwise_cfg.custom_keys
    assert custom['mask_generator']['lr_mult'] == 0.1  # 1e-5 vs 1e-4
    assert stage2.model.mask_loss.loss_weight == 10
    assert stage2.model.head.loss.loss_weight == 1
    assert '{fold}' in stage2.model.mask_generator.init_cfg.checkpoint
    assert stage2.get('load_from') is None
    no_lg = Config.fromfile(str(CONFIG_DIR / 'fmpn/fmpn-no-lg_inceptionv3_ckplus.py'))
    assert no_lg.model.mask_loss is None
    assert no_lg.model.mask_generator.init_cfg is None
    # --auto-scale-lr rescales from the batch each stage's LR was set for.
    for stage in (stage1, stage2):
        assert stage.auto_scale_lr == dict(
            base_batch_size=stage.train_dataloader.batch_size, enable=False)


def test_param_wise_lr_gives_the_mask_generator_1e5():
    from mmengine.optim import build_optim_wrapper
    from tiny_models import tiny_model_cfg
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(str(CONFIG_DIR / 'fmpn/fmpn_inceptionv3_ckplus.py'))
    model = MODELS.build(tiny_model_cfg())
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    lrs = {}
    for group in wrapper.optimizer.param_groups:
        for param in group['params']:
            lrs[id(param)] = group['lr']
    for name, param in model.named_parameters():
        expected = 1e-5 if name.startswith('mask_generator') else 1e-4
        assert lrs[id(param)] == pytest.approx(expected), name


@pytest.mark.parametrize('variant, num_patches', [(1, 1), (5, 5), (60, 60)])
def test_i2cnn_configs_cut_the_papers_patches(variant, num_patches):
    for dataset, num_classes in (('jaffe', 7), ('ckplus6', 6), ('ckplus7', 7)):
        cfg = Config.fromfile(str(CONFIG_DIR / f'i2cnn/i2cnn-{variant}_alexnet_{dataset}.py'))
        patches = face_patches(cfg)
        assert patches.num_patches == num_patches
        assert (patches.patch_size, patches.crop_size) == ((256, 256), (227, 227))
        assert not patches.random_crop
        assert cfg.train_dataloader.dataset.pipeline[1].random_crop
        assert cfg.model.head.num_classes == num_classes
        assert cfg.svm_stage.cv_folds == 3


@pytest.mark.parametrize(
    'path', [p for p in CONFIGS if not p.stem.startswith('i2cnn')], ids=lambda p: p.stem)
def test_training_takes_whole_batches_only(path):
    """A last batch of one image would crash batch norms whose input ends at 1x1 (the
    I2CNN configs, on AlexNet without batch norm, are not checked here)."""
    assert Config.fromfile(str(path)).train_dataloader.drop_last is True


def test_a_batch_of_one_is_what_drop_last_avoids():
    init_default_scope('mmpretrain')
    backbone = MODELS.build(dict(type='InceptionV3', num_classes=7, aux_logits=False))
    backbone.train()
    backbone(torch.rand(2, 3, 75, 75))  # two images: fine
    with pytest.raises(ValueError, match='more than 1 value per channel'):
        backbone(torch.rand(1, 3, 75, 75))


@pytest.mark.parametrize('dataset,stages', [
    ('mmi', ('fmg_inceptionv3_mmi', 'fmpn_inceptionv3_mmi')),
    ('oulu-casia', ('fmg_inceptionv3_oulu-casia', 'fmpn_inceptionv3_oulu-casia')),
])
def test_other_fold_datasets_are_the_ckplus_configs_with_another_dataset(dataset, stages):
    dataset_cfg = Config.fromfile(str(CONFIG_DIR / '_base_' / 'datasets' / f'{dataset}.py'))
    (swapped, ) = dataset_cfg.values()  # the dataset's one dict
    for stage in stages:
        cfg = Config.fromfile(str(CONFIG_DIR / 'fmpn' / f'{stage}.py'))
        ckplus = Config.fromfile(str(CONFIG_DIR / 'fmpn' / f'{stage.rsplit("_", 1)[0]}_ckplus.py'))
        if 'backbone' in cfg.model:  # stage 1 holds only the mask generator
            assert cfg.model.backbone.num_classes == 6
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            dataset_dict = dict(cfg[loader].dataset)
            expected = dict(ckplus[loader].dataset, **swapped)
            assert dataset_dict == expected
        assert cfg.optim_wrapper == ckplus.optim_wrapper
        assert cfg.train_cfg == ckplus.train_cfg


def test_landmark_prior_goes_after_the_class_mask_and_before_the_geometry():
    for name in ('fmpn-landmark-prior_inceptionv3_affectnet', 'fmpn_inceptionv3_fer-annotation'):
        cfg = Config.fromfile(str(CONFIG_DIR / 'fmpn' / f'{name}.py'))
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            steps = [step.type for step in cfg[loader].dataset.pipeline]
            assert steps[1:4] == ['LoadMotionMask', 'LandmarkPriorMask',
                                  'MotionMaskBroadcaster'], (name, loader)
