"""Reading gray images and writing outputs atomically (temporary file, then rename)."""
import os
import tempfile
from pathlib import Path
from typing import Union

import cv2
import numpy as np

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


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_bytes_atomic(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    An interrupted run leaves either the old file or the new one, never half of one.

    Args:
        path (str | Path): Destination; its parent folders are created.
        data (bytes): The file content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_path = tempfile.mkstemp(
        dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
    try:
        with os.fdopen(handle, 'wb') as file:
            file.write(data)
        # mkstemp creates the file private (0600); give it the usual permissions.
        os.chmod(temp_path, 0o666 & ~_current_umask())
        os.replace(temp_path, path)
    except BaseException:
        os.unlink(temp_path)
        raise


def write_text_atomic(path: PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`write_bytes_atomic`).

    Args:
        path (str | Path): Destination.
        text (str): The file content.
    """
    write_bytes_atomic(path, text.encode('utf-8'))


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
