"""The London Set subset (neutral and smiling photos): the converter to the project layout.

A real check of the mask pipeline: 12 people photographed neutral and smiling give a
"happy minus neutral" motion mask (paper Eq. 1) that nobody drew.

Input (``../shared/reference/london-faces``, CC BY 4.0, DeBruine & Jones 2017)::

    LONDON_ROOT/annotations.json      [{"subject": "001", "neutral": "neutral/001.jpg",
                                        "smiling": "smiling/001.jpg", ...}, ...]
    LONDON_ROOT/neutral/001.jpg, LONDON_ROOT/smiling/001.jpg

Output (see :mod:`.common`)::

    OUT/imgs/001_smiling.png, OUT/neutral/001_neutral.png   aligned 70x70 gray
    OUT/annotations.csv    label happy, subject = sequence = the person, 5 aligned points

Both photos are aligned with the five points of the MTCNN detector. The lab's landmarks exist
for the neutral photos only, and the head moved between the photos (the eyes shift by 10-26 px
in the 450 px images), so the neutral landmarks cannot align the smiling photo; and the lab's
fifth point is the bottom of the nose, not MTCNN's nose tip, so mixing the two would shift one
photo against the other. Detecting both keeps one definition of the points.
"""
import json
from pathlib import Path
from typing import List, Optional

from mmfmpn.masks.alignment import ALIGNED_FACE_SIZE
from ..annotation_file import FERAnnotation
from .common import (Conversion, ConversionOptions, DetectedLandmarks, LandmarkSource, align_sample,
                     convert_into_folder, read_image, write_face)

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
            isinstance(person, dict) and {'subject', 'neutral', 'smiling'} <= set(person)
            for person in people):
        raise ValueError(f'{path}: expected a list of objects with subject, neutral '
                         'and smiling')
    return people


def convert_person(person: dict, london_root: Path, out: Path, landmarks_of: LandmarkSource,
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
        aligned[kind] = align_sample(image, landmarks_of(person[kind], image, str(path)), crop_size,
                                     str(path))
    neutral = write_face(out, 'neutral', f'{subject}_neutral.png', aligned['neutral'][0])
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


def prepare_london_faces(london_root: Path,
                         out: Path,
                         crop_size: int = ALIGNED_FACE_SIZE,
                         options: ConversionOptions = ConversionOptions(),
                         landmarks_of: Optional[LandmarkSource] = None) -> Conversion:
    """Convert the London Set neutral and smiling photos into ``out`` (built aside, then
    swapped in).

    Args:
        london_root (Path): The london-faces folder holding ``annotations.json``.
        out (Path): The output folder.
        crop_size (int): Side of the aligned faces. Defaults to 70.
        options (ConversionOptions): ``skip_bad``, ``overwrite``, ``show_progress``
            (:class:`~.common.ConversionOptions`). Defaults to ConversionOptions().
        landmarks_of (LandmarkSource, optional): Where the five points come from; None
            uses the MTCNN detector (:class:`~.common.DetectedLandmarks`).

    Returns:
        Conversion: What was written, with its summary.

    Raises:
        FileNotFoundError: ``annotations.json`` is missing.
        FileExistsError: ``out`` is not empty and ``options.overwrite`` is False.
        ConversionError: Bad photos without ``options.skip_bad``, or nothing converted; ``out`` is
            unchanged.
        ValueError, RuntimeError: A malformed ``annotations.json``, or no face detector.
    """
    people = read_people(london_root)
    landmarks_of = landmarks_of or DetectedLandmarks()
    annotations, bad, split_files = convert_into_folder(
        out,
        people,
        lambda person, building: convert_person(person, london_root, building, landmarks_of,
                                                crop_size),
        key_of=lambda person: str(person['subject']),
        description=f'Aligning {len(people)} neutral/smiling pairs',
        what='person',
        inputs=[london_root],
        options=options)
    return Conversion(out, annotations, (SMILE_CLASS, ), split_files, bad)
