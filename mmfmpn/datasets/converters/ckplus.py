"""CK+: the converter from the raw CK+ tree to the FMPN authors' layout of aligned 70x70 faces
and folds.

Input (the CK+ distribution)::

    CK_ROOT/cohn-kanade-images/S005/001/S005_001_00000001.png ...
    CK_ROOT/Emotion/S005/001/S005_001_00000011_emotion.txt    (one code 1..7; labelled only)
    CK_ROOT/Landmarks/S005/001/S005_001_00000001_landmarks.txt (68 lines "x y")

Output::

    OUT/imgs/S005_001_00000009.png     the last 3 frames of each labelled sequence, aligned
    OUT/neutral/S005_001_00000001.png  its first (neutral) frame, aligned
    OUT/emotion_labels.pkl             {'S005_001': 3.0, ...}, -1.0 for unlabelled sequences
    OUT/train_ids_K.csv, test_ids_K.csv  subject-independent folds, one image name per line
    OUT/annotations.csv                image,label,subject,sequence,neutral
    OUT/skipped.txt                    with --skip-bad: the sequences left out and why
    OUT/i2cnn/                         with i2cnn=True (--i2cnn): I2CNN's 6- and 7-class sets
                                       (see :mod:`.ckplus_i2cnn`)

The default folds follow the FMPN authors' released CK+ split: subjects sorted ascending, cut
into contiguous blocks, the first block is the last fold (see
:func:`~mmfmpn.datasets.folds.subject_folds`).
"""
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmfmpn.masks.alignment import ALIGNED_FACE_SIZE, align_face
from mmfmpn.masks.image_io import read_gray_image, write_png_atomic
from mmfmpn.masks.landmarks import ckplus_frame_key, five_alignment_points, load_mtcnn_five_points
from mmfmpn.utils.file_io import write_bytes_atomic, write_text_atomic
from mmfmpn.utils.progress import track_progress
from ..annotation_file import FERAnnotation, annotations_csv_text
from ..categories import CKPLUS_CLASSES
from ..folds import read_image_list, subject_fold_split_files
from .ckplus_i2cnn import I2CNN_CROP_SIZE, convert_i2cnn_sequence, write_i2cnn_annotation_files
from .common import (BadSampleError, ConversionError, ConversionOptions, check_bad_samples,
                     skipped_lines, staged_output_folder)

#: Expressive samples per labelled sequence: its last frames, as in the FMPN paper.
NUM_EXPRESSIVE_FRAMES = 3
#: Value of an unlabelled sequence in ``emotion_labels.pkl`` (the authors' convention).
UNLABELLED = -1.0

_SUBJECT_DIR = re.compile(r'^S\d+$')
_SEQUENCE_DIR = re.compile(r'^\d+$')
_FRAME_NAME = re.compile(r'^(S\d+)_(\d+)_(\d+)\.png$')


@dataclass(frozen=True)
class RawSequence:
    """One CK+ sequence as found on disk.

    Args:
        subject (str): Subject folder name, e.g. ``'S005'``.
        number (str): Sequence folder name, e.g. ``'001'``.
        frame_paths (tuple[Path, ...]): Its frames in frame-number order (may be empty).
    """
    subject: str
    number: str
    frame_paths: Tuple[Path, ...]

    @property
    def key(self) -> str:
        """The authors' sequence key, e.g. ``'S005_001'``."""
        return f'{self.subject}_{self.number}'


@dataclass(frozen=True)
class ConvertedSequence:
    """The aligned faces of one labelled sequence, not yet written.

    Args:
        sequence (RawSequence): Where they come from.
        label_index (int): 0-based class index into ``CKPLUS_CLASSES``.
        neutral_name (str): File name of the aligned neutral face.
        neutral_face (np.ndarray): ``(70, 70)`` uint8 (:data:`ALIGNED_FACE_SIZE`).
        expressive_names (tuple[str, ...]): File names of the aligned expressive faces.
        expressive_faces (tuple[np.ndarray, ...]): ``(70, 70)`` uint8 each.
    """
    sequence: RawSequence
    label_index: int
    neutral_name: str
    neutral_face: np.ndarray
    expressive_names: Tuple[str, ...]
    expressive_faces: Tuple[np.ndarray, ...]


def find_sequences(ck_root: Path) -> List[RawSequence]:
    """List every sequence under ``cohn-kanade-images`` and ``Emotion``.

    A sequence with an emotion file but no image folder is listed with no frames, so that it
    is reported rather than silently dropped.

    Args:
        ck_root (Path): The CK+ root holding ``cohn-kanade-images/``.

    Returns:
        list[RawSequence]: Sorted by key.

    Raises:
        FileNotFoundError: ``cohn-kanade-images/`` is missing.
    """
    images_root = ck_root / 'cohn-kanade-images'
    if not images_root.is_dir():
        raise FileNotFoundError(f'{images_root}: not a folder; CK_ROOT must be the CK+ root that '
                                'holds cohn-kanade-images/, Emotion/ and Landmarks/')
    frames_by_key: Dict[Tuple[str, str], List[Path]] = {}
    for root in (images_root, ck_root / 'Emotion'):
        if not root.is_dir():
            continue
        for subject_dir in root.iterdir():
            if not (subject_dir.is_dir() and _SUBJECT_DIR.match(subject_dir.name)):
                continue
            for sequence_dir in subject_dir.iterdir():
                if not (sequence_dir.is_dir() and _SEQUENCE_DIR.match(sequence_dir.name)):
                    continue
                if root == images_root or any(sequence_dir.glob('*_emotion.txt')):
                    frames_by_key.setdefault((subject_dir.name, sequence_dir.name), [])
    for (subject, number), frames in frames_by_key.items():
        sequence_dir = images_root / subject / number
        if sequence_dir.is_dir():
            frames.extend(
                path for path in sequence_dir.iterdir()
                if _FRAME_NAME.match(path.name) and path.name.startswith(f'{subject}_{number}_'))
        frames.sort(key=lambda path: int(_FRAME_NAME.match(path.name)[3]))
    return [
        RawSequence(subject, number, tuple(frames))
        for (subject, number), frames in sorted(frames_by_key.items())
    ]


def read_emotion_code(ck_root: Path, sequence: RawSequence) -> Optional[int]:
    """Read a sequence's CK+ emotion code.

    Args:
        ck_root (Path): The CK+ root.
        sequence (RawSequence): The sequence.

    Returns:
        int | None: The code 1..7, or None when the sequence has no emotion file
        (unlabelled).

    Raises:
        BadSampleError: Several emotion files, or a file that does not hold one whole
            number in 1..7.
    """
    emotion_dir = ck_root / 'Emotion' / sequence.subject / sequence.number
    emotion_files = sorted(emotion_dir.glob('*_emotion.txt')) \
        if emotion_dir.is_dir() else []
    if not emotion_files:
        return None
    if len(emotion_files) > 1:
        raise BadSampleError(f'{emotion_dir}: {len(emotion_files)} emotion files; keep only '
                             'the one of the peak frame')
    emotion_file = emotion_files[0]
    text = emotion_file.read_text(errors='replace').strip()
    if not text:
        raise BadSampleError(
            f'{emotion_file}: empty emotion file; write the sequence\'s code 1..'
            f'{len(CKPLUS_CLASSES)} ({", ".join(CKPLUS_CLASSES)}) into it, or delete it to '
            'treat the sequence as unlabelled')
    try:
        code = float(text)
    except ValueError:
        code = float('nan')
    # NaN and infinity fail the range test before round() could raise.
    if not (1 <= code <= len(CKPLUS_CLASSES) and code == round(code)):
        raise BadSampleError(f'{emotion_file}: emotion code {text!r} is not one of 1..'
                             f'{len(CKPLUS_CLASSES)} ({", ".join(CKPLUS_CLASSES)}); fix the '
                             'file or delete it to treat the sequence as unlabelled')
    return int(code)


def read_frame_landmarks(ck_root: Path, frame_path: Path) -> np.ndarray:
    """The 68 landmarks of a frame from its CK+ landmark file (checked when aligning).

    Args:
        ck_root (Path): The CK+ root holding ``Landmarks/``.
        frame_path (Path): The raw frame ``.../S005/001/S005_001_00000001.png``.

    Returns:
        np.ndarray: ``(68, 2)`` float64 (possibly NaN, infinite or absurd: see
        :func:`convert_sequence`).

    Raises:
        BadSampleError: The landmark file is missing or does not hold 68 ``x y`` numbers.
    """
    subject, number = frame_path.parent.parent.name, frame_path.parent.name
    landmark_file = (ck_root / 'Landmarks' / subject / number / f'{frame_path.stem}_landmarks.txt')
    if not landmark_file.is_file():
        raise BadSampleError(f'{landmark_file}: missing landmark file for {frame_path.name}; '
                             'restore it from the CK+ Landmarks archive, or pass '
                             '--bbox-landmarks with the FMPN authors\' bbox_landmark_mtcnn.pkl')
    try:
        values = np.array(landmark_file.read_text().split(), dtype=np.float64)
    except ValueError:
        values = np.empty(0)
    if values.size != 68 * 2:
        raise BadSampleError(f'{landmark_file}: expected 68 lines of "x y" numbers; restore '
                             'the file from the CK+ Landmarks archive')
    return values.reshape(68, 2)


def convert_sequence(
        sequence: RawSequence, label_index: int,
        frame_landmarks: Callable[[Path], Tuple[np.ndarray, str]]) -> ConvertedSequence:
    """Align the neutral first frame and the expressive last frames of a sequence.

    Args:
        sequence (RawSequence): A labelled sequence.
        label_index (int): Its 0-based class index.
        frame_landmarks (Callable[[Path], tuple[np.ndarray, str]]): Frame path -> its
            ``(68, 2)`` or ``(5, 2)`` points and the file they come from; raises
            :class:`BadSampleError` when they are unavailable.

    Returns:
        ConvertedSequence: The aligned faces, in memory.

    Raises:
        BadSampleError: Too few frames, no neutral first frame, an unreadable frame, or
            missing or bad landmarks (NaN, infinite, coincident, swapped or outside the
            frame).
    """
    frames = sequence.frame_paths
    neutral_name = f'{sequence.key}_{1:08d}.png'
    if frames and frames[0].name != neutral_name:
        raise BadSampleError(
            f'{frames[0].parent / neutral_name}: missing neutral frame (the sequence starts '
            f'at {frames[0].name}); restore it from the CK+ archive, or rerun with '
            '--skip-bad to leave the sequence out')
    if len(frames) < NUM_EXPRESSIVE_FRAMES + 1:
        raise BadSampleError(f'{sequence.key}: {len(frames)} frames, need at least '
                             f'{NUM_EXPRESSIVE_FRAMES + 1} (a neutral first frame and '
                             f'{NUM_EXPRESSIVE_FRAMES} expressive last frames); restore the '
                             'sequence\'s images under cohn-kanade-images/')
    aligned = []
    for frame_path in (frames[0], *frames[-NUM_EXPRESSIVE_FRAMES:]):
        try:
            image = read_gray_image(frame_path)
        except ValueError as err:
            raise BadSampleError(str(err)) from err
        landmarks, landmark_file = frame_landmarks(frame_path)
        try:
            five_points = five_alignment_points(landmarks, image.shape)
        except ValueError as err:
            raise BadSampleError(
                f'{landmark_file}: bad landmarks for {frame_path.name}: {err}; restore the '
                'file from the CK+ Landmarks archive, or rerun with --skip-bad') from None
        aligned.append(align_face(image, five_points, ALIGNED_FACE_SIZE))
    return ConvertedSequence(
        sequence=sequence,
        label_index=label_index,
        neutral_name=frames[0].name,
        neutral_face=aligned[0],
        expressive_names=tuple(path.name for path in frames[-NUM_EXPRESSIVE_FRAMES:]),
        expressive_faces=tuple(aligned[1:]))


def read_split_files(split_dir: Path, num_folds: int) -> Dict[str, List[str]]:
    """Read given ``train_ids_K.csv`` / ``test_ids_K.csv`` files.

    Args:
        split_dir (Path): Folder holding the files (e.g. the authors' ``CKPlus/``).
        num_folds (int): K runs over ``0 .. num_folds - 1``.

    Returns:
        dict[str, list[str]]: File name (``train_ids_0.csv``) -> image names in file order.

    Raises:
        FileNotFoundError: A split file is missing.
        ValueError: A split file lists no image.
    """
    splits = {}
    for fold in range(num_folds):
        for part in ('train', 'test'):
            split_file = split_dir / f'{part}_ids_{fold}.csv'
            if not split_file.is_file():
                raise FileNotFoundError(f'{split_file}: missing; --split-dir needs train_ids_K.csv '
                                        f'and test_ids_K.csv for K = 0..{num_folds - 1} (set '
                                        '--num-folds to match)')
            splits[split_file.name] = read_image_list(split_file)
    return splits


def default_split_files(converted: Sequence[ConvertedSequence],
                        num_folds: int) -> Dict[str, List[str]]:
    """Subject-independent ``train_ids_K`` / ``test_ids_K`` lists.

    The folds are :func:`~mmfmpn.datasets.folds.subject_folds` of the subjects.

    Args:
        converted (Sequence[ConvertedSequence]): The converted sequences.
        num_folds (int): Number of folds.

    Returns:
        dict[str, list[str]]: File name -> sorted image names.
    """
    return subject_fold_split_files(
        {name: item.sequence.subject
         for item in converted
         for name in item.expressive_names}, num_folds)


def annotations_text(converted: Sequence[ConvertedSequence]) -> str:
    """The ``annotations.csv`` content, one row per expressive image, sorted by image.

    Args:
        converted (Sequence[ConvertedSequence]): The converted sequences.

    Returns:
        str: CSV text with header ``image,label,subject,sequence,neutral``.
    """
    annotations = [
        FERAnnotation(
            image=f'imgs/{frame_path.name}',
            label=CKPLUS_CLASSES[item.label_index],
            location=str(frame_path),
            subject=item.sequence.subject,
            sequence=item.sequence.key,
            neutral=f'neutral/{item.neutral_name}') for item in converted
        for frame_path in item.sequence.frame_paths[-NUM_EXPRESSIVE_FRAMES:]
    ]
    return annotations_csv_text(sorted(annotations, key=lambda annotation: annotation.image))


def check_given_splits(splits: Dict[str, List[str]], converted: Sequence[ConvertedSequence],
                       bad_sequences: Dict[str, str]) -> Dict[str, List[str]]:
    """Check that given split files list only images that were produced.

    Args:
        splits (dict[str, list[str]]): From :func:`read_split_files`.
        converted (Sequence[ConvertedSequence]): The converted sequences.
        bad_sequences (dict[str, str]): Skipped sequence key -> reason.

    Returns:
        dict[str, list[str]]: ``splits`` unchanged.

    Raises:
        ValueError: A listed image was not produced; the message says why when its sequence
            was skipped.
    """
    produced = {name for item in converted for name in item.expressive_names}
    missing = sorted({name for names in splits.values() for name in names if name not in produced})
    if missing:
        examples = []
        for name in missing[:5]:
            sequence_key = name.rsplit('_', 1)[0]
            reason = (f'skipped: {bad_sequences[sequence_key]}' if sequence_key in bad_sequences
                      else 'not among the last frames of a labelled sequence')
            examples.append(f'{name} ({reason})')
        raise ValueError(f'the split files list {len(missing)} image(s) that were not '
                         f'produced, e.g. {"; ".join(examples)}; restore those sequences '
                         'or drop --split-dir to compute the folds')
    return splits


def write_index_files(out: Path, splits: Dict[str, List[str]], emotion_labels: Dict[str, float],
                      converted: Sequence[ConvertedSequence], bad_sequences: Dict[str,
                                                                                  str]) -> None:
    """Write the split files, ``emotion_labels.pkl``, ``annotations.csv``, ``skipped.txt``.

    Args:
        out (Path): The folder being built.
        splits (dict[str, list[str]]): Split file name -> image names.
        emotion_labels (dict[str, float]): Sequence key -> code, -1.0 when unlabelled.
        converted (Sequence[ConvertedSequence]): The converted sequences.
        bad_sequences (dict[str, str]): Skipped sequence key -> reason (no file when empty).
    """
    for file_name, names in splits.items():
        write_text_atomic(out / file_name, ''.join(f'{name}\n' for name in names))
    # Protocol 2 and builtins only, like the authors' file.
    write_bytes_atomic(out / 'emotion_labels.pkl',
                       pickle.dumps(dict(sorted(emotion_labels.items())), protocol=2))
    write_text_atomic(out / 'annotations.csv', annotations_text(converted))
    if bad_sequences:
        write_text_atomic(
            out / 'skipped.txt',
            ''.join(f'{key}\t{reason}\n' for key, reason in sorted(bad_sequences.items())))


@dataclass
class CKPlusConversion:
    """What :func:`prepare_ckplus` read and wrote, for its summary.

    Args:
        ck_root (Path): The CK+ root read.
        out (Path): The output folder.
        sequences (list[RawSequence]): Every sequence found.
        converted (list[ConvertedSequence]): The converted labelled sequences.
        emotion_labels (dict[str, float]): Sequence key -> code, -1.0 when unlabelled.
        splits (dict[str, list[str]]): Split file name -> image names.
        bad (dict[str, str]): Skipped sequence key -> reason.
        split_dir (Path, optional): Where the given folds were copied from.
        i2cnn_files (list[Path]): The I2CNN annotation files written. Defaults to none.
    """
    ck_root: Path
    out: Path
    sequences: List[RawSequence]
    converted: List[ConvertedSequence]
    emotion_labels: Dict[str, float]
    splits: Dict[str, List[str]]
    bad: Dict[str, str] = field(default_factory=dict)
    split_dir: Optional[Path] = None
    i2cnn_files: List[Path] = field(default_factory=list)

    def summary(self) -> List[str]:
        """What was read, written and skipped.

        Returns:
            list[str]: Lines to print.
        """
        num_labelled = sum(value != UNLABELLED for value in self.emotion_labels.values())
        produced = {name for item in self.converted for name in item.expressive_names}
        class_counts = np.bincount([item.label_index for item in self.converted],
                                   minlength=len(CKPLUS_CLASSES))
        num_folds = sum(name.startswith('test_ids_') for name in self.splits)
        test_sizes = [len(self.splits[f'test_ids_{fold}.csv']) for fold in range(num_folds)]
        origin = f'copied from {self.split_dir}' if self.split_dir else (
            'computed over '
            f'{len({item.sequence.subject for item in self.converted})} subjects')
        lines = [
            f'Read {len(self.sequences)} sequences of '
            f'{len({s.subject for s in self.sequences})} subjects from '
            f'{self.ck_root}: {num_labelled} labelled, '
            f'{len(self.emotion_labels) - num_labelled} unlabelled (label -1, not '
            'aligned).',
            f'Wrote {self.out}: {len(produced)} aligned expressive faces '
            f'(imgs/), {len(self.converted)} neutral faces (neutral/), '
            f'emotion_labels.pkl ({len(self.emotion_labels)} sequences), '
            'annotations.csv.',
            'Sequences per class: ' +
            ', '.join(f'{name} {count}' for name, count in zip(CKPLUS_CLASSES, class_counts)),
            f'{num_folds} folds ({origin}); test images per fold: '
            f'{", ".join(map(str, test_sizes))}.',
        ]
        unlisted = produced - {name for names in self.splits.values() for name in names}
        if unlisted:
            lines.append(f'{len(unlisted)} produced face(s) are in no split file and '
                         'will not be used.')
        if self.i2cnn_files:
            lines.append('I2CNN sets: ' + ', '.join(str(path) for path in self.i2cnn_files) +
                         ' (no contempt; first frames as neutral in the 7-class set).')
        lines.append(f'Skipped {len(self.bad)} sequence(s); reasons in '
                     f'{self.out / "skipped.txt"}.' if self.bad else 'Skipped no sequence.')
        return lines + skipped_lines(self.bad)


def read_emotion_labels(
    ck_root: Path, sequences: Sequence[RawSequence]
) -> Tuple[Dict[str, float], List[Tuple[RawSequence, int]], Dict[str, str]]:
    """Read every sequence's emotion file.

    Args:
        ck_root (Path): The CK+ root.
        sequences (Sequence[RawSequence]): From :func:`find_sequences`.

    Returns:
        tuple: ``emotion_labels`` (sequence key -> code, -1.0 when unlabelled), the
        labelled sequences with their 0-based class index, and bad sequence key -> reason.
    """
    emotion_labels, labelled, bad = {}, [], {}
    for sequence in sequences:
        try:
            code = read_emotion_code(ck_root, sequence)
        except BadSampleError as err:
            bad[sequence.key] = str(err)
            continue
        emotion_labels[sequence.key] = UNLABELLED if code is None else float(code)
        if code is not None:
            labelled.append((sequence, code - 1))
    return emotion_labels, labelled, bad


def prepare_ckplus(ck_root: Path,
                   out: Path,
                   bbox_landmarks: Optional[Path] = None,
                   split_dir: Optional[Path] = None,
                   num_folds: int = 10,
                   options: ConversionOptions = ConversionOptions(),
                   i2cnn: bool = False,
                   i2cnn_crop_size: int = I2CNN_CROP_SIZE) -> CKPlusConversion:
    """Convert a raw CK+ tree into the FMPN authors' layout in ``out`` (built aside, then
    swapped in).

    Args:
        ck_root (Path): The CK+ root with ``cohn-kanade-images/``, ``Emotion/``,
            ``Landmarks/``.
        out (Path): The output folder.
        bbox_landmarks (Path, optional): The FMPN authors' ``bbox_landmark_mtcnn.pkl``;
            align with its five points instead of the CK+ 68 landmarks.
        split_dir (Path, optional): Copy ``train_ids_K.csv`` / ``test_ids_K.csv`` from
            this folder (read before ``out`` is replaced, so it may be ``out``) instead of
            computing the folds.
        num_folds (int): Number of subject-independent folds. Defaults to 10.
        options (ConversionOptions): ``skip_bad``, ``overwrite``, ``show_progress``
            (:class:`~.common.ConversionOptions`). Defaults to ConversionOptions().
        i2cnn (bool): Also write I2CNN's 6- and 7-class sets to ``out/i2cnn/``
            (:mod:`.ckplus_i2cnn`). Defaults to False.
        i2cnn_crop_size (int): Side of their aligned faces. Defaults to 144.

    Returns:
        CKPlusConversion: What was read and written, with its summary.

    Raises:
        FileNotFoundError: ``cohn-kanade-images/`` or a given split file is missing.
        FileExistsError: ``out`` is not empty and ``options.overwrite`` is False.
        ConversionError: Bad sequences without ``options.skip_bad``, nothing converted, or split
            files that do not match; ``out`` is unchanged.
        ValueError: A malformed ``bbox_landmark_mtcnn.pkl`` or split file.
    """
    sequences = find_sequences(ck_root)
    given_splits = read_split_files(split_dir, num_folds) if split_dir else None
    mtcnn_points = (load_mtcnn_five_points(str(bbox_landmarks)) if bbox_landmarks else None)

    def frame_landmarks(frame_path: Path) -> Tuple[np.ndarray, str]:
        if mtcnn_points is None:
            return read_frame_landmarks(ck_root, frame_path), str(
                ck_root / 'Landmarks' / frame_path.parent.parent.name / frame_path.parent.name /
                f'{frame_path.stem}_landmarks.txt')
        key = ckplus_frame_key(frame_path)
        if key not in mtcnn_points:
            raise BadSampleError(
                f'{frame_path}: no entry ending in {key} in {bbox_landmarks}; drop '
                '--bbox-landmarks to use the CK+ Landmarks files')
        return mtcnn_points[key], f'{bbox_landmarks} (entry {key})'

    emotion_labels, labelled, bad = read_emotion_labels(ck_root, sequences)
    with staged_output_folder(out, options.overwrite, [ck_root]) as building:
        converted, i2cnn_rows = [], []
        for sequence, label_index in track_progress(
                labelled, f'Aligning {len(labelled)} labelled sequences',
                enabled=options.show_progress):
            try:
                item = convert_sequence(sequence, label_index, frame_landmarks)
                if i2cnn and CKPLUS_CLASSES[label_index] != 'contempt':
                    i2cnn_rows += convert_i2cnn_sequence(sequence.subject,
                                                         CKPLUS_CLASSES[label_index],
                                                         sequence.frame_paths, frame_landmarks,
                                                         building, i2cnn_crop_size)
            except BadSampleError as err:
                bad[sequence.key] = str(err)
                continue
            write_png_atomic(building / 'neutral' / item.neutral_name, item.neutral_face)
            for name, face in zip(item.expressive_names, item.expressive_faces):
                write_png_atomic(building / 'imgs' / name, face)
            converted.append(item)
        check_bad_samples(bad, options.skip_bad, 'sequence')
        if not converted:
            raise ConversionError(
                f'no labelled sequence was converted from {ck_root}; check that it holds '
                'cohn-kanade-images/, Emotion/ and Landmarks/', bad)
        try:
            splits = (
                check_given_splits(given_splits, converted, bad)
                if given_splits is not None else default_split_files(converted, num_folds))
        except ValueError as err:
            raise ConversionError(str(err), bad) from None
        write_index_files(building, splits, emotion_labels, converted, bad)
        i2cnn_files = (write_i2cnn_annotation_files(building, i2cnn_rows) if i2cnn else [])
    return CKPlusConversion(ck_root, out, sequences, converted, emotion_labels, splits, bad,
                            split_dir, [out / path.relative_to(building) for path in i2cnn_files])
