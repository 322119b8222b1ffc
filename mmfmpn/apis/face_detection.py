"""MTCNN face detection (boxes and five points) in PyTorch, no TensorFlow.

The FMPN authors aligned CK+ with MTCNN five points (their
``bbox_landmark_mtcnn.pkl``); this detector gives the same kind of points for
new photos. The three networks are small re-implementations of those of the
``mtcnn`` package (MIT licence, ``pip install mtcnn==1.0.0``), which ships
their trained weights inside its wheel (``mtcnn/assets/weights/*.lz4``). Only
those files are read: the package's own code needs TensorFlow and is never
imported, and nothing is downloaded.

OpenCV 5 ships neither Haar cascades (``cv2.data.haarcascades`` is empty and
``cv2.CascadeClassifier`` is gone) nor the YuNet model ``cv2.FaceDetectorYN``
needs, hence this module.
"""
import importlib.util
import os.path as osp
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

#: The package whose wheel holds the MTCNN weights.
WEIGHTS_PACKAGE = 'mtcnn'
_INSTALL_HINT = ('pip install mtcnn==1.0.0 (only its bundled weights are '
                 'used; TensorFlow is not needed)')


@dataclass(frozen=True)
class FaceDetection:
    """One detected face.

    Args:
        box (np.ndarray): ``(4,)`` float64 ``x1, y1, x2, y2`` in pixels.
        score (float): Face probability of the last stage, in [0, 1].
        five_points (np.ndarray): ``(5, 2)`` float64 ``(x, y)``: image-left
            eye, image-right eye, nose tip, image-left and image-right mouth
            corner (the order of :func:`mmfmpn.masks.align_face`).
    """
    box: np.ndarray
    score: float
    five_points: np.ndarray

    @property
    def area(self) -> float:
        """Box area in square pixels."""
        return float(max(self.box[2] - self.box[0], 0) * max(self.box[3] - self.box[1], 0))


def mtcnn_weights_dir() -> Optional[str]:
    """The folder of the installed MTCNN weights, or None.

    Found without importing the ``mtcnn`` package (its import needs
    TensorFlow).
    """
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    weights_dir = osp.join(osp.dirname(spec.origin), 'assets', 'weights')
    return weights_dir if osp.isfile(osp.join(weights_dir, 'pnet.lz4')) else None


def _load_keras_weights(weights_dir: str, name: str) -> List[np.ndarray]:
    import joblib  # a dependency of the mtcnn package
    path = osp.join(weights_dir, f'{name}.lz4')
    if not osp.isfile(path):
        raise FileNotFoundError(f'MTCNN weights {path} are missing; '
                                f'reinstall them: {_INSTALL_HINT}.')
    return joblib.load(path)


class _MaxPoolSame(nn.Module):
    """Max pooling with TensorFlow's ``'same'`` padding (the odd pixel of
    padding at the end)."""

    def __init__(self, kernel_size: int, stride: int):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        # F.pad takes the last dimension first.
        for size in (x.shape[-1], x.shape[-2]):
            out = -(-size // self.stride)
            total = max((out - 1) * self.stride + self.kernel_size - size, 0)
            pads += [total // 2, total - total // 2]
        x = F.pad(x, pads, value=float('-inf'))
        return F.max_pool2d(x, self.kernel_size, self.stride)


def _flatten_like_keras(x: torch.Tensor) -> torch.Tensor:
    # The Keras nets permute (H, W, C) to (W, H, C) before flattening.
    return x.permute(0, 3, 2, 1).flatten(1)


class _PNet(nn.Module):
    """Proposal net: fully convolutional, 12x12 receptive field, stride 2."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 10, 3), nn.PReLU(10), _MaxPoolSame(2, 2), nn.Conv2d(10, 16, 3),
            nn.PReLU(16), nn.Conv2d(16, 32, 3), nn.PReLU(32))
        self.box_offsets = nn.Conv2d(32, 4, 1)
        self.face_logits = nn.Conv2d(32, 2, 1)

    def forward(self, x):
        x = self.body(x)
        return self.box_offsets(x), self.face_logits(x).softmax(1)[:, 1]


class _RNet(nn.Module):
    """Refinement net on 24x24 patches."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 28, 3), nn.PReLU(28), _MaxPoolSame(3, 2), nn.Conv2d(28, 48, 3),
            nn.PReLU(48), nn.MaxPool2d(3, 2), nn.Conv2d(48, 64, 2), nn.PReLU(64))
        self.fc = nn.Sequential(nn.Linear(576, 128), nn.PReLU(128))
        self.box_offsets = nn.Linear(128, 4)
        self.face_logits = nn.Linear(128, 2)

    def forward(self, x):
        x = self.fc(_flatten_like_keras(self.body(x)))
        return self.box_offsets(x), self.face_logits(x).softmax(1)[:, 1]


class _ONet(nn.Module):
    """Output net on 48x48 patches: boxes, five points, face score."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 32, 3), nn.PReLU(32), _MaxPoolSame(3, 2), nn.Conv2d(32, 64,
                                                                             3), nn.PReLU(64),
            nn.MaxPool2d(3, 2), nn.Conv2d(64, 64, 3), nn.PReLU(64), _MaxPoolSame(2, 2),
            nn.Conv2d(64, 128, 2), nn.PReLU(128))
        self.fc = nn.Sequential(nn.Linear(1152, 256), nn.PReLU(256))
        self.box_offsets = nn.Linear(256, 4)
        self.points = nn.Linear(256, 10)
        self.face_logits = nn.Linear(256, 2)

    def forward(self, x):
        x = self.fc(_flatten_like_keras(self.body(x)))
        return (self.box_offsets(x), self.points(x), self.face_logits(x).softmax(1)[:, 1])


def _load_into(net: nn.Module, keras_weights: Sequence[np.ndarray]) -> None:
    """Copy Keras weights (in layer order) into ``net``'s parameters.

    Conv kernels go from ``(kh, kw, in, out)`` to ``(out, in, kh, kw)``, dense
    kernels from ``(in, out)`` to ``(out, in)``, PReLU slopes are flattened.
    """
    params = list(net.parameters())
    if len(params) != len(keras_weights):
        raise ValueError(f'{type(net).__name__}: the MTCNN weight file has '
                         f'{len(keras_weights)} arrays, expected '
                         f'{len(params)}; install {_INSTALL_HINT}.')
    with torch.no_grad():
        for param, array in zip(params, keras_weights):
            array = np.asarray(array, dtype=np.float32)
            if array.ndim == 4:
                array = array.transpose(3, 2, 0, 1)
            elif array.ndim == 2:
                array = array.T
            array = array.reshape(param.shape)
            param.copy_(torch.from_numpy(np.ascontiguousarray(array)))


def _nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, method: str) -> np.ndarray:
    """Greedy non-maximum suppression; ``method`` 'union' (IoU) or 'min'."""
    order = np.argsort(-scores)
    areas = np.maximum(boxes[:, 2] - boxes[:, 0], 0) * np.maximum(boxes[:, 3] - boxes[:, 1], 0)
    keep = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(best)
        x1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.maximum(x2 - x1, 0) * np.maximum(y2 - y1, 0)
        if method == 'min':
            overlap = inter / np.maximum(np.minimum(areas[best], areas[rest]), 1e-9)
        else:
            overlap = inter / np.maximum(areas[best] + areas[rest] - inter, 1e-9)
        order = rest[overlap <= threshold]
    return np.asarray(keep, dtype=np.int64)


def _to_square(boxes: np.ndarray) -> np.ndarray:
    boxes = boxes.copy()
    width, height = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    side = np.maximum(width, height)
    boxes[:, 0] += (width - side) / 2
    boxes[:, 1] += (height - side) / 2
    boxes[:, 2:4] = boxes[:, 0:2] + side[:, None]
    return boxes


def _refine(boxes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    size = np.stack([boxes[:, 2] - boxes[:, 0] + 1, boxes[:, 3] - boxes[:, 1] + 1], 1)
    return boxes + offsets * np.tile(size, 2)


def _crop_patches(image: np.ndarray, boxes: np.ndarray, size: int) -> np.ndarray:
    """Bilinear ``size`` x ``size`` patches spanning each box corner to
    corner; zero (mid-gray once normalised) outside the image.

    Args:
        image (np.ndarray): ``(H, W, 3)`` float32, normalised.
        boxes (np.ndarray): ``(K, 4)`` boxes.
        size (int): Patch side.

    Returns:
        np.ndarray: ``(K, 3, size, size)`` float32.
    """
    patches = np.empty((len(boxes), size, size, 3), np.float32)
    for i, (x1, y1, x2, y2) in enumerate(boxes):
        step_x, step_y = (x2 - x1) / (size - 1), (y2 - y1) / (size - 1)
        matrix = np.array([[step_x, 0, x1], [0, step_y, y1]], np.float64)
        patches[i] = cv2.warpAffine(
            image,
            matrix, (size, size),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0)
    return patches.transpose(0, 3, 1, 2)


class MTCNNFaceDetector:
    """MTCNN (Zhang et al. 2016): face boxes and five points.

    Args:
        device (str | torch.device): Where the three nets run.
            Defaults to 'cpu'.
        min_face_size (int): Smallest face side to look for, in pixels; larger
            values make the image pyramid shorter and detection faster.
            Defaults to 40.
        score_thresholds (tuple[float, float, float]): Face probability
            thresholds of the proposal, refinement and output nets.
            Defaults to ``(0.6, 0.7, 0.8)`` (the ``mtcnn`` package's).
        scale_factor (float): Ratio between pyramid levels.
            Defaults to 0.709.
        weights_dir (str, optional): Folder with ``pnet.lz4``, ``rnet.lz4``
            and ``onet.lz4``. Defaults to None, which means those of the
            installed ``mtcnn`` package.

    Raises:
        ImportError: No weights folder is given and the ``mtcnn`` package is
            not installed.
    """

    def __init__(self,
                 device: Union[str, torch.device] = 'cpu',
                 min_face_size: int = 40,
                 score_thresholds: Tuple[float, float, float] = (0.6, 0.7, 0.8),
                 scale_factor: float = 0.709,
                 weights_dir: Optional[str] = None):
        if min_face_size < 12:
            raise ValueError('MTCNNFaceDetector: min_face_size must be at '
                             f'least 12 pixels, got {min_face_size}.')
        if not 0 < scale_factor < 1:
            raise ValueError('MTCNNFaceDetector: scale_factor must be in '
                             f'(0, 1), got {scale_factor}.')
        weights_dir = weights_dir or mtcnn_weights_dir()
        if weights_dir is None:
            raise ImportError('Face detection needs the MTCNN weights of the '
                              f'mtcnn package: {_INSTALL_HINT}. Or pass '
                              'landmarks, or faces that are already aligned.')
        self.device = torch.device(device)
        self.min_face_size = min_face_size
        self.score_thresholds = tuple(score_thresholds)
        self.scale_factor = scale_factor
        self.pnet, self.rnet, self.onet = _PNet(), _RNet(), _ONet()
        for net, name in ((self.pnet, 'pnet'), (self.rnet, 'rnet'), (self.onet, 'onet')):
            _load_into(net, _load_keras_weights(weights_dir, name))
            net.to(self.device).eval()

    def _pyramid_scales(self, height: int, width: int) -> List[float]:
        scale = 12.0 / self.min_face_size
        scales = []
        while min(height, width) * scale >= 12:
            scales.append(scale)
            scale *= self.scale_factor
        return scales

    def _propose(self, image: np.ndarray) -> np.ndarray:
        """Stage 1: ``(K, 5)`` candidate boxes with scores."""
        height, width = image.shape[:2]
        candidates = []
        for scale in self._pyramid_scales(height, width):
            size = (max(int(np.ceil(width * scale)), 12), max(int(np.ceil(height * scale)), 12))
            level = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            tensor = torch.from_numpy(level.transpose(2, 0, 1)[None]).to(self.device)
            offsets, scores = self.pnet(tensor)
            offsets, scores = offsets[0].cpu().numpy(), scores[0].cpu().numpy()
            ys, xs = np.nonzero(scores > self.score_thresholds[0])
            if len(ys) == 0:
                continue
            # PNet cell (y, x) sees the 12x12 window at (2x, 2y) of the level.
            cells = np.stack([xs * 2, ys * 2, xs * 2 + 12, ys * 2 + 12], 1).astype(np.float64)
            boxes = (cells + offsets[:, ys, xs].T * 12) / scale
            boxes = np.hstack([boxes, scores[ys, xs, None]])
            candidates.append(boxes[_nms(boxes[:, :4], boxes[:, 4], 0.5, 'union')])
        if not candidates:
            return np.empty((0, 5))
        boxes = np.concatenate(candidates)
        boxes = boxes[_nms(boxes[:, :4], boxes[:, 4], 0.7, 'union')]
        boxes[:, :4] = _to_square(boxes[:, :4])
        return boxes

    @torch.no_grad()
    def detect(self, image: np.ndarray) -> List[FaceDetection]:
        """Detect the faces of an image.

        Args:
            image (np.ndarray): ``(H, W, 3)`` BGR uint8 (OpenCV's order).

        Returns:
            list[FaceDetection]: The faces, highest score first; empty when
            there is none.
        """
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError('MTCNNFaceDetector.detect expects an (H, W, 3) '
                             f'BGR uint8 image, got {image.dtype} '
                             f'{image.shape}.')
        # The nets were trained on RGB scaled as (x - 127.5) / 128.
        normalised = (cv2.cvtColor(image, cv2.COLOR_BGR2RGB).astype(np.float32) - 127.5) / 128.0
        boxes = self._propose(normalised)
        if len(boxes):
            patches = torch.from_numpy(_crop_patches(normalised, boxes[:, :4], 24)).to(self.device)
            offsets, scores = (t.cpu().numpy() for t in self.rnet(patches))
            keep = scores > self.score_thresholds[1]
            boxes = np.hstack([_refine(boxes[keep, :4], offsets[keep]), scores[keep, None]])
            boxes = boxes[_nms(boxes[:, :4], boxes[:, 4], 0.7, 'union')]
            boxes[:, :4] = _to_square(boxes[:, :4])
        if not len(boxes):
            return []
        patches = torch.from_numpy(_crop_patches(normalised, boxes[:, :4], 48)).to(self.device)
        offsets, points, scores = (t.cpu().numpy() for t in self.onet(patches))
        size = np.stack([boxes[:, 2] - boxes[:, 0] + 1, boxes[:, 3] - boxes[:, 1] + 1], 1)
        # The output net gives the points relative to the box: 5 x, then 5 y.
        points = np.stack([
            points[:, :5] * size[:, :1] + boxes[:, :1] - 1,
            points[:, 5:] * size[:, 1:] + boxes[:, 1:2] - 1
        ], 2)
        keep = scores > self.score_thresholds[2]
        boxes = _refine(boxes[keep, :4], offsets[keep])
        points, scores = points[keep], scores[keep]
        order = _nms(boxes, scores, 0.7, 'min')
        return [
            FaceDetection(
                box=boxes[i].astype(np.float64),
                score=float(scores[i]),
                five_points=points[i].astype(np.float64)) for i in order
        ]
