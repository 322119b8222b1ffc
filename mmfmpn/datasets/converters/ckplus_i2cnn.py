"""CK+ in I2CNN's protocols, written by the CK+ converter beside the FMPN set (``--i2cnn``).

Of the sequences labelled with one of the six basic emotions (no contempt): the last three
(peak) frames carry the emotion, the first frame is neutral. ::

    OUT/i2cnn/imgs/S005_001_00000011.png   aligned faces (peak frames and first frames)
    OUT/i2cnn/ckplus6.csv                  the peak frames: 6 classes
    OUT/i2cnn/ckplus7.csv                  the peak frames and the first frames: 7 classes

Both are annotation files (:mod:`mmfmpn.datasets.annotation_file`) with the subject (folds
are computed from it, the rule of the FMPN folds) and the five points of every aligned face,
which I2CNN's patches are placed by.
"""
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

import numpy as np

from mmfmpn.masks.image_io import write_png_atomic
from mmfmpn.masks.landmarks import five_alignment_points
from mmfmpn.utils.file_io import write_text_atomic
from ..annotation_file import FERAnnotation, annotations_csv_text
from ..categories import BASIC6_CLASSES
from .common import align_sample, read_image

#: Sub-folder of the CK+ output that holds the I2CNN sets.
I2CNN_FOLDER = 'i2cnn'
#: Side of the aligned faces: room around the face for I2CNN's largest patches.
I2CNN_CROP_SIZE = 144
#: Peak frames per sequence, as in the paper.
NUM_PEAK_FRAMES = 3
#: The two annotation files and the classes of each.
I2CNN_SETS = {'ckplus6.csv': BASIC6_CLASSES, 'ckplus7.csv': ('neutral', ) + BASIC6_CLASSES}


def convert_i2cnn_sequence(subject: str,
                           label: str,
                           frames: Sequence[Path],
                           frame_landmarks: Callable[[Path], Tuple[np.ndarray, str]],
                           out: Path,
                           crop_size: int = I2CNN_CROP_SIZE) -> List[FERAnnotation]:
    """Align and write a sequence's first frame and its last three frames.

    Args:
        subject (str): ``'S005'``.
        label (str): The sequence's class, one of :data:`BASIC6_CLASSES`.
        frames (Sequence[Path]): Its frames in order (at least four).
        frame_landmarks (Callable[[Path], tuple[np.ndarray, str]]): Frame -> its
            ``(68, 2)`` or ``(5, 2)`` points and the file they come from.
        out (Path): The CK+ output folder; faces go to ``out/i2cnn/imgs/``.
        crop_size (int): Side of the aligned faces. Defaults to 144.

    Returns:
        list[FERAnnotation]: Three peak rows labelled ``label``, then the neutral row.

    Raises:
        ValueError: ``label`` is not a basic emotion (contempt is left out of the
            protocol), or fewer than four frames.
        BadSampleError: An unreadable frame, or missing or bad landmarks.
    """
    if label not in BASIC6_CLASSES:
        raise ValueError(f'{subject}: I2CNN\'s CK+ sets hold the six basic emotions, '
                         f'not {label!r}')
    if len(frames) < NUM_PEAK_FRAMES + 1:
        raise ValueError(f'{frames[0].parent if frames else subject}: {len(frames)} '
                         'frames, need a first frame and three peak frames')
    rows = []
    for frame, frame_label in [
            *((frame, label) for frame in frames[-NUM_PEAK_FRAMES:]), (frames[0], 'neutral')
    ]:
        landmarks, source = frame_landmarks(frame)
        face, aligned_landmarks = align_sample(
            read_image(frame), landmarks, crop_size, f'{source} ({frame.name})')
        write_png_atomic(out / I2CNN_FOLDER / 'imgs' / f'{frame.stem}.png', face)
        rows.append(
            FERAnnotation(
                image=f'imgs/{frame.stem}.png',
                label=frame_label,
                location=str(frame),
                subject=subject,
                sequence=frame.stem.rsplit('_', 1)[0],
                landmarks=five_alignment_points(aligned_landmarks)))
    return rows


def write_i2cnn_annotation_files(out: Path, rows: Sequence[FERAnnotation]) -> List[Path]:
    """Write ``ckplus6.csv`` (peak frames) and ``ckplus7.csv`` (with the neutral frames).

    Args:
        out (Path): The CK+ output folder.
        rows (Sequence[FERAnnotation]): From :func:`convert_i2cnn_sequence`.

    Returns:
        list[Path]: The two files.
    """
    paths = []
    for file_name, classes in I2CNN_SETS.items():
        path = out / I2CNN_FOLDER / file_name
        write_text_atomic(path, annotations_csv_text([row for row in rows if row.label in classes]))
        paths.append(path)
    return paths
