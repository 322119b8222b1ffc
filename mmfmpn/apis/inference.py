"""Predict facial expressions with a trained FMPN.

Typical use::

    from mmfmpn.apis import FMPNInferencer
    inferencer = FMPNInferencer('configs/fmpn/fmpn_inceptionv3_ckplus.py',
                                'epoch_200.pth', device='cpu')
    for result in inferencer(['a.jpg', 'b.png']):
        print(result.source, result.error or result.pred_class)

Faces are aligned as the training faces were
(``tools/dataset_converters/prepare_ckplus.py``): five points (given, reduced
from 68 iBUG landmarks, or found by MTCNN) -> similarity transform to the
96x112 reference -> 70x70 gray crop centred on the nose
(:func:`mmfmpn.masks.align_face`), then the config's test pipeline without its
motion-mask transforms. Faces passed as already aligned are only made gray.

mmpretrain's ``ImageClassificationInferencer`` also works, on faces that are
already aligned: ``ImageClassificationInferencer(init_fmpn_model(config,
checkpoint))``.
"""
import copy
import os.path as osp
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate

from mmfmpn.engine.checkpoint_loading import (CheckpointMismatchError,
                                              load_checkpoint_strictly)
from mmfmpn.masks.alignment import (ALIGNED_FACE_SIZE, align_face,
                                    alignment_matrix, transform_points)
from mmfmpn.masks.landmarks import five_alignment_points
from mmpretrain.apis import get_model
from mmpretrain.datasets import remove_transform
from mmpretrain.registry import TRANSFORMS
from .face_detection import FaceDetection, MTCNNFaceDetector

ImageInput = Union[str, Path, np.ndarray]
ConfigInput = Union[str, Path, Config]

#: Side of the aligned face crops, as the converters write them.
ALIGNED_CROP_SIZE = ALIGNED_FACE_SIZE
#: Transforms that only serve the ground-truth motion masks.
MOTION_MASK_TRANSFORMS = ('LoadMotionMask', 'LandmarkPriorMask',
                          'MotionMaskToTensor')
#: Result keys the motion-mask transforms add.
MOTION_MASK_KEYS = ('gt_motion_mask', )
#: Where the face of each input comes from, see :class:`FMPNInferencer`.
FACE_SOURCES = ('auto', 'landmarks', 'detector', 'aligned')


class InferenceInputError(ValueError):
    """An input that cannot be predicted; the message says why and the fix."""


def strip_motion_mask_transforms(pipeline: Sequence[dict]) -> List[dict]:
    """Remove what only the ground-truth motion masks need from a pipeline.

    Drops :data:`MOTION_MASK_TRANSFORMS`, unwraps a ``TransformBroadcaster``
    that only broadcast ``img`` to the mask, and removes the mask keys from
    ``PackInputs(algorithm_keys=...)``. Inference has no mask to load.

    Args:
        pipeline (Sequence[dict]): Transform configs, e.g. the test pipeline.

    Returns:
        list[dict]: A new list; ``pipeline`` is not changed.
    """
    stripped = []
    for transform in copy.deepcopy(list(pipeline)):
        kind = str(transform.get('type', '')).split('.')[-1]
        if kind in MOTION_MASK_TRANSFORMS:
            continue
        if kind == 'TransformBroadcaster' and 'mapping' in transform:
            mapping = {
                key: [v for v in values if v not in MOTION_MASK_KEYS]
                for key, values in transform['mapping'].items()
            }
            if all(values == [key] for key, values in mapping.items()):
                stripped += strip_motion_mask_transforms(
                    transform['transforms'])
                continue
            transform['mapping'] = mapping
        if kind == 'PackInputs' and 'algorithm_keys' in transform:
            transform['algorithm_keys'] = [
                key for key in transform['algorithm_keys']
                if key not in MOTION_MASK_KEYS
            ]
        stripped.append(transform)
    return stripped


def fmpn_inference_config(config: ConfigInput,
                          cfg_options: Optional[dict] = None) -> Config:
    """A copy of a config ready for inference.

    Its ``test_dataloader.dataset.pipeline`` needs no motion masks (see
    :func:`strip_motion_mask_transforms`), so mmpretrain's
    ``ImageClassificationInferencer`` can build it, and the backbone has no
    ``init_cfg`` (a checkpoint provides every weight, nothing is downloaded).

    Args:
        config (str | Path | Config): The training or test config.
        cfg_options (dict, optional): Overrides merged into the config, as
            ``--cfg-options`` of the tools. Defaults to None.

    Returns:
        Config: The new config.
    """
    if isinstance(config, Config):
        cfg = copy.deepcopy(config)
    else:
        if not osp.isfile(config):
            raise FileNotFoundError(f'Config {config} does not exist.')
        cfg = Config.fromfile(str(config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if 'model' not in cfg:
        raise ValueError(f'Config {config} has no model.')
    if cfg.model.get('backbone') is not None:
        cfg.model.backbone.init_cfg = None
    if cfg.get('test_dataloader') is None:
        raise ValueError(
            f'Config {config} has no test_dataloader; inference takes the '
            'image transforms of test_dataloader.dataset.pipeline.')
    cfg.test_dataloader.dataset.pipeline = strip_motion_mask_transforms(
        cfg.test_dataloader.dataset.pipeline)
    return cfg


def init_fmpn_model(config: ConfigInput,
                    checkpoint: str,
                    device: Union[str, torch.device] = 'cpu',
                    cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build a model from its config and load a checkpoint, strictly.

    Unlike ``mmpretrain.apis.init_model``, a checkpoint that does not fit
    (missing, extra or reshaped weights) is an error, not a warning. The
    returned model carries ``_config`` (:func:`fmpn_inference_config`) and
    ``_dataset_meta`` (the checkpoint's class names), so it can be passed to
    ``mmpretrain.apis.ImageClassificationInferencer`` as is.

    Args:
        config (str | Path | Config): The config the checkpoint was trained
            with.
        checkpoint (str): A ``.pth`` file of ``tools/train.py``.
        device (str | torch.device): E.g. 'cpu', 'cuda', 'cuda:1'.
            Defaults to 'cpu'.
        cfg_options (dict, optional): Config overrides. Defaults to None.

    Returns:
        torch.nn.Module: The model in eval mode on ``device``.

    Raises:
        FileNotFoundError: The config or checkpoint file does not exist.
        CheckpointMismatchError: The checkpoint cannot be read or does not
            fit the config's model.
        RuntimeError: ``device`` is a GPU and none is available.
    """
    device = torch.device(device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise RuntimeError(f'Device {device} was asked for but CUDA is not '
                           "available; use device='cpu'.")
    cfg = fmpn_inference_config(config, cfg_options)
    model = get_model(cfg, pretrained=False)
    config_name = config if not isinstance(config, Config) else (
        config.filename or 'given as a Config')
    meta = load_checkpoint_strictly(
        model, str(checkpoint),
        model_name=f'the model of config {config_name}').get('meta') or {}
    classes = (meta.get('dataset_meta') or {}).get('classes') or (
        model._dataset_meta or {}).get('classes')
    num_classes = getattr(getattr(model, 'head', None), 'num_classes', None)
    if classes is not None and num_classes is not None and len(
            classes) != num_classes:
        raise CheckpointMismatchError(
            f'Checkpoint {checkpoint} names {len(classes)} classes '
            f'({", ".join(classes)}) but its head has {num_classes} outputs.')
    model._dataset_meta = dict(classes=tuple(classes)) if classes else {}
    return model.to(device).eval()


def _to_bgr_uint8(image: np.ndarray, name: str) -> Tuple[np.ndarray, list]:
    """Validate a decoded image and convert it to ``(H, W, 3)`` BGR uint8.

    Returns:
        tuple[np.ndarray, list[str]]: The image and notes on what was
        converted (gray, alpha, 16 bits).
    """
    notes = []
    if image.ndim == 3 and image.shape[0] in (1, 3, 4) and image.shape[2] \
            not in (1, 3, 4):
        raise InferenceInputError(
            f'{name}: shape {image.shape} looks channel-first; pass '
            '(H, W, C) arrays, as OpenCV returns them.')
    if image.ndim not in (2, 3) or (image.ndim == 3
                                    and image.shape[2] not in (1, 3, 4)):
        raise InferenceInputError(
            f'{name}: shape {image.shape} is not an image; expected (H, W) '
            'gray, (H, W, 3) BGR or (H, W, 4) BGRA.')
    if min(image.shape[:2]) < 1:
        raise InferenceInputError(f'{name}: the image is empty.')
    if image.dtype == np.uint16:
        # 257 maps 65535 onto 255 exactly.
        image = np.round(image / 257.0).astype(np.uint8)
        notes.append('16-bit image scaled to 8 bits')
    elif image.dtype != np.uint8:
        raise InferenceInputError(
            f'{name}: pixels are {image.dtype}; expected uint8 (or uint16). '
            'Convert floats in [0, 1] with (image * 255).round().astype('
            'np.uint8).')
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image.reshape(image.shape[:2]),
                             cv2.COLOR_GRAY2BGR)
        notes.append('gray image')
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
        notes.append('alpha channel dropped')
    return np.ascontiguousarray(image), notes


def read_image(path: Union[str, Path]) -> Tuple[np.ndarray, list]:
    """Read an image file as ``(H, W, 3)`` BGR uint8.

    Gray images become 3-channel, the alpha channel is dropped, 16-bit
    images are scaled to 8 bits (each noted). EXIF orientation is not
    applied.

    Args:
        path (str | Path): Any format OpenCV reads.

    Returns:
        tuple[np.ndarray, list[str]]: The image and the conversion notes.

    Raises:
        InferenceInputError: The file is missing, empty, not an image, or
            truncated or corrupt.
    """
    path = str(path)
    if not osp.exists(path):
        raise InferenceInputError(f'{path}: no such file.')
    if not osp.isfile(path):
        raise InferenceInputError(f'{path}: not a file.')
    if osp.getsize(path) == 0:
        raise InferenceInputError(f'{path}: the file is empty.')
    if not cv2.haveImageReader(path):
        raise InferenceInputError(
            f'{path}: not an image format OpenCV can read (e.g. a text or '
            'video file); pass a JPEG, PNG, BMP, TIFF or WebP image.')
    image = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise InferenceInputError(
            f'{path}: the image cannot be decoded; it is truncated or '
            'corrupt. Re-export or re-download it.')
    return _to_bgr_uint8(image, path)


def _square_corners(width: int, height: int) -> np.ndarray:
    """Pixel-centre corners of a ``width`` x ``height`` image, clockwise from
    the top left, ``(4, 2)`` float64."""
    return np.array([[0, 0], [width - 1, 0], [width - 1, height - 1],
                     [0, height - 1]],
                    dtype=np.float64)


def five_points_from_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """The five alignment points of 5 or 68 ``(x, y)`` landmarks.

    Args:
        landmarks (np.ndarray): ``(5, 2)`` (image-left eye, image-right eye,
            nose tip, image-left and image-right mouth corner) or ``(68, 2)``
            iBUG landmarks, in pixels of the image.

    Returns:
        np.ndarray: ``(5, 2)`` float64.

    Raises:
        InferenceInputError: Landmarks that are no face (another shape, non-finite or
            coincident points, see :func:`~mmfmpn.masks.landmarks.five_alignment_points`).
    """
    try:
        return five_alignment_points(landmarks)
    except ValueError as err:
        raise InferenceInputError(
            f'{err}; give (5, 2) five points or (68, 2) iBUG landmarks as (x, y) '
            'pixels of the image.') from None


@dataclass
class ExpressionPrediction:
    """The result for one input; ``error`` is set instead when it failed.

    Args:
        source (str): The file path, or ``'array[i]'`` for the i-th input.
        error (str, optional): Why this input could not be predicted.
        pred_label (int, optional): Index of the predicted class.
        pred_class (str, optional): Its name.
        pred_scores (np.ndarray, optional): ``(num_classes,)`` float32 class
            probabilities (softmax), summing to 1.
        motion_mask (np.ndarray, optional): ``(H, W)`` float32 generated
            motion mask in [0, 1], at the model input size (e.g. 299x299).
        face (np.ndarray, optional): ``(H, W, 3)`` uint8 RGB face the model
            saw (after alignment and the test pipeline).
        fused_image (np.ndarray, optional): ``(H, W, 3)`` float32 RGB output
            of the prior fusion net (in [0, 1] for ``PriorFusionNet``); only
            with ``return_fused=True``.
        face_corners (np.ndarray, optional): ``(4, 2)`` corners of the
            aligned crop in the input image (top-left, top-right,
            bottom-right, bottom-left): a rotated square for aligned faces,
            the image corners for faces given as aligned.
        detection (FaceDetection, optional): The MTCNN detection used.
        five_points (np.ndarray, optional): ``(5, 2)`` alignment points in
            the input image.
        notes (tuple[str]): Conversions applied to the input.
    """
    source: str
    error: Optional[str] = None
    pred_label: Optional[int] = None
    pred_class: Optional[str] = None
    pred_scores: Optional[np.ndarray] = None
    motion_mask: Optional[np.ndarray] = None
    face: Optional[np.ndarray] = None
    fused_image: Optional[np.ndarray] = None
    face_corners: Optional[np.ndarray] = None
    detection: Optional[FaceDetection] = None
    five_points: Optional[np.ndarray] = None
    notes: Tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the input was predicted."""
        return self.error is None


@dataclass
class AlignedFace:
    """One input's face, ready for the test pipeline.

    Args:
        source (str): The file path or ``'array[i]'``.
        face (np.ndarray): ``(H, W, 3)`` uint8 BGR gray face: the 70x70
            aligned crop, or the whole input when given as aligned.
        corners (np.ndarray): ``(4, 2)`` corners of ``face`` in the input
            image (see :attr:`ExpressionPrediction.face_corners`).
        detection (FaceDetection, optional): The MTCNN detection used.
        five_points (np.ndarray, optional): ``(5, 2)`` alignment points.
        notes (tuple[str]): Conversions applied to the input.
    """
    source: str
    face: np.ndarray
    corners: np.ndarray
    detection: Optional[FaceDetection]
    five_points: Optional[np.ndarray]
    notes: Tuple[str, ...]


class FMPNInferencer:
    """Predict expressions of faces in images with a trained FMPN.

    Args:
        config (str | Path | Config): The config the checkpoint was trained
            with.
        checkpoint (str): The checkpoint of ``tools/train.py``.
        device (str | torch.device): Defaults to 'cpu'.
        face_source (str): Where each face comes from. ``'landmarks'``: the
            landmarks given with each image; ``'detector'``: MTCNN, even
            when landmarks are given (needs ``pip install mtcnn==1.0.0`` for
            its weights); ``'aligned'``: each image already is an aligned
            face crop; ``'auto'``: landmarks when given for that image, else
            the detector. Faces are made gray in every case, as the training
            faces were. Defaults to 'auto'.
        largest_face (bool): With the detector, keep the largest of several
            faces instead of failing that input. Defaults to False.
        min_face_size (int): Smallest face side the detector looks for, in
            pixels. Defaults to 40.
        cfg_options (dict, optional): Config overrides. Defaults to None.

    Example:
        >>> inferencer = FMPNInferencer(config, checkpoint)
        >>> results = inferencer(['face.jpg', image_array],
        ...                      landmarks=[None, five_points])
        >>> results[0].pred_class, results[0].pred_scores
    """

    def __init__(self,
                 config: ConfigInput,
                 checkpoint: str,
                 device: Union[str, torch.device] = 'cpu',
                 face_source: str = 'auto',
                 largest_face: bool = False,
                 min_face_size: int = 40,
                 cfg_options: Optional[dict] = None):
        if face_source not in FACE_SOURCES:
            raise ValueError(f'face_source must be one of {FACE_SOURCES}, '
                             f'got {face_source!r}.')
        self.model = init_fmpn_model(config, checkpoint, device, cfg_options)
        self.device = next(self.model.parameters()).device
        self.classes = tuple(self.model._dataset_meta.get('classes') or [
            str(i) for i in range(self.model.head.num_classes)
        ])
        self.face_source = face_source
        self.largest_face = largest_face
        self.min_face_size = min_face_size
        self._detector: Optional[MTCNNFaceDetector] = None
        pipeline = remove_transform(
            self.model._config.test_dataloader.dataset.pipeline,
            'LoadImageFromFile')
        self.pipeline = Compose([TRANSFORMS.build(t) for t in pipeline])

    @property
    def detector(self) -> MTCNNFaceDetector:
        """The MTCNN detector, built on first use."""
        if self._detector is None:
            self._detector = MTCNNFaceDetector(
                self.device, min_face_size=self.min_face_size)
        return self._detector

    def __call__(self,
                 images: Union[ImageInput, Sequence[ImageInput]],
                 landmarks=None,
                 batch_size: int = 8,
                 return_fused: bool = False) -> List[ExpressionPrediction]:
        """Predict the expression of the face in each image.

        A bad input (unreadable file, no face, ...) gets a result with
        ``error`` set; the other inputs are predicted as usual.

        Args:
            images (str | Path | np.ndarray | Sequence): Image files, or
                ``(H, W)`` / ``(H, W, 3)`` BGR / ``(H, W, 4)`` BGRA uint8 or
                uint16 arrays (OpenCV's channel order), or a list of them.
            landmarks (np.ndarray | Sequence, optional): For one image, its
                ``(5, 2)`` or ``(68, 2)`` landmarks; for a list, one entry
                (or None) per image. Defaults to None.
            batch_size (int): Faces per forward pass. Defaults to 8.
            return_fused (bool): Also return the fused images.
                Defaults to False.

        Returns:
            list[ExpressionPrediction]: One per image, in input order.
        """
        single = isinstance(images, (str, Path, np.ndarray))
        images = [images] if single else list(images)
        if landmarks is None:
            landmarks = [None] * len(images)
        elif single:
            landmarks = [landmarks]
        if len(landmarks) != len(images):
            raise ValueError(f'Got {len(landmarks)} landmark entries for '
                             f'{len(images)} images; give one (or None) per '
                             'image.')
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}.')
        results: List[Optional[ExpressionPrediction]] = [None] * len(images)
        prepared = []
        for index, (image, points) in enumerate(zip(images, landmarks)):
            source = (str(image) if isinstance(image, (str, Path)) else
                      f'array[{index}]')
            try:
                prepared.append((index, self.prepare_face(image, points,
                                                          source)))
            except (ValueError, cv2.error) as error:
                message = str(error)
                if not message.startswith(source):
                    message = f'{source}: {message}'
                results[index] = ExpressionPrediction(
                    source=source, error=message)
        for start in range(0, len(prepared), batch_size):
            chunk = prepared[start:start + batch_size]
            predictions = self._predict_faces([face for _, face in chunk],
                                              return_fused)
            for (index, _), prediction in zip(chunk, predictions):
                results[index] = prediction
        return results

    def prepare_face(self,
                     image: ImageInput,
                     landmarks: Optional[np.ndarray] = None,
                     source: str = 'array') -> AlignedFace:
        """Read one input and align its face.

        Args:
            image (str | Path | np.ndarray): See :meth:`__call__`.
            landmarks (np.ndarray, optional): ``(5, 2)`` or ``(68, 2)``.
            source (str): Name used in messages. Defaults to 'array'.

        Returns:
            AlignedFace: The gray face, where it lies in the image, and how
            it was found.

        Raises:
            InferenceInputError: The input is unusable; the message says why.
        """
        if isinstance(image, (str, Path)):
            image, notes = read_image(image)
        elif isinstance(image, np.ndarray):
            image, notes = _to_bgr_uint8(image, source)
        else:
            raise InferenceInputError(
                f'{source}: a {type(image).__name__} is not an image; pass a '
                'file path or a numpy array.')
        height, width = image.shape[:2]
        if self.face_source == 'aligned':
            # Training faces are gray (prepare_ckplus.py writes gray crops).
            gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
            return AlignedFace(source,
                               cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR),
                               _square_corners(width, height), None, None,
                               tuple(notes))
        detection = None
        if landmarks is not None and self.face_source != 'detector':
            points = five_points_from_landmarks(landmarks)
            inside = (points >= -0.5) & (points <= [width - 0.5,
                                                    height - 0.5])
            if not inside.all():
                raise InferenceInputError(
                    f'{source}: landmarks lie outside the {width}x{height} '
                    'image; they must be (x, y) pixels of this image.')
        elif self.face_source == 'landmarks':
            raise InferenceInputError(
                f"{source}: face_source='landmarks' but no landmarks were "
                'given for this image.')
        else:
            detection = self._detect_one(image, source, notes)
            points = detection.five_points
        face = align_face(image, points, ALIGNED_CROP_SIZE)
        to_image = cv2.invertAffineTransform(
            alignment_matrix(points, ALIGNED_CROP_SIZE))
        corners = transform_points(
            _square_corners(ALIGNED_CROP_SIZE, ALIGNED_CROP_SIZE), to_image)
        return AlignedFace(source, cv2.cvtColor(face, cv2.COLOR_GRAY2BGR),
                           corners, detection, points, tuple(notes))

    def _detect_one(self, image: np.ndarray, source: str,
                    notes: list) -> FaceDetection:
        try:
            detector = self.detector
        except ImportError as error:
            raise InferenceInputError(f'{source}: no landmarks given and '
                                      f'{error}') from error
        faces = detector.detect(image)
        if not faces:
            raise InferenceInputError(
                f'{source}: no face found (MTCNN, faces of at least '
                f'{self.min_face_size} px). Pass landmarks, a larger or '
                "clearer face, or face_source='aligned' if the image is "
                'already an aligned face crop.')
        if len(faces) > 1:
            if not self.largest_face:
                raise InferenceInputError(
                    f'{source}: {len(faces)} faces found; crop the image to '
                    'one face, pass its landmarks, or set largest_face=True.')
            notes.append(f'largest of {len(faces)} faces')
            return max(faces, key=lambda face: face.area)
        return faces[0]

    @torch.no_grad()
    def _predict_faces(self, faces: List[AlignedFace],
                       return_fused: bool) -> List[ExpressionPrediction]:
        batch = default_collate([
            self.pipeline(
                dict(
                    img=face.face,
                    img_shape=face.face.shape[:2],
                    ori_shape=face.face.shape[:2])) for face in faces
        ])
        data = self.model.data_preprocessor(batch, False)
        inputs = data['inputs']
        samples = self.model(inputs, data['data_samples'], mode='predict')
        fused_images = [None] * len(faces)
        if return_fused:
            # predict() keeps only the mask; the fusion net is cheap to rerun.
            masks = torch.stack([s.pred_motion_mask for s in samples])
            fused_images = self.model.fusion(
                inputs, masks * self.model.to_gray(inputs))
            fused_images = fused_images.float().permute(0, 2, 3, 1).cpu()
            fused_images = fused_images.numpy()
        face_images = (inputs.clamp(0, 1) * 255).round().byte().permute(
            0, 2, 3, 1).cpu().numpy()
        results = []
        for face, sample, face_image, fused in zip(faces, samples,
                                                   face_images, fused_images):
            scores = sample.pred_score.float().cpu().numpy()
            label = int(sample.pred_label.item())
            motion_mask = sample.pred_motion_mask[0].float().cpu().numpy()
            results.append(
                ExpressionPrediction(
                    source=face.source,
                    pred_label=label,
                    pred_class=self.classes[label],
                    pred_scores=scores,
                    motion_mask=motion_mask,
                    face=face_image,
                    fused_image=fused,
                    face_corners=face.corners,
                    detection=face.detection,
                    five_points=face.five_points,
                    notes=face.notes))
        return results
