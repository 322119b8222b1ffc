"""Read an input image and align its face as the training faces were.

The preprocessing step of :class:`mmfmpn.apis.FMPNInferencer`. Training faces
come from ``tools/dataset_converters/prepare_ckplus.py``: five points (given,
reduced from 68 iBUG landmarks, or found by MTCNN) -> similarity transform to
the 96x112 reference -> 70x70 gray crop centred on the nose
(:func:`mmfmpn.masks.align_face`). Faces given as already aligned are only
made gray.
"""
import os.path as osp
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple, Union

import cv2
import numpy as np
import torch

from mmfmpn.masks.alignment import ALIGNED_FACE_SIZE, align_face, alignment_matrix, transform_points
from mmfmpn.masks.landmarks import five_alignment_points
from .face_detection import FaceDetection, MTCNNFaceDetector

ImageInput = Union[str, Path, np.ndarray]

#: Where the face of each input comes from, see :class:`FaceAligner`.
FACE_SOURCES = ('auto', 'landmarks', 'detector', 'aligned')


class InferenceInputError(ValueError):
    """An input that cannot be predicted; the message says why and the fix."""


@dataclass
class AlignedFace:
    """One input's face, ready for the test pipeline.

    Args:
        source (str): The file path or ``'array[i]'``.
        face (np.ndarray): ``(H, W, 3)`` uint8 BGR gray face: the 70x70
            aligned crop, or the whole input when given as aligned.
        corners (np.ndarray): ``(4, 2)`` corners of ``face`` in the input
            image (top-left, top-right, bottom-right, bottom-left): a rotated
            square for aligned crops, the image corners for faces given as
            aligned.
        detection (FaceDetection, optional): The MTCNN detection used.
        five_points (np.ndarray, optional): ``(5, 2)`` alignment points in
            the input image.
        notes (tuple[str]): Conversions applied to the input.
    """
    source: str
    face: np.ndarray
    corners: np.ndarray
    detection: Optional[FaceDetection]
    five_points: Optional[np.ndarray]
    notes: Tuple[str, ...]


def _to_bgr_uint8(image: np.ndarray, name: str) -> Tuple[np.ndarray, list]:
    """Validate a decoded image and convert it to ``(H, W, 3)`` BGR uint8.

    Returns:
        tuple[np.ndarray, list[str]]: The image and notes on what was
        converted (gray, alpha, 16 bits).
    """
    notes = []
    if image.ndim == 3 and image.shape[0] in (1, 3, 4) and image.shape[2] \
            not in (1, 3, 4):
        raise InferenceInputError(f'{name}: shape {image.shape} looks channel-first; pass '
                                  '(H, W, C) arrays, as OpenCV returns them.')
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise InferenceInputError(f'{name}: shape {image.shape} is not an image; expected (H, W) '
                                  'gray, (H, W, 3) BGR or (H, W, 4) BGRA.')
    if min(image.shape[:2]) < 1:
        raise InferenceInputError(f'{name}: the image is empty.')
    if image.dtype == np.uint16:
        # 257 maps 65535 onto 255 exactly.
        image = np.round(image / 257.0).astype(np.uint8)
        notes.append('16-bit image scaled to 8 bits')
    elif image.dtype != np.uint8:
        raise InferenceInputError(f'{name}: pixels are {image.dtype}; expected uint8 (or uint16). '
                                  'Convert floats in [0, 1] with (image * 255).round().astype('
                                  'np.uint8).')
    if image.ndim == 2 or image.shape[2] == 1:
        image = cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
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
        raise InferenceInputError(f'{path}: not an image format OpenCV can read (e.g. a text or '
                                  'video file); pass a JPEG, PNG, BMP, TIFF or WebP image.')
    image = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise InferenceInputError(f'{path}: the image cannot be decoded; it is truncated or '
                                  'corrupt. Re-export or re-download it.')
    return _to_bgr_uint8(image, path)


def five_points_from_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """The five alignment points of 5 or 68 ``(x, y)`` landmarks, checked.

    Args:
        landmarks (np.ndarray): ``(5, 2)`` (image-left eye, image-right eye,
            nose tip, image-left and image-right mouth corner) or ``(68, 2)``
            iBUG landmarks, in pixels of the image.

    Returns:
        np.ndarray: ``(5, 2)`` float64.

    Raises:
        InferenceInputError: Landmarks that are no face (another shape,
            non-finite or coincident points, see
            :func:`~mmfmpn.masks.landmarks.five_alignment_points`).
    """
    try:
        return five_alignment_points(landmarks)
    except ValueError as err:
        raise InferenceInputError(f'{err}; give (5, 2) five points or (68, 2) iBUG landmarks as '
                                  '(x, y) pixels of the image.') from None


def _image_corners(width: int, height: int) -> np.ndarray:
    """Pixel-centre corners of a ``width`` x ``height`` image, clockwise from
    the top left, ``(4, 2)`` float64."""
    return np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]],
                    dtype=np.float64)


class FaceAligner:
    """Read one input image and align its face.

    Args:
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
        device (str | torch.device): Where the detector runs. Defaults to
            'cpu'.
    """

    def __init__(self,
                 face_source: str = 'auto',
                 largest_face: bool = False,
                 min_face_size: int = 40,
                 device: Union[str, torch.device] = 'cpu'):
        if face_source not in FACE_SOURCES:
            raise ValueError(f'face_source must be one of {FACE_SOURCES}, '
                             f'got {face_source!r}.')
        self.face_source = face_source
        self.largest_face = largest_face
        self.min_face_size = min_face_size
        self.device = device
        self._detector: Optional[MTCNNFaceDetector] = None

    @property
    def detector(self) -> MTCNNFaceDetector:
        """The MTCNN detector, built on first use."""
        if self._detector is None:
            self._detector = MTCNNFaceDetector(self.device, min_face_size=self.min_face_size)
        return self._detector

    def __call__(self,
                 image: ImageInput,
                 landmarks: Optional[np.ndarray] = None,
                 source: str = 'array') -> AlignedFace:
        """Read one input and align its face.

        Args:
            image (str | Path | np.ndarray): An image file, or an ``(H, W)``
                gray / ``(H, W, 3)`` BGR / ``(H, W, 4)`` BGRA uint8 or uint16
                array (OpenCV's channel order).
            landmarks (np.ndarray, optional): ``(5, 2)`` or ``(68, 2)``
                ``(x, y)`` pixels of ``image``.
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
            raise InferenceInputError(f'{source}: a {type(image).__name__} is not an image; pass a '
                                      'file path or a numpy array.')
        height, width = image.shape[:2]
        if self.face_source == 'aligned':
            # Training faces are gray (prepare_ckplus.py writes gray crops).
            gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
            return AlignedFace(source, cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR),
                               _image_corners(width, height), None, None, tuple(notes))
        detection = None
        if landmarks is not None and self.face_source != 'detector':
            points = five_points_from_landmarks(landmarks)
            inside = (points >= -0.5) & (points <= [width - 0.5, height - 0.5])
            if not inside.all():
                raise InferenceInputError(f'{source}: landmarks lie outside the {width}x{height} '
                                          'image; they must be (x, y) pixels of this image.')
        elif self.face_source == 'landmarks':
            raise InferenceInputError(f"{source}: face_source='landmarks' but no landmarks were "
                                      'given for this image.')
        else:
            detection = self._detect_one(image, source, notes)
            points = detection.five_points
        face = align_face(image, points, ALIGNED_FACE_SIZE)
        to_image = cv2.invertAffineTransform(alignment_matrix(points, ALIGNED_FACE_SIZE))
        corners = transform_points(_image_corners(ALIGNED_FACE_SIZE, ALIGNED_FACE_SIZE), to_image)
        return AlignedFace(source, cv2.cvtColor(face, cv2.COLOR_GRAY2BGR), corners, detection,
                           points, tuple(notes))

    def _detect_one(self, image: np.ndarray, source: str, notes: List[str]) -> FaceDetection:
        try:
            detector = self.detector
        except ImportError as error:
            raise InferenceInputError(f'{source}: no landmarks given and '
                                      f'{error}') from error
        faces = detector.detect(image)
        if not faces:
            raise InferenceInputError(f'{source}: no face found (MTCNN, faces of at least '
                                      f'{self.min_face_size} px). Pass landmarks, a larger or '
                                      "clearer face, or face_source='aligned' if the image is "
                                      'already an aligned face crop.')
        if len(faces) > 1:
            if not self.largest_face:
                raise InferenceInputError(f'{source}: {len(faces)} faces found; crop the image to '
                                          'one face, pass its landmarks, or set largest_face=True.')
            notes.append(f'largest of {len(faces)} faces')
            return max(faces, key=lambda face: face.area)
        return faces[0]
