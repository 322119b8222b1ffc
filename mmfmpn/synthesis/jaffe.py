"""Write a synthetic data set in the JAFFE layout, the project's stand-in for JAFFE.

::

    OUT/KA.AN1.39.tiff ...     gray 256x256, one file per posed image, JAFFE's names
    OUT/landmarks.csv          path,x1,y1,...,x68,y68: the 68 exact landmarks of every image

Ten posers with JAFFE's two-letter ids each pose neutral and the six basic expressions two to
four times (JAFFE has 213 images, this set about 210), drawn by the synthetic CK+ face model
and framed like JAFFE's head-and-shoulders images. Everything is drawn from random streams
keyed by ``(seed, poser)``, so a poser's files do not depend on the other posers.
"""
from pathlib import Path
from typing import Dict, List

import cv2
import numpy as np

from mmfmpn.datasets.categories import NEUTRAL7_CLASSES
from mmfmpn.datasets.jaffe import JAFFE_EXPRESSION_CODES
from mmfmpn.utils.file_io import write_bytes_atomic
from .face_model import (CaptureSetup, FaceIdentity, SensorNoise, build_face, render_frame,
                         sample_expression_action_units)

#: JAFFE's ten posers.
JAFFE_POSERS = ('KA', 'KL', 'KM', 'KR', 'MK', 'NA', 'NM', 'TM', 'UY', 'YM')
#: Side of a JAFFE image.
JAFFE_IMAGE_SIZE = 256
#: The landmarks file written beside the images.
LANDMARKS_FILE = 'landmarks.csv'

_TAKES = (2, 4)
_PEAK_INTENSITY = (0.6, 1.0)
# Square of the 640x490 render that becomes the 256x256 image: its full height.
_FRAME_SIDE = 490
_STREAM_POSER = 3
_CODE_OF_CLASS = {name: code for code, name in JAFFE_EXPRESSION_CODES.items()}


def render_jaffe_image(identity: FaceIdentity, expression: str, rng: np.random.Generator) -> tuple:
    """Render one posed image, framed and sized like JAFFE's.

    Args:
        identity (FaceIdentity): The poser.
        expression (str): A class of :data:`NEUTRAL7_CLASSES`.
        rng (np.random.Generator): Source of pose, light, intensity and noise.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(256, 256)`` uint8 image and its ``(68, 2)``
        landmarks in its pixels.
    """
    setup = CaptureSetup.sample(rng)
    action_units = ({} if expression == 'neutral' else sample_expression_action_units(
        expression, rng.uniform(*_PEAK_INTENSITY), rng))
    frame, landmarks = render_frame(
        build_face(identity, action_units), setup,
        SensorNoise(rng).next_field())
    left = int(round(setup.center_x)) - _FRAME_SIDE // 2
    square = frame[:, left:left + _FRAME_SIDE]
    scale = JAFFE_IMAGE_SIZE / _FRAME_SIDE
    image = cv2.resize(square, (JAFFE_IMAGE_SIZE, JAFFE_IMAGE_SIZE), interpolation=cv2.INTER_AREA)
    # INTER_AREA maps pixel centres: x' = (x + 0.5) * scale - 0.5.
    points = (landmarks - [left, 0] + 0.5) * scale - 0.5
    return image, points


def generate_synthetic_jaffe(out_dir: str,
                             seed: int = 0,
                             num_posers: int = len(JAFFE_POSERS)) -> Dict[str, int]:
    """Write a synthetic JAFFE folder: ``POSER.CODE<take>.<id>.tiff`` and ``landmarks.csv``.

    Args:
        out_dir (str): Output folder, created if needed; files of the same names are
            replaced.
        seed (int): Seed; the same seed gives the same images. Defaults to 0.
        num_posers (int): The first this many of :data:`JAFFE_POSERS`. Defaults to 10.

    Returns:
        dict[str, int]: Images per class name, plus ``'images'`` and ``'posers'``.

    Raises:
        ValueError: ``num_posers`` outside 1..10.
    """
    if not 1 <= num_posers <= len(JAFFE_POSERS):
        raise ValueError(f'num_posers must be 1..{len(JAFFE_POSERS)}, got {num_posers}')
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: List[str] = []
    counts = {name: 0 for name in NEUTRAL7_CLASSES}
    image_id = 1
    for poser_index, poser in enumerate(JAFFE_POSERS[:num_posers]):
        rng = np.random.default_rng([seed, _STREAM_POSER, poser_index])
        identity = FaceIdentity.sample(rng)
        for expression in NEUTRAL7_CLASSES:
            for take in range(1, int(rng.integers(_TAKES[0], _TAKES[1] + 1)) + 1):
                image, points = render_jaffe_image(identity, expression, rng)
                name = f'{poser}.{_CODE_OF_CLASS[expression]}{take}.{image_id}.tiff'
                ok, data = cv2.imencode('.tiff', image)
                if not ok:
                    raise RuntimeError(f'cv2 could not encode {name}')
                write_bytes_atomic(out / name, data.tobytes())
                rows.append(name + ',' + ','.join(f'{value:.2f}' for value in points.reshape(-1)))
                counts[expression] += 1
                image_id += 1
    header = 'path,' + ','.join(f'x{i},y{i}' for i in range(1, 69))
    write_bytes_atomic(out / LANDMARKS_FILE, ('\n'.join([header, *rows]) + '\n').encode())
    return dict(counts, images=len(rows), posers=num_posers)
