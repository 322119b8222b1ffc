"""Oulu-CASIA NIR&VIS (VIS camera, strong light by default): the converter to the project layout.

Input (the distribution's ``OriginalImg`` folder)::

    OULU_ROOT/VL/Strong/P001/Anger/000.jpeg ... 0NN.jpeg     neutral (first) ... peak (last)
    OULU_ROOT/VL/Strong/P001/{Anger,Disgust,Fear,Happiness,Sadness,Surprise}/
    OULU_ROOT/NI/..., OULU_ROOT/VL/{Weak,Dark}/...           other cameras and lights

Output (see :mod:`.common`)::

    OUT/imgs/P001_Anger_017.png       the last 3 frames of each sequence, aligned to 70x70
    OUT/neutral/P001_Anger_000.png    its first (neutral) frame, aligned
    OUT/annotations.csv               image,label,subject,sequence,neutral,landmarks
    OUT/train_ids_K.csv, test_ids_K.csv   10 subject-independent folds

The faces come without landmarks. Pass them with ``--landmarks FILE`` (keys such as
``VL/Strong/P001/Anger/000.jpeg``); without it the MTCNN face detector finds five points
(OpenCV 5 has no Haar cascades).
"""
import re
from functools import partial
from pathlib import Path
from typing import List, NamedTuple, Optional, Tuple

from mmfmpn.masks.alignment import ALIGNED_FACE_SIZE
from ..annotation_file import FERAnnotation
from ..categories import BASIC6_CLASSES
from .common import (IMAGE_SUFFIXES, BadSampleError, Conversion, ConversionOptions, LandmarkSource,
                     align_sample, convert_into_folder, landmark_source, read_image, subject_folds,
                     write_face)

#: Expression folder -> class name in :data:`BASIC6_CLASSES`.
EXPRESSION_FOLDERS = {
    'Anger': 'anger',
    'Disgust': 'disgust',
    'Fear': 'fear',
    'Happiness': 'happy',
    'Sadness': 'sadness',
    'Surprise': 'surprise',
}
#: Expressive samples per sequence: its last frames, as in the FMPN paper.
NUM_EXPRESSIVE_FRAMES = 3
_SUBJECT_DIR = re.compile(r'^P\d+$')


class OuluSequence(NamedTuple):
    """One expression sequence as found on disk.

    Args:
        subject (str): ``'P001'``.
        expression (str): Expression folder name, ``'Anger'``.
        folder (Path): The sequence folder.
        frame_paths (tuple[Path, ...]): Its frames in frame-number order.
    """
    subject: str
    expression: str
    folder: Path
    frame_paths: Tuple[Path, ...]

    @property
    def key(self) -> str:
        """Sequence id, ``'P001_Anger'``."""
        return f'{self.subject}_{self.expression}'


def _frame_number(path: Path) -> Tuple[int, str]:
    return (int(path.stem), path.name) if path.stem.isdigit() else (-1, path.name)


def find_sequences(light_dir: Path) -> Tuple[List[OuluSequence], List[Path]]:
    """List every sequence under ``VL/Strong`` (or another camera and light).

    Args:
        light_dir (Path): e.g. ``OULU_ROOT/VL/Strong``.

    Returns:
        tuple[list[OuluSequence], list[Path]]: Sequences sorted by subject and expression
        (unknown folders included, so that they are reported), and the non-image files that
        were ignored.
    """
    sequences, ignored = [], []
    for subject_dir in sorted(path for path in light_dir.iterdir() if path.is_dir()):
        for sequence_dir in sorted(path for path in subject_dir.iterdir() if path.is_dir()):
            frames = []
            for path in sequence_dir.iterdir():
                if path.suffix.lower() in IMAGE_SUFFIXES:
                    frames.append(path)
                else:
                    ignored.append(path)
            sequences.append(
                OuluSequence(subject_dir.name, sequence_dir.name, sequence_dir,
                             tuple(sorted(frames, key=_frame_number))))
    return sequences, ignored


def convert_sequence(sequence: OuluSequence, oulu_root: Path, out: Path,
                     landmarks_of: LandmarkSource, crop_size: int) -> List[FERAnnotation]:
    """Align the neutral first frame and the last 3 frames, and write them.

    Args:
        sequence (OuluSequence): The sequence.
        oulu_root (Path): The root the landmark keys are relative to.
        out (Path): The output folder.
        landmarks_of (Callable): ``(key, image, source) -> (K, 2)`` landmarks.
        crop_size (int): Side of the aligned faces.

    Returns:
        list[FERAnnotation]: One row per expressive frame.

    Raises:
        BadSampleError: An unexpected folder name, no neutral frame ``000``, too few
            frames, an unreadable frame, or missing or bad landmarks.
    """
    if not _SUBJECT_DIR.match(sequence.subject):
        raise BadSampleError(
            f'{sequence.folder.parent}: subject folder {sequence.subject!r} is not '
            'P<number>; OULU_ROOT must hold VL/Strong/P001/Anger/000.jpeg ...')
    if sequence.expression not in EXPRESSION_FOLDERS:
        raise BadSampleError(
            f'{sequence.folder}: unknown expression folder {sequence.expression!r}; '
            f'expected one of {", ".join(EXPRESSION_FOLDERS)}')
    frames = sequence.frame_paths
    if frames and _frame_number(frames[0])[0] != 0:
        raise BadSampleError(
            f'{sequence.folder / ("000" + frames[0].suffix)}: missing neutral frame (the '
            f'sequence starts at {frames[0].name}); restore it from the distribution, or '
            'rerun with --skip-bad to leave the sequence out')
    if len(frames) < NUM_EXPRESSIVE_FRAMES + 1:
        raise BadSampleError(f'{sequence.folder}: {len(frames)} frames, need at least '
                             f'{NUM_EXPRESSIVE_FRAMES + 1} (a neutral first frame and '
                             f'{NUM_EXPRESSIVE_FRAMES} expressive last frames)')
    aligned = []
    for frame_path in (frames[0], *frames[-NUM_EXPRESSIVE_FRAMES:]):
        image = read_image(frame_path)
        key = frame_path.relative_to(oulu_root).as_posix()
        aligned.append(
            (frame_path, *align_sample(image, landmarks_of(key, image, str(frame_path)), crop_size,
                                       str(frame_path))))
    neutral_path, neutral_face, _ = aligned[0]
    neutral = write_face(out, 'neutral', f'{sequence.key}_{neutral_path.stem}.png', neutral_face)
    return [
        FERAnnotation(
            image=write_face(out, 'imgs', f'{sequence.key}_{path.stem}.png', face),
            label=EXPRESSION_FOLDERS[sequence.expression],
            location=str(path),
            subject=sequence.subject,
            sequence=sequence.key,
            neutral=neutral,
            landmarks=landmarks) for path, face, landmarks in aligned[1:]
    ]


def prepare_oulu_casia(
    oulu_root: Path,
    out: Path,
    camera: str = 'VL',
    illumination: str = 'Strong',
    landmarks_file: Optional[Path] = None,
    num_folds: int = 10,
    crop_size: int = ALIGNED_FACE_SIZE,
    options: ConversionOptions = ConversionOptions()) -> Conversion:
    """Convert one camera and lighting of Oulu-CASIA into ``out`` (built aside, then swapped in).

    Args:
        oulu_root (Path): The distribution's ``OriginalImg`` folder.
        out (Path): The output folder.
        camera (str): ``'VL'`` (visible light) or ``'NI'`` (near infrared).
        illumination (str): ``'Strong'``, ``'Weak'`` or ``'Dark'``.
        landmarks_file (Path, optional): Landmarks of the frames
            (:data:`~.common.LANDMARKS_FILE_FORMAT`); None detects them with MTCNN.
        num_folds (int): Subject-independent folds. Defaults to 10.
        crop_size (int): Side of the aligned faces. Defaults to 70.
        options (ConversionOptions): ``skip_bad``, ``overwrite``, ``show_progress``
            (:class:`~.common.ConversionOptions`). Defaults to ConversionOptions().

    Returns:
        Conversion: What was written, with its summary.

    Raises:
        FileNotFoundError: ``oulu_root/camera/illumination`` is not a folder.
        FileExistsError: ``out`` is not empty and ``options.overwrite`` is False.
        ConversionError: Bad sequences without ``options.skip_bad``, or nothing converted; ``out``
            is unchanged.
        ValueError, RuntimeError: A bad landmarks file, too few subjects for the folds, or
            no face detector.
    """
    light_dir = oulu_root / camera / illumination
    if not light_dir.is_dir():
        raise FileNotFoundError(
            f'{light_dir} is not a folder; OULU_ROOT must be the OriginalImg folder '
            f'holding {camera}/{illumination}/P001/...')
    landmarks_of = landmark_source(landmarks_file)
    sequences, ignored = find_sequences(light_dir)
    annotations, bad, split_files = convert_into_folder(
        out,
        sequences,
        lambda sequence, building: convert_sequence(sequence, oulu_root, building, landmarks_of,
                                                    crop_size),
        key_of=lambda sequence: str(sequence.folder.relative_to(oulu_root)),
        description=f'Aligning {len(sequences)} sequences',
        what='sequence',
        inputs=[oulu_root],
        options=options,
        split_files_of=partial(subject_folds, num_folds=num_folds))
    notes = [
        f'Read {len(sequences)} sequence folders from {light_dir}; converted '
        f'{len({item.sequence for item in annotations})} sequences of '
        f'{len({item.subject for item in annotations})} subjects.'
    ]
    if ignored:
        notes.append(f'Ignored {len(ignored)} non-image file(s), e.g. {ignored[0]}.')
    return Conversion(out, annotations, BASIC6_CLASSES, split_files, bad, notes)
