"""Reading images with a clear error, and writing PNG files atomically."""
from pathlib import Path
from typing import Union

import cv2
import numpy as np

from mmfmpn.utils.file_io import write_bytes_atomic

PathLike = Union[str, Path]


def read_image_file(path: PathLike,
                    flags: int = cv2.IMREAD_GRAYSCALE,
                    fix: str = 'replace it with a valid image file') -> np.ndarray:
    """Read an image file with OpenCV, or say why it cannot be read.

    Args:
        path (str | Path): Any format OpenCV reads.
        flags (int): ``cv2.IMREAD_GRAYSCALE`` (default) or ``cv2.IMREAD_COLOR``.
        fix (str): What the error message tells the user to do.

    Returns:
        np.ndarray: ``(H, W)`` gray or ``(H, W, 3)`` BGR uint8, as ``flags`` asks.

    Raises:
        ValueError: The file is missing or OpenCV cannot decode it.
    """
    image = cv2.imread(str(path), flags)
    if image is None:
        reason = ('missing image' if not Path(path).is_file() else
                  'unreadable image (corrupt or not an image format)')
        raise ValueError(f'{path}: {reason}; {fix}')
    return image


def read_gray_image(path: PathLike) -> np.ndarray:
    """Read an image file as 8-bit gray.

    Args:
        path (str | Path): Any format OpenCV reads; colour images are converted to gray.

    Returns:
        np.ndarray: ``(H, W)`` uint8.

    Raises:
        ValueError: The file is missing or OpenCV cannot decode it.
    """
    return read_image_file(path)


def write_png_atomic(path: PathLike, image: np.ndarray) -> None:
    """Encode ``image`` as PNG and write it atomically.

    Args:
        path (str | Path): Destination ``.png`` file.
        image (np.ndarray): ``(H, W)`` gray or ``(H, W, 3)`` BGR uint8.

    Raises:
        ValueError: OpenCV cannot encode the array as PNG.
    """
    ok, encoded = cv2.imencode('.png', image)
    if not ok:
        raise ValueError(f'{path}: cannot encode an array of shape '
                         f'{image.shape} and dtype {image.dtype} as PNG')
    write_bytes_atomic(path, encoded.tobytes())
