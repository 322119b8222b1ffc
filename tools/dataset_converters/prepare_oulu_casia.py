"""Convert Oulu-CASIA NIR&VIS (VIS camera, strong light by default) into the project layout.

Input (the distribution's ``OriginalImg`` folder)::

    OULU_ROOT/VL/Strong/P001/Anger/000.jpeg ... 0NN.jpeg     neutral (first) ... peak (last)
    OULU_ROOT/VL/Strong/P001/{Anger,Disgust,Fear,Happiness,Sadness,Surprise}/
    OULU_ROOT/NI/..., OULU_ROOT/VL/{Weak,Dark}/...           other cameras and lights

Output (see :mod:`mmfmpn.datasets.converters.common`)::

    OUT/imgs/P001_Anger_017.png       the last 3 frames of each sequence, aligned to 70x70
    OUT/neutral/P001_Anger_000.png    its first (neutral) frame, aligned
    OUT/annotations.csv               image,label,subject,sequence,neutral,landmarks
    OUT/train_ids_K.csv, test_ids_K.csv   10 subject-independent folds

The faces come without landmarks. Pass them with ``--landmarks FILE`` (keys such as
``VL/Strong/P001/Anger/000.jpeg``); without it the MTCNN face detector finds five points
(OpenCV 5 has no Haar cascades).
"""
import argparse
import re
import sys
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Tuple

# Run from a checkout without installing the package.
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from mmfmpn.datasets.annotation_file import FERAnnotation  # noqa: E402
from mmfmpn.datasets.categories import BASIC6_CLASSES  # noqa: E402
from mmfmpn.datasets.converters.common import (  # noqa: E402
    IMAGE_SUFFIXES, LANDMARKS_FILE_FORMAT, BadSampleError, add_common_arguments,
    align_sample, convert_all, finish_conversion, landmark_source,
    prepare_output_folder, read_image, summary_lines, write_face)
from mmfmpn.datasets.folds import subject_fold_split_files  # noqa: E402

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
    for subject_dir in sorted(path for path in light_dir.iterdir()
                              if path.is_dir()):
        for sequence_dir in sorted(path for path in subject_dir.iterdir()
                                   if path.is_dir()):
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
                     landmarks_of, crop_size: int) -> List[FERAnnotation]:
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
        BadSampleError: An unexpected folder name, too few frames, an unreadable frame or
            missing landmarks.
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
    if len(frames) < NUM_EXPRESSIVE_FRAMES + 1:
        raise BadSampleError(
            f'{sequence.folder}: {len(frames)} frames, need at least '
            f'{NUM_EXPRESSIVE_FRAMES + 1} (a neutral first frame and '
            f'{NUM_EXPRESSIVE_FRAMES} expressive last frames)')
    aligned = []
    for frame_path in (frames[0], *frames[-NUM_EXPRESSIVE_FRAMES:]):
        image = read_image(frame_path)
        key = frame_path.relative_to(oulu_root).as_posix()
        aligned.append(
            (frame_path,
             *align_sample(image, landmarks_of(key, image, str(frame_path)),
                           crop_size)))
    neutral_path, neutral_face, _ = aligned[0]
    neutral = write_face(out, 'neutral',
                         f'{sequence.key}_{neutral_path.stem}.png', neutral_face)
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


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Align Oulu-CASIA faces to 70x70 and write the project layout '
        '(imgs/, neutral/, annotations.csv, train_ids_K.csv, test_ids_K.csv): the '
        'last 3 frames of each sequence are samples, its first frame the neutral face.')
    parser.add_argument(
        'oulu_root',
        type=Path,
        help='the distribution\'s OriginalImg folder, holding VL/Strong/P001/Anger/')
    parser.add_argument('out', type=Path, help='output folder')
    parser.add_argument('--camera', choices=('VL', 'NI'), default='VL',
                        help='VL (visible light) or NI (near infrared) '
                        '(default: %(default)s)')
    parser.add_argument('--illumination', choices=('Strong', 'Weak', 'Dark'),
                        default='Strong',
                        help='lighting condition (default: %(default)s)')
    parser.add_argument(
        '--landmarks',
        type=Path,
        help=f'landmarks file: {LANDMARKS_FILE_FORMAT}, e.g. '
        '"VL/Strong/P001/Anger/000.jpeg,x1,y1,...". Needed for the first and the '
        'last 3 frames of each sequence. Default: detect five points with MTCNN')
    parser.add_argument('--num-folds', type=int, default=10,
                        help='subject-independent folds (default: %(default)s)')
    add_common_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    args = parse_args(argv)
    light_dir = args.oulu_root / args.camera / args.illumination
    if not light_dir.is_dir():
        print(f'error: {light_dir} is not a folder; OULU_ROOT must be the '
              f'OriginalImg folder holding {args.camera}/{args.illumination}/P001/...',
              file=sys.stderr)
        return 2
    try:
        landmarks_of = landmark_source(args.landmarks)
    except (OSError, ValueError, RuntimeError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    error = prepare_output_folder(args.out, args.overwrite)
    if error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    sequences, ignored = find_sequences(light_dir)
    annotations, bad = convert_all(
        sequences,
        lambda sequence: convert_sequence(sequence, args.oulu_root, args.out,
                                          landmarks_of, args.crop_size),
        key_of=lambda sequence: str(sequence.folder.relative_to(args.oulu_root)),
        description=f'Aligning {len(sequences)} sequences')
    try:
        split_files = subject_fold_split_files(
            {Path(item.image).name: item.subject for item in annotations},
            args.num_folds) if annotations else {}
    except ValueError as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    status = finish_conversion(args.out, annotations, split_files, bad,
                               args.skip_bad)
    if status:
        return status
    subjects = {item.subject for item in annotations}
    print(f'Read {len(sequences)} sequence folders from {light_dir}; converted '
          f'{len({item.sequence for item in annotations})} sequences of '
          f'{len(subjects)} subjects.')
    if ignored:
        print(f'Ignored {len(ignored)} non-image file(s), e.g. {ignored[0]}.')
    for line in summary_lines(args.out, annotations, BASIC6_CLASSES, split_files,
                              bad):
        print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main())
