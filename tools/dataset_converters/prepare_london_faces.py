"""Convert the London Set subset (neutral and smiling photos) into the project layout.

A real check of the mask pipeline: 12 people photographed neutral and smiling give a
"happy minus neutral" motion mask (paper Eq. 1) that nobody drew.

Input (``../shared/reference/london-faces``, CC BY 4.0, DeBruine & Jones 2017)::

    LONDON_ROOT/annotations.json      [{"subject": "001", "neutral": "neutral/001.jpg",
                                        "smiling": "smiling/001.jpg", ...}, ...]
    LONDON_ROOT/neutral/001.jpg, LONDON_ROOT/smiling/001.jpg

Output (see :mod:`mmfmpn.datasets.converters.common`)::

    OUT/imgs/001_smiling.png, OUT/neutral/001_neutral.png   aligned 70x70 gray
    OUT/annotations.csv    label happy, subject = sequence = the person, 5 aligned points

Both photos are aligned with the five points of the MTCNN detector. The lab's landmarks exist
for the neutral photos only, and the head moved between the photos (the eyes shift by 10-26 px
in the 450 px images), so the neutral landmarks cannot align the smiling photo; and the lab's
fifth point is the bottom of the nose, not MTCNN's nose tip, so mixing the two would shift one
photo against the other. Detecting both keeps one definition of the points.
"""
import argparse
import json
import sys
from pathlib import Path
from typing import List, Optional, Sequence

# Run from a checkout without installing the package.
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from mmfmpn.datasets.annotation_file import FERAnnotation  # noqa: E402
from mmfmpn.datasets.converters.common import (  # noqa: E402
    DetectedLandmarks, add_common_arguments, align_sample,
    convert_all, finish_conversion, prepare_output_folder, read_image,
    summary_lines, write_face)

#: The class of the smiling photos.
SMILE_CLASS = 'happy'


def read_people(london_root: Path) -> List[dict]:
    """Read ``annotations.json``.

    Args:
        london_root (Path): The folder holding it.

    Returns:
        list[dict]: One entry per person with ``subject``, ``neutral`` and ``smiling``.

    Raises:
        FileNotFoundError: The file is missing.
        ValueError: It is not a list of such entries.
    """
    path = london_root / 'annotations.json'
    if not path.is_file():
        raise FileNotFoundError(f'{path}: missing; LONDON_ROOT must be the '
                                'london-faces folder')
    people = json.loads(path.read_text(encoding='utf-8'))
    if not isinstance(people, list) or not all(
            isinstance(person, dict) and {'subject', 'neutral', 'smiling'} <= set(
                person) for person in people):
        raise ValueError(f'{path}: expected a list of objects with subject, neutral '
                         'and smiling')
    return people


def convert_person(person: dict, london_root: Path, out: Path, landmarks_of,
                   crop_size: int) -> List[FERAnnotation]:
    """Align a person's neutral and smiling photos and write them.

    Args:
        person (dict): Entry of ``annotations.json``.
        london_root (Path): Where the photo paths start.
        out (Path): The output folder.
        landmarks_of (Callable): ``(key, image, source) -> (5, 2)`` points.
        crop_size (int): Side of the aligned faces.

    Returns:
        list[FERAnnotation]: The smiling photo's row.

    Raises:
        BadSampleError: An unreadable photo or no face found.
    """
    subject = str(person['subject'])
    aligned = {}
    for kind in ('neutral', 'smiling'):
        path = london_root / person[kind]
        image = read_image(path)
        aligned[kind] = align_sample(image, landmarks_of(person[kind], image,
                                                         str(path)), crop_size)
    neutral = write_face(out, 'neutral', f'{subject}_neutral.png',
                         aligned['neutral'][0])
    face, landmarks = aligned['smiling']
    return [
        FERAnnotation(
            image=write_face(out, 'imgs', f'{subject}_smiling.png', face),
            label=SMILE_CLASS,
            location=str(london_root / person['smiling']),
            subject=subject,
            sequence=subject,
            neutral=neutral,
            landmarks=landmarks)
    ]


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Align the London Set neutral and smiling photos to 70x70 (MTCNN '
        'five points) and write imgs/, neutral/ and annotations.csv (label happy).')
    parser.add_argument('london_root', type=Path,
                        help='the london-faces folder holding annotations.json')
    parser.add_argument('out', type=Path, help='output folder')
    add_common_arguments(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the converter; returns the process exit status."""
    args = parse_args(argv)
    try:
        people = read_people(args.london_root)
        landmarks_of = DetectedLandmarks()
    except (OSError, ValueError, RuntimeError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    error = prepare_output_folder(args.out, args.overwrite)
    if error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    annotations, bad = convert_all(
        people,
        lambda person: convert_person(person, args.london_root, args.out,
                                      landmarks_of, args.crop_size),
        key_of=lambda person: str(person['subject']),
        description=f'Aligning {len(people)} neutral/smiling pairs')
    status = finish_conversion(args.out, annotations, {}, bad, args.skip_bad)
    if status:
        return status
    for line in summary_lines(args.out, annotations, (SMILE_CLASS, ), {}, bad):
        print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main())
