"""Inference API: model loading, face sources, batching, bad inputs."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from random_checkpoint import TINY_CONFIG, save_random_checkpoint

from mmfmpn.apis import (CheckpointMismatchError, FMPNInferencer, MTCNNFaceDetector, face_detection,
                         init_fmpn_model, mtcnn_weights_dir)
from mmfmpn.datasets import CKPLUS_CLASSES
from mmfmpn.masks import REFERENCE_FIVE_POINTS

SHARED = Path(__file__).resolve().parents[2] / 'shared'
LONDON_FACES = SHARED / 'reference' / 'london-faces'
needs_london_faces = pytest.mark.skipif(
    not (LONDON_FACES / 'annotations.json').is_file(),
    reason=f'real photos not available: {LONDON_FACES} is absent')
needs_mtcnn = pytest.mark.skipif(
    mtcnn_weights_dir() is None, reason='MTCNN weights not installed (pip install mtcnn==1.0.0)')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    return save_random_checkpoint(tmp_path_factory.mktemp('ckpt') / 'tiny.pth')


@pytest.fixture(scope='module')
def aligned_inferencer(checkpoint):
    return FMPNInferencer(TINY_CONFIG, checkpoint, face_source='aligned')


@pytest.fixture(scope='module')
def inferencer(checkpoint):
    return FMPNInferencer(TINY_CONFIG, checkpoint)


def random_face(seed: int, size: int = 70) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (size, size, 3), dtype=np.uint8)


def london_annotations():
    return json.loads((LONDON_FACES / 'annotations.json').read_text())


def test_test_pipeline_passes_inferencer_images_but_not_maskless_samples():
    """The motion-mask transforms pass images given in memory (no img_path)
    through, so the stock inferencer can use a config's test pipeline; a
    dataset sample without its mask stays an error."""
    from mmengine.config import Config
    from mmengine.dataset import Compose
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import TRANSFORMS
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(str(TINY_CONFIG))
    for name in ('train_dataloader', 'test_dataloader'):
        pipeline = Compose([TRANSFORMS.build(t) for t in cfg[name].dataset.pipeline[1:]])
        face = random_face(0)
        packed = pipeline(dict(img=face, img_shape=(70, 70), ori_shape=(70, 70)))
        assert packed['inputs'].shape == (3, 28, 28)
        assert 'gt_motion_mask' not in packed['data_samples']
        with pytest.raises(KeyError, match='face.png has no motion_mask_path'):
            pipeline(dict(img=face, img_path='face.png'))
    for transform in (dict(type='MotionMaskToTensor'),
                      dict(type='MotionMaskBroadcaster',
                           transforms=[]), dict(type='LandmarkPriorMask')):
        with pytest.raises(KeyError, match='face.png has no'):
            TRANSFORMS.build(transform)(dict(img=random_face(0), img_path='face.png'))


def test_predictions_are_probabilities_with_masks(aligned_inferencer):
    results = aligned_inferencer([random_face(0), random_face(1)])
    for result in results:
        assert result['error'] is None, result['error']
        assert result['source'].startswith('array[')
        assert result['pred_scores'].shape == (len(CKPLUS_CLASSES), )
        assert result['pred_scores'].sum() == pytest.approx(1, abs=1e-5)
        assert result['pred_class'] == CKPLUS_CLASSES[result['pred_label']]
        assert result['pred_label'] == int(result['pred_scores'].argmax())
        motion_mask, fused = result['motion_mask'], result['fused_image']
        assert motion_mask.shape == (28, 28)
        assert 0 <= motion_mask.min() <= motion_mask.max() <= 1
        assert result['face'].shape == fused.shape == (28, 28, 3)
        assert 0 <= fused.min() <= fused.max() <= 1
        # Faces are made gray, as the training faces were.
        assert (result['face'][..., 0] == result['face'][..., 2]).all()


def test_fused_image_is_the_forwards_own(aligned_inferencer):
    """The fused image comes from the one forward of the prediction."""
    model = aligned_inferencer.model
    result = aligned_inferencer(random_face(2))[0]
    face = torch.from_numpy(result['face']).permute(2, 0, 1)[None] / 255
    with torch.no_grad():
        motion_mask, fused = model.generate_prior(face.float())
    np.testing.assert_allclose(result['motion_mask'], motion_mask[0, 0], atol=1e-5)
    np.testing.assert_allclose(result['fused_image'], fused[0].permute(1, 2, 0), atol=1e-5)


def test_batch_size_does_not_change_results(aligned_inferencer):
    faces = [random_face(seed) for seed in range(5)]
    one_by_one = aligned_inferencer(faces, batch_size=1)
    together = aligned_inferencer(faces, batch_size=4)
    for a, b in zip(one_by_one, together):
        np.testing.assert_allclose(a['pred_scores'], b['pred_scores'], atol=1e-5)


def test_image_classification_inferencer_works(checkpoint, tmp_path):
    """mmpretrain's stock inferencer predicts an aligned face from a config
    and a checkpoint, or from a loaded model, as FMPNInferencer does."""
    from mmpretrain.apis import ImageClassificationInferencer
    face = random_face(3)
    cv2.imwrite(str(tmp_path / 'face.png'), face)
    ours = FMPNInferencer(
        TINY_CONFIG, checkpoint, face_source='aligned')(str(tmp_path / 'face.png'))[0]
    stock = ImageClassificationInferencer(str(TINY_CONFIG), pretrained=str(checkpoint))
    gray = cv2.cvtColor(cv2.cvtColor(face, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    for result in (stock(gray)[0], stock(str(tmp_path / 'face.png'))[0]):
        assert result['pred_class'] in CKPLUS_CLASSES
        assert result['pred_scores'].sum() == pytest.approx(1, abs=1e-5)
    np.testing.assert_allclose(stock(gray)[0]['pred_scores'], ours['pred_scores'], atol=1e-5)
    model = init_fmpn_model(TINY_CONFIG, checkpoint)
    np.testing.assert_allclose(
        ImageClassificationInferencer(model)(gray)[0]['pred_scores'],
        ours['pred_scores'],
        atol=1e-5)


def write_bad_inputs(folder: Path) -> dict:
    """Bad files and arrays -> a word their error message must contain."""
    (folder / 'notes.txt').write_text('not an image')
    (folder / 'empty.png').write_bytes(b'')
    jpeg = cv2.imencode('.jpg', random_face(4, 120))[1].tobytes()
    (folder / 'truncated.jpg').write_bytes(jpeg[:len(jpeg) // 2])
    (folder / 'a_folder').mkdir()
    return {
        str(folder / 'notes.txt'): 'not an image format',
        str(folder / 'empty.png'): 'empty',
        str(folder / 'truncated.jpg'): 'truncated',
        str(folder / 'missing.png'): 'no such file',
        str(folder / 'a_folder'): 'not a file',
        'float': 'float',
        'channel_first': 'channel-first',
        'one_dimensional': 'not an image',
    }


def test_bad_inputs_get_their_own_error(aligned_inferencer, tmp_path):
    expected = write_bad_inputs(tmp_path)
    arrays = {
        'float': np.random.rand(40, 40, 3),
        'channel_first': np.zeros((3, 40, 40), np.uint8),
        'one_dimensional': np.zeros(40, np.uint8),
    }
    sixteen_bit = (np.arange(70 * 70).reshape(70, 70) * 13).astype(np.uint16)
    cv2.imwrite(str(tmp_path / 'gray16.png'), sixteen_bit)
    rgba = np.dstack([random_face(5), np.full((70, 70), 255, np.uint8)])
    cv2.imwrite(str(tmp_path / 'rgba.png'), rgba)
    inputs = [random_face(6)] + [arrays.get(k, k) for k in expected] + [
        str(tmp_path / 'gray16.png'),
        str(tmp_path / 'rgba.png'),
        random_face(7)[..., 0],
    ]
    results = aligned_inferencer(inputs, batch_size=2)
    assert len(results) == len(inputs)
    assert results[0]['error'] is None
    for index, (name, word) in enumerate(expected.items(), 1):
        result = results[index]
        assert result['error'] and result.get('pred_scores') is None
        assert word in result['error'], result['error']
        # The error names its input.
        assert result['source'] == (f'array[{index}]' if name in arrays else name)
        assert result['error'].startswith(result['source'])
    sixteen, alpha, gray = results[-3:]
    assert '16-bit image scaled to 8 bits' in sixteen['notes']
    assert 'alpha channel dropped' in alpha['notes']
    assert 'gray image' in gray['notes']
    assert all(r['error'] is None for r in (sixteen, alpha, gray))
    samples = aligned_inferencer(inputs[:2], return_datasamples=True)
    assert samples[1].error == results[1]['error']
    assert 'pred_score' in samples[0] and 'pred_score' not in samples[1]


def test_five_and_68_landmarks_align_the_same_face(checkpoint):
    inferencer = FMPNInferencer(TINY_CONFIG, checkpoint, face_source='landmarks')
    image = random_face(8, 200)
    five = REFERENCE_FIVE_POINTS * 1.5 + 20
    landmarks_68 = np.zeros((68, 2))
    landmarks_68[36:42] = five[0]
    landmarks_68[42:48] = five[1]
    landmarks_68[30], landmarks_68[48], landmarks_68[54] = five[2:]
    by_five, by_68, outside, wrong_shape, missing = inferencer(
        [image] * 5, landmarks=[five, landmarks_68, five + 500,
                                np.zeros((4, 2)), None])
    assert by_five['error'] is None and by_68['error'] is None
    np.testing.assert_array_equal(by_five['face'], by_68['face'])
    np.testing.assert_allclose(by_five['five_points'], five)
    assert by_five['face_corners'].shape == (4, 2)
    assert 'outside' in outside['error']
    assert '(68, 2)' in wrong_shape['error']
    assert 'no landmarks' in missing['error']
    # One image with its landmarks.
    single = inferencer(image, landmarks=five)
    np.testing.assert_array_equal(single[0]['face'], by_five['face'])


def test_landmark_count_must_match_images(aligned_inferencer):
    with pytest.raises(ValueError, match='one \\(or None\\) per image'):
        aligned_inferencer([random_face(0)] * 2, landmarks=[None])


def test_checkpoint_not_matching_config_is_explained(tmp_path, checkpoint):
    other = save_random_checkpoint(
        tmp_path / 'six_classes.pth', cfg_options={'model.head.num_classes': 6})
    with pytest.raises(CheckpointMismatchError, match=r'head\.fc\.weight: checkpoint \(6, 64\)'):
        init_fmpn_model(TINY_CONFIG, other)
    not_a_checkpoint = tmp_path / 'notes.pth'
    not_a_checkpoint.write_text('hello')
    with pytest.raises(CheckpointMismatchError, match='cannot be read'):
        init_fmpn_model(TINY_CONFIG, not_a_checkpoint)
    with pytest.raises(FileNotFoundError, match='does not exist'):
        init_fmpn_model(TINY_CONFIG, tmp_path / 'missing.pth')
    with pytest.raises(ValueError, match='pass the checkpoint'):
        FMPNInferencer(TINY_CONFIG)
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match='CUDA is not available'):
            init_fmpn_model(TINY_CONFIG, checkpoint, device='cuda')


@pytest.mark.skipif(not torch.cuda.is_available(), reason='no GPU')
def test_gpu_matches_cpu(checkpoint, aligned_inferencer):
    on_gpu = FMPNInferencer(TINY_CONFIG, checkpoint, device='cuda', face_source='aligned')
    faces = [random_face(seed) for seed in range(3)]
    for cpu, gpu in zip(aligned_inferencer(faces), on_gpu(faces)):
        np.testing.assert_allclose(cpu['pred_scores'], gpu['pred_scores'], atol=1e-4)


def test_missing_detector_is_explained(checkpoint, monkeypatch):
    monkeypatch.setattr(face_detection, 'mtcnn_weights_dir', lambda: None)
    with pytest.raises(ImportError, match='pip install mtcnn'):
        MTCNNFaceDetector()
    # The detector is built on first use, so this one has none yet.
    inferencer = FMPNInferencer(TINY_CONFIG, checkpoint)
    result = inferencer(random_face(9, 64))[0]
    assert 'pip install mtcnn' in result['error']


@needs_mtcnn
def test_no_face_is_an_error(inferencer):
    blank = np.full((96, 96, 3), 128, np.uint8)
    result = inferencer([blank, random_face(10, 96)])
    assert all('no face found' in r['error'] for r in result)


@needs_mtcnn
@needs_london_faces
def test_detector_points_match_annotations_on_real_photos():
    detector = MTCNNFaceDetector()
    for entry in london_annotations()[:2]:
        image = cv2.imread(str(LONDON_FACES / entry['neutral']))
        faces = detector.detect(image)
        assert len(faces) == 1
        annotated = np.asarray(entry['neutral_landmarks_5'])
        eye_distance = np.linalg.norm(annotated[1] - annotated[0])
        error = np.linalg.norm(faces[0].five_points - annotated, axis=1)
        # Eyes and mouth corners agree; the annotated "nose" is the bottom of
        # the nose, MTCNN's the tip.
        assert (error[[0, 1, 3, 4]] < 0.1 * eye_distance).all(), error
        assert error[2] < 0.35 * eye_distance


@needs_mtcnn
@needs_london_faces
def test_several_faces(checkpoint):
    entry = london_annotations()[0]
    pair = np.hstack([
        cv2.imread(str(LONDON_FACES / entry['neutral'])),
        cv2.imread(str(LONDON_FACES / entry['smiling']))
    ])
    pair = cv2.resize(pair, (pair.shape[1] // 2, pair.shape[0] // 2))
    strict = FMPNInferencer(TINY_CONFIG, checkpoint, face_source='detector')
    assert '2 faces found' in strict(pair)[0]['error']
    strict.face_aligner.largest_face = True
    result = strict(pair)[0]
    assert result['error'] is None and 'largest of 2 faces' in result['notes']
