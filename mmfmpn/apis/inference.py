"""Predict facial expressions with a trained FMPN.

Typical use::

    from mmfmpn.apis import FMPNInferencer
    inferencer = FMPNInferencer('configs/fmpn/fmpn_inceptionv3_ckplus.py',
                                'epoch_200.pth', device='cpu')
    for result in inferencer(['a.jpg', 'b.png']):
        print(result['source'], result['error'] or result['pred_class'])

:class:`FMPNInferencer` is mmpretrain's ``ImageClassificationInferencer``
with face alignment (:class:`mmfmpn.apis.FaceAligner`) as its preprocessing
step, strict checkpoint loading and one result per input, errors included.
The stock ``ImageClassificationInferencer(CONFIG, pretrained=CKPT)`` works
too, on faces that are already aligned: the motion-mask transforms of the
test pipelines pass the images it gives through.
"""
import copy
import os.path as osp
from pathlib import Path
from typing import List, Optional, Sequence, Union

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.model import BaseModel
from mmpretrain.apis import ImageClassificationInferencer, get_model
from mmpretrain.structures import DataSample

from mmfmpn.engine.checkpoint_loading import CheckpointMismatchError, load_checkpoint_strictly
from .face_alignment import FaceAligner, ImageInput

ConfigInput = Union[str, Path, Config]


def init_fmpn_model(config: ConfigInput,
                    checkpoint: str,
                    device: Union[str, torch.device] = 'cpu',
                    cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build a model from its config and load a checkpoint, strictly.

    Unlike ``mmpretrain.apis.init_model``, a checkpoint that does not fit
    (missing, extra or reshaped weights) is an error, not a warning. The
    returned model carries ``_config`` (the config, with ``cfg_options``)
    and ``_dataset_meta`` (the checkpoint's class names), so it can be
    passed to ``mmpretrain.apis.ImageClassificationInferencer`` as is.

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
    if isinstance(config, Config):
        cfg = copy.deepcopy(config)
    elif osp.isfile(config):
        cfg = Config.fromfile(str(config))
    else:
        raise FileNotFoundError(f'Config {config} does not exist.')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model = get_model(cfg, pretrained=False)
    config_name = config if not isinstance(config, Config) else (config.filename
                                                                 or 'given as a Config')
    meta = load_checkpoint_strictly(
        model, str(checkpoint), model_name=f'the model of config {config_name}').get('meta') or {}
    classes = (meta.get('dataset_meta') or {}).get('classes') or (model._dataset_meta
                                                                  or {}).get('classes')
    num_classes = getattr(getattr(model, 'head', None), 'num_classes', None)
    if classes is not None and num_classes is not None and len(classes) != num_classes:
        raise CheckpointMismatchError(
            f'Checkpoint {checkpoint} names {len(classes)} classes '
            f'({", ".join(classes)}) but its head has {num_classes} outputs.')
    model._dataset_meta = dict(classes=tuple(classes)) if classes else {}
    return model.to(device).eval()


class FMPNInferencer(ImageClassificationInferencer):
    """Predict the expressions of faces in images with a trained FMPN.

    Each input is read and its face aligned (:class:`FaceAligner`), then it
    goes through the config's test pipeline and the model, whose one forward
    gives the prediction, the motion mask and the fused image. An input that
    cannot be predicted (unreadable file, no face, ...) gets a result with
    its ``error``; the others are predicted as usual.

    Args:
        model (str | Path | Config | BaseModel): The config the checkpoint
            was trained with, or a model with its weights (e.g. from
            :func:`init_fmpn_model`).
        pretrained (str, optional): The checkpoint of ``tools/train.py``,
            loaded strictly; required with a config. Defaults to None.
        device (str | torch.device): Defaults to 'cpu'.
        face_source (str): See :class:`FaceAligner`. Defaults to 'auto'.
        largest_face (bool): See :class:`FaceAligner`. Defaults to False.
        min_face_size (int): See :class:`FaceAligner`. Defaults to 40.
        cfg_options (dict, optional): Config overrides. Defaults to None.
        classes (Sequence[str], optional): Class names; defaults to the
            checkpoint's.

    Example:
        >>> inferencer = FMPNInferencer(config, checkpoint)
        >>> results = inferencer(['face.jpg', image_array],
        ...                      landmarks=[None, five_points])
        >>> results[0]['pred_class'], results[0]['error']
    """

    preprocess_kwargs = {'landmarks'}

    def __init__(self,
                 model: Union[ConfigInput, BaseModel],
                 pretrained: Optional[str] = None,
                 device: Union[str, torch.device] = 'cpu',
                 face_source: str = 'auto',
                 largest_face: bool = False,
                 min_face_size: int = 40,
                 cfg_options: Optional[dict] = None,
                 classes: Optional[Sequence[str]] = None):
        self.face_aligner = FaceAligner(face_source, largest_face, min_face_size, device)
        if not isinstance(model, BaseModel):
            if pretrained is None:
                raise ValueError('FMPNInferencer: pass the checkpoint trained with config '
                                 f'{model} as pretrained; FMPN has no published weights.')
            model = init_fmpn_model(model, pretrained, device, cfg_options)
        elif pretrained is not None:
            raise ValueError('FMPNInferencer: a model is given with its '
                             'weights; load checkpoints with a config.')
        super().__init__(model, pretrained=False, device=device, classes=classes)
        # The forward computes the fused image anyway: keep it.
        self.model.attach_fused_image = True

    def __call__(self,
                 inputs: Union[ImageInput, Sequence[ImageInput]],
                 return_datasamples: bool = False,
                 batch_size: int = 8,
                 landmarks=None,
                 **kwargs) -> list:
        """Predict the expression of the face in each image.

        Args:
            inputs (str | Path | np.ndarray | Sequence): Image files, a
                folder of them, ``(H, W)`` / ``(H, W, 3)`` BGR /
                ``(H, W, 4)`` BGRA uint8 or uint16 arrays (OpenCV's channel
                order), or a list of them.
            return_datasamples (bool): Return the ``DataSample`` of each
                input (with ``error`` in its metainfo when it failed) instead
                of dicts. Defaults to False.
            batch_size (int): Faces per forward pass. Defaults to 8.
            landmarks (np.ndarray | Sequence, optional): For one image, its
                ``(5, 2)`` or ``(68, 2)`` landmarks; for a list, one entry
                (or None) per image. Defaults to None.
            **kwargs: ``ImageClassificationInferencer``'s visualisation
                options (``show_dir``, ``show``, ...).

        Returns:
            list[dict]: One per input, in input order: ``source`` (the path
            or ``'array[i]'``), ``error`` (None, or why it failed and the
            fix), ``notes`` (conversions applied) and, when predicted,
            ``pred_label``, ``pred_score``, ``pred_class``, ``pred_scores``
            ``(num_classes,)`` softmax, ``motion_mask`` ``(H, W)`` float32 in
            [0, 1] and ``fused_image`` ``(H, W, 3)`` float32 RGB at the model
            input size, ``face`` ``(H, W, 3)`` uint8 RGB the model saw,
            ``face_corners`` ``(4, 2)`` (the face crop in the input image),
            ``five_points`` and ``detection`` (None when not used).
        """
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}.')
        if landmarks is not None and isinstance(inputs, (str, Path, np.ndarray)):
            landmarks = [landmarks]
        return super().__call__(
            inputs,
            return_datasamples=return_datasamples,
            batch_size=batch_size,
            landmarks=landmarks,
            **kwargs)

    def preprocess(self, inputs: list, batch_size: int = 8, landmarks: Optional[Sequence] = None):
        """Align each input's face and run the test pipeline on it.

        Yields:
            list[tuple[AlignedFace, dict] | tuple[str, str]]: Chunks of
            ``batch_size`` inputs: the face and the pipeline's output, or
            the input's name and its error.
        """
        if landmarks is None:
            landmarks = [None] * len(inputs)
        if len(landmarks) != len(inputs):
            raise ValueError(f'Got {len(landmarks)} landmark entries for '
                             f'{len(inputs)} images; give one (or None) per '
                             'image.')

        def prepare(index: int, image: ImageInput, points) -> tuple:
            source = (str(image) if isinstance(image, (str, Path)) else f'array[{index}]')
            try:
                face = self.face_aligner(image, points, source)
                shape = face.face.shape[:2]
                return face, self.pipeline(dict(img=face.face, img_shape=shape, ori_shape=shape))
            except (ValueError, cv2.error) as error:
                message = str(error)
                if not message.startswith(source):
                    message = f'{source}: {message}'
                return source, message

        yield from self._get_chunk_data(
            map(prepare, range(len(inputs)), inputs, landmarks), batch_size)

    @torch.no_grad()
    def forward(self, chunk: list) -> List[DataSample]:
        """Predict the prepared faces of a chunk; failed inputs keep their
        error (``DataSample`` metainfo ``source`` and ``error``)."""
        ready = [item for item in chunk if not isinstance(item[1], str)]
        predictions, faces = iter(()), iter(())
        if ready:
            data = self.model.data_preprocessor(
                default_collate([prepared for _, prepared in ready]), False)
            predictions = iter(self.model(**data, mode='predict'))
            faces = iter((data['inputs'].clamp(0, 1) * 255).round().byte())
        samples = []
        for face, prepared in chunk:
            if isinstance(prepared, str):
                samples.append(DataSample(metainfo=dict(source=face, error=prepared)))
                continue
            sample = next(predictions)
            sample.set_metainfo(
                dict(
                    source=face.source,
                    error=None,
                    notes=face.notes,
                    face=next(faces).permute(1, 2, 0).cpu().numpy(),
                    face_corners=face.corners,
                    five_points=face.five_points,
                    detection=face.detection))
            samples.append(sample)
        return samples

    def visualize(self, ori_inputs: list, preds: List[DataSample], **kwargs) -> Optional[list]:
        """mmpretrain's drawing of the predicted inputs (failed ones have
        nothing to draw)."""
        predicted = [(image, sample) for image, sample in zip(ori_inputs, preds)
                     if sample.error is None]
        return super().visualize([image for image, _ in predicted],
                                 [sample for _, sample in predicted], **kwargs)

    def postprocess(self,
                    preds: List[DataSample],
                    visualization: Optional[list],
                    return_datasamples: bool = False) -> list:
        if return_datasamples:
            return preds
        results = []
        for sample in preds:
            result = dict(source=sample.source, error=sample.error, notes=sample.get('notes', ()))
            if sample.error is None:
                result.update(super().postprocess([sample], None)[0])
                mask = sample.pred_motion_mask[0].float().cpu().numpy()
                result.update(
                    motion_mask=mask,
                    fused_image=sample.pred_fused_image.float().permute(1, 2, 0).cpu().numpy(),
                    face=sample.face,
                    face_corners=sample.face_corners,
                    five_points=sample.five_points,
                    detection=sample.detection)
            results.append(result)
        return results
