"""Convert a raw CK+ tree into the FMPN authors' layout of aligned 70x70 faces and folds.

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

The default folds follow the FMPN authors' released CK+ split: subjects sorted ascending, cut
into contiguous blocks, the first block is the last fold (see :func:`subject_folds`).
"""
import argparse
import pickle
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

# Run from a checkout without installing the package.
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402

from mmfmpn.datasets.annotation_file import (FERAnnotation,  # noqa: E402
                                             annotations_csv_text)
from mmfmpn.datasets.categories import CKPLUS_CLASSES  # noqa: E402
# subject_folds is the fold rule this converter applies; kept importable from here.
from mmfmpn.datasets.folds import (read_image_list,  # noqa: E402,F401
                                   subject_fold_split_files, subject_folds)
from mmfmpn.masks.alignment import (align_face, ckplus_frame_key,  # noqa: E402
                                    five_points_from_68,
                                    load_mtcnn_five_points)
from mmfmpn.masks.image_io import (read_gray_image,  # noqa: E402
                                   write_bytes_atomic, write_png_atomic,
                                   write_text_atomic)

#: Expressive samples per labelled sequence: its last frames, as in the FMPN paper.
NUM_EXPRESSIVE_FRAMES = 3
#: Side of the aligned square faces.
CROP_SIZE = 70
#: Value of an unlabelled sequence in ``emotion_labels.pkl`` (the authors' convention).
UNLABELLED = -1.0

_SUBJECT_DIR = re.compile(r'^S\d+$')
_SEQUENCE_DIR = re.compile(r'^\d+$')
_FRAME_NAME = re.compile(r'^(S\d+)_(\d+)_(\d+)\.png$')


class BadSequenceError(ValueError):
    """A labelled sequence cannot be converted; the message names the file and the fix."""


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
        neutral_face (np.ndarray): ``(70, 70)`` uint8.
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
        raise FileNotFoundError(
            f'{images_root}: not a folder; CK_ROOT must be the CK+ root that '
            'holds cohn-kanade-images/, Emotion/ and Landmarks/')
    frames_by_key: Dict[Tuple[str, str], List[Path]] = {}
    for root in (images_root, ck_root / 'Emotion'):
        if not root.is_dir():
            continue
        for subject_dir in root.iterdir():
            if not (subject_dir.is_dir()
                    and _SUBJECT_DIR.match(subject_dir.name)):
                continue
            for sequence_dir in subject_dir.iterdir():
                if not (sequence_dir.is_dir()
                        and _SEQUENCE_DIR.match(sequence_dir.name)):
                    continue
                if root == images_root or any(
                        sequence_dir.glob('*_emotion.txt')):
                    frames_by_key.setdefault(
                        (subject_dir.name, sequence_dir.name), [])
    for (subject, number), frames in frames_by_key.items():
        sequence_dir = images_root / subject / number
        if sequence_dir.is_dir():
            frames.extend(
                path for path in sequence_dir.iterdir()
                if _FRAME_NAME.match(path.name)
                and path.name.startswith(f'{subject}_{number}_'))
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
        BadSequenceError: Several emotion files, or a file that does not hold one whole
            number in 1..7.
    """
    emotion_dir = ck_root / 'Emotion' / sequence.subject / sequence.number
    emotion_files = sorted(emotion_dir.glob('*_emotion.txt')) \
        if emotion_dir.is_dir() else []
    if not emotion_files:
        return None
    if len(emotion_files) > 1:
        raise BadSequenceError(
            f'{emotion_dir}: {len(emotion_files)} emotion files; keep only '
            'the one of the peak frame')
    emotion_file = emotion_files[0]
    text = emotion_file.read_text(errors='replace').strip()
    try:
        code = float(text)
    except ValueError:
        code = float('nan')
    if not (code == round(code) and 1 <= code <= len(CKPLUS_CLASSES)):
        raise BadSequenceError(
            f'{emotion_file}: emotion code {text!r} is not one of 1..'
            f'{len(CKPLUS_CLASSES)} ({", ".join(CKPLUS_CLASSES)}); fix the '
            'file or delete it to treat the sequence as unlabelled')
    return int(code)


def read_landmark_five_points(ck_root: Path, frame_path: Path) -> np.ndarray:
    """Five alignment points of a frame from its CK+ 68-landmark file.

    Args:
        ck_root (Path): The CK+ root holding ``Landmarks/``.
        frame_path (Path): The raw frame ``.../S005/001/S005_001_00000001.png``.

    Returns:
        np.ndarray: ``(5, 2)`` float64.

    Raises:
        BadSequenceError: The landmark file is missing or does not hold 68 ``x y`` lines.
    """
    subject, number = frame_path.parent.parent.name, frame_path.parent.name
    landmark_file = (ck_root / 'Landmarks' / subject / number /
                     f'{frame_path.stem}_landmarks.txt')
    if not landmark_file.is_file():
        raise BadSequenceError(
            f'{landmark_file}: missing landmark file for {frame_path.name}; '
            'restore it from the CK+ Landmarks archive, or pass '
            '--bbox-landmarks with the FMPN authors\' bbox_landmark_mtcnn.pkl')
    try:
        values = np.array(landmark_file.read_text().split(), dtype=np.float64)
    except ValueError:
        values = np.empty(0)
    if values.size != 68 * 2:
        raise BadSequenceError(
            f'{landmark_file}: expected 68 lines of "x y" numbers; restore '
            'the file from the CK+ Landmarks archive')
    return five_points_from_68(values.reshape(68, 2))


def convert_sequence(sequence: RawSequence, label_index: int,
                     frame_five_points) -> ConvertedSequence:
    """Align the neutral first frame and the expressive last frames of a sequence.

    Args:
        sequence (RawSequence): A labelled sequence.
        label_index (int): Its 0-based class index.
        frame_five_points (Callable[[Path], np.ndarray]): Frame path -> ``(5, 2)`` points;
            raises :class:`BadSequenceError` when they are unavailable.

    Returns:
        ConvertedSequence: The aligned faces, in memory.

    Raises:
        BadSequenceError: Too few frames, an unreadable frame or missing landmarks.
    """
    frames = sequence.frame_paths
    if len(frames) < NUM_EXPRESSIVE_FRAMES + 1:
        raise BadSequenceError(
            f'{sequence.key}: {len(frames)} frames, need at least '
            f'{NUM_EXPRESSIVE_FRAMES + 1} (a neutral first frame and '
            f'{NUM_EXPRESSIVE_FRAMES} expressive last frames); restore the '
            'sequence\'s images under cohn-kanade-images/')
    aligned = []
    for frame_path in (frames[0], *frames[-NUM_EXPRESSIVE_FRAMES:]):
        try:
            image = read_gray_image(frame_path)
        except ValueError as err:
            raise BadSequenceError(str(err)) from err
        aligned.append(
            align_face(image, frame_five_points(frame_path), CROP_SIZE))
    return ConvertedSequence(
        sequence=sequence,
        label_index=label_index,
        neutral_name=frames[0].name,
        neutral_face=aligned[0],
        expressive_names=tuple(path.name
                               for path in frames[-NUM_EXPRESSIVE_FRAMES:]),
        expressive_faces=tuple(aligned[1:]))


def read_split_files(split_dir: Path,
                     num_folds: int) -> Dict[str, List[str]]:
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
                raise FileNotFoundError(
                    f'{split_file}: missing; --split-dir needs train_ids_K.csv '
                    f'and test_ids_K.csv for K = 0..{num_folds - 1} (set '
                    '--num-folds to match)')
            splits[split_file.name] = read_image_list(split_file)
    return splits


def default_split_files(converted: Sequence[ConvertedSequence],
                        num_folds: int) -> Dict[str, List[str]]:
    """Subject-independent ``train_ids_K`` / ``test_ids_K`` lists (see :func:`subject_folds`).

    Args:
        converted (Sequence[ConvertedSequence]): The converted sequences.
        num_folds (int): Number of folds.

    Returns:
        dict[str, list[str]]: File name -> sorted image names.
    """
    return subject_fold_split_files(
        {name: item.sequence.subject
         for item in converted for name in item.expressive_names}, num_folds)


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
            neutral=f'neutral/{item.neutral_name}')
        for item in converted
        for frame_path in item.sequence.frame_paths[-NUM_EXPRESSIVE_FRAMES:]
    ]
    return annotations_csv_text(
        sorted(annotations, key=lambda annotation: annotation.image))


def check_given_splits(splits: Dict[str, List[str]],
                       converted: Sequence[ConvertedSequence],
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
    missing = sorted({name for names in splits.values() for name in names
                      if name not in produced})
    if missing:
        examples = []
        for name in missing[:5]:
            sequence_key = name.rsplit('_', 1)[0]
            reason = (f'skipped: {bad_sequences[sequence_key]}'
                      if sequence_key in bad_sequences else
                      'not among the last frames of a labelled sequence')
            examples.append(f'{name} ({reason})')
        raise ValueError(
            f'the split files list {len(missing)} image(s) that were not '
            f'produced, e.g. {"; ".join(examples)}; restore those sequences '
            'or drop --split-dir to compute the folds')
    return splits


def write_index_files(out: Path, splits: Dict[str, List[str]],
                      emotion_labels: Dict[str, float],
                      converted: Sequence[ConvertedSequence],
                      bad_sequences: Dict[str, str]) -> None:
    """Write the split files, ``emotion_labels.pkl``, ``annotations.csv``, ``skipped.txt``.

    Args:
        out (Path): The output folder.
        splits (dict[str, list[str]]): Split file name -> image names.
        emotion_labels (dict[str, float]): Sequence key -> code, -1.0 when unlabelled.
        converted (Sequence[ConvertedSequence]): The converted sequences.
        bad_sequences (dict[str, str]): Skipped sequence key -> reason (no file when empty).
    """
    for file_name, names in splits.items():
        write_text_atomic(out / file_name,
                          ''.join(f'{name}\n' for name in names))
    # Protocol 2 and builtins only, like the authors' file.
    write_bytes_atomic(
        out / 'emotion_labels.pkl',
        pickle.dumps(dict(sorted(emotion_labels.items())), protocol=2))
    write_text_atomic(out / 'annotations.csv', annotations_text(converted))
    if bad_sequences:
        write_text_atomic(
            out / 'skipped.txt',
            ''.join(f'{key}\t{reason}\n'
                    for key, reason in sorted(bad_sequences.items())))


def print_summary(args: argparse.Namespace, sequences: Sequence[RawSequence],
                  converted: Sequence[ConvertedSequence],
                  emotion_labels: Dict[str, float],
                  splits: Dict[str, List[str]],
                  bad_sequences: Dict[str, str]) -> None:
    """Print what was read, written and skipped."""
    num_labelled = sum(value != UNLABELLED
                       for value in emotion_labels.values())
    produced = {name for item in converted for name in item.expressive_names}
    class_counts = np.bincount([item.label_index for item in converted],
                               minlength=len(CKPLUS_CLASSES))
    test_sizes = [len(splits[f'test_ids_{fold}.csv'])
                  for fold in range(args.num_folds)]
    print(f'Read {len(sequences)} sequences of '
          f'{len({s.subject for s in sequences})} subjects from '
          f'{args.ck_root}: {num_labelled} labelled, '
          f'{len(emotion_labels) - num_labelled} unlabelled (label -1, not '
          'aligned).')
    print(f'Wrote {args.out}: {len(produced)} aligned expressive faces '
          f'(imgs/), {len(converted)} neutral faces (neutral/), '
          f'emotion_labels.pkl ({len(emotion_labels)} sequences), '
          f'annotations.csv.')
    print('Sequences per class: ' + ', '.join(
        f'{name} {count}' for name, count in zip(CKPLUS_CLASSES, class_counts)))
    origin = f'copied from {args.split_dir}' if args.split_dir else (
        'computed over '
        f'{len({item.sequence.subject for item in converted})} subjects')
    print(f'{args.num_folds} folds ({origin}); test images per fold: '
          f'{", ".join(map(str, test_sizes))}.')
    unlisted = produced - {name for names in splits.values() for name in names}
    if unlisted:
        print(f'{len(unlisted)} produced face(s) are in no split file and '
              'will not be used.')
    if bad_sequences:
        print(f'Skipped {len(bad_sequences)} sequence(s); reasons in '
              f'{args.out / "skipped.txt"}.')
    else:
        print('Skipped no sequence.')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Align raw CK+ faces to 70x70 and write the FMPN authors\' '
        'layout (imgs/, neutral/, emotion_labels.pkl, train_ids_K.csv, '
        'test_ids_K.csv) plus annotations.csv.')
    parser.add_argument(
        'ck_root',
        type=Path,
        help='CK+ root with cohn-kanade-images/, Emotion/, Landmarks/')
    parser.add_argument('out', type=Path, help='output folder')
    parser.add_argument(
        '--bbox-landmarks',
        type=Path,
        help='align with the five MTCNN points of the FMPN authors\' '
        'bbox_landmark_mtcnn.pkl instead of the CK+ 68 landmarks')
    parser.add_argument(
        '--split-dir',
        type=Path,
        help='copy train_ids_K.csv/test_ids_K.csv from this folder (e.g. the '
        'authors\' released split) instead of computing the folds')
    parser.add_argument(
        '--num-folds',
        type=int,
        default=10,
        help='number of subject-independent folds (default: 10)')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='skip labelled sequences that cannot be converted and list them '
        'in OUT/skipped.txt (default: stop with an error)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='write into a non-empty OUT, replacing files of the same name')
    return parser.parse_args(argv)


def _remove_stale_outputs(out: Path) -> None:
    # Old fold files or skip reports from a previous run would contradict this one.
    for stale in (*out.glob('train_ids_*.csv'), *out.glob('test_ids_*.csv'),
                  out / 'skipped.txt'):
        if stale.is_file():
            stale.unlink()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    args = parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()) and not args.overwrite:
        print(f'error: {args.out} is not empty; choose an empty folder or '
              'pass --overwrite', file=sys.stderr)
        return 2
    try:
        sequences = find_sequences(args.ck_root)
        given_splits = (read_split_files(args.split_dir, args.num_folds)
                        if args.split_dir else None)
        mtcnn_points = (load_mtcnn_five_points(str(args.bbox_landmarks))
                        if args.bbox_landmarks else None)
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2

    def frame_five_points(frame_path: Path) -> np.ndarray:
        if mtcnn_points is None:
            return read_landmark_five_points(args.ck_root, frame_path)
        key = ckplus_frame_key(frame_path)
        if key not in mtcnn_points:
            raise BadSequenceError(
                f'{frame_path}: no entry ending in {key} in '
                f'{args.bbox_landmarks}; drop --bbox-landmarks to use the CK+ '
                'Landmarks files')
        return mtcnn_points[key]

    args.out.mkdir(parents=True, exist_ok=True)
    if args.overwrite:
        _remove_stale_outputs(args.out)
    emotion_labels: Dict[str, float] = {}
    converted: List[ConvertedSequence] = []
    bad_sequences: Dict[str, str] = {}
    labelled = []
    for sequence in sequences:
        try:
            code = read_emotion_code(args.ck_root, sequence)
        except BadSequenceError as err:
            bad_sequences[sequence.key] = str(err)
            continue
        emotion_labels[sequence.key] = UNLABELLED if code is None else float(
            code)
        if code is not None:
            labelled.append((sequence, code - 1))

    for sequence, label_index in track(
            labelled,
            description=f'Aligning {len(labelled)} labelled sequences',
            console=Console(stderr=True)):
        try:
            item = convert_sequence(sequence, label_index, frame_five_points)
        except BadSequenceError as err:
            bad_sequences[sequence.key] = str(err)
        else:
            write_png_atomic(args.out / 'neutral' / item.neutral_name,
                             item.neutral_face)
            for name, face in zip(item.expressive_names,
                                  item.expressive_faces):
                write_png_atomic(args.out / 'imgs' / name, face)
            converted.append(item)

    if bad_sequences and not args.skip_bad:
        print(
            f'error: {len(bad_sequences)} sequence(s) cannot be converted:',
            file=sys.stderr)
        for key, reason in sorted(bad_sequences.items()):
            print(f'  {key}: {reason}', file=sys.stderr)
        print(
            'Fix them, or rerun with --skip-bad to leave them out (add '
            '--overwrite: OUT now holds partial outputs).',
            file=sys.stderr)
        return 1

    try:
        splits = (check_given_splits(given_splits, converted, bad_sequences)
                  if given_splits is not None else default_split_files(
                      converted, args.num_folds))
    except ValueError as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    write_index_files(args.out, splits, emotion_labels, converted,
                      bad_sequences)
    print_summary(args, sequences, converted, emotion_labels, splits,
                  bad_sequences)
    return 0


if __name__ == '__main__':
    sys.exit(main())
