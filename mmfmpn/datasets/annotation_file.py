"""The project's annotation file: one row per expressive image, written by every converter.

CSV (``annotations.csv``)::

    image,label,subject,sequence,neutral,landmarks
    imgs/P001_Anger_017.png,anger,P001,P001_Anger,neutral/P001_Anger_000.png,23.1;30.5;...

or JSON, a list of objects with the same keys::

    [{"image": "imgs/0001.png", "label": "happy", "landmarks": [[23.1, 30.5], ...]}, ...]

``image`` and ``label`` (a class NAME) are required; ``subject``, ``sequence``, ``neutral``
(the aligned neutral face of the same sequence) and ``landmarks`` may be empty or absent.
Paths are relative to the folder of the file. ``landmarks`` are 5 points (image-left eye
centre, image-right eye centre, nose tip, image-left and image-right mouth corner) or the 68
iBUG points, in pixels of the image, written ``x;y;x;y;...``.
"""
import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Union

import numpy as np

#: The columns that ``tools/make_masks.py`` reads, in order.
ANNOTATION_COLUMNS = ('image', 'label', 'subject', 'sequence', 'neutral')
#: The optional landmark column, after :data:`ANNOTATION_COLUMNS`.
LANDMARKS_COLUMN = 'landmarks'
#: Point counts a landmark entry may have: the five alignment points or the 68 iBUG points.
SUPPORTED_LANDMARK_COUNTS = (5, 68)

LandmarkValue = Union[str, Sequence[float], Sequence[Sequence[float]], None]


@dataclass(frozen=True, eq=False)
class FERAnnotation:
    """One annotated expressive image.

    Args:
        image (str): Path relative to the annotation file's folder.
        label (str): Class name.
        location (str): Where the row is, for error messages (``'annotations.csv:12'``).
        subject (str): Subject id, ``''`` when unknown.
        sequence (str): Sequence id, ``''`` when unknown.
        neutral (str): Aligned neutral face of the same sequence, ``''`` when none.
        landmarks (np.ndarray, optional): ``(5, 2)`` or ``(68, 2)`` float64 ``(x, y)`` in
            pixels of ``image``.
    """
    image: str
    label: str
    location: str
    subject: str = ''
    sequence: str = ''
    neutral: str = ''
    landmarks: Optional[np.ndarray] = None


def format_landmarks(landmarks: np.ndarray) -> str:
    """Write points as ``x;y;x;y;...`` with two decimals.

    Args:
        landmarks (np.ndarray): ``(K, 2)`` points.

    Returns:
        str: The CSV cell.
    """
    return ';'.join(f'{value:.2f}' for value in np.asarray(landmarks, dtype=np.float64).reshape(-1))


def parse_landmarks(value: LandmarkValue, location: str) -> Optional[np.ndarray]:
    """Read a landmark entry.

    Args:
        value (str | Sequence | None): ``'x;y;x;y;...'``, a flat list of numbers, a list of
            ``[x, y]`` pairs, or None / ``''`` for no landmarks.
        location (str): File and row, for error messages.

    Returns:
        np.ndarray | None: ``(K, 2)`` float64 with K in :data:`SUPPORTED_LANDMARK_COUNTS`,
        or None.

    Raises:
        ValueError: Not numbers, an odd count, an unsupported point count or a non-finite
            value.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, str):
            numbers = [float(part) for part in value.split(';')]
        else:
            numbers = np.asarray(value, dtype=np.float64).reshape(-1).tolist()
    except (TypeError, ValueError):
        numbers = None
    if (numbers is None or len(numbers) % 2 or len(numbers) // 2 not in SUPPORTED_LANDMARK_COUNTS
            or not np.all(np.isfinite(numbers))):
        raise ValueError(f'{location}: landmarks must be 5 or 68 (x, y) pairs of finite numbers '
                         "written 'x;y;x;y;...' (or a JSON list of [x, y]); leave the cell empty "
                         'for an image without landmarks')
    return np.asarray(numbers, dtype=np.float64).reshape(-1, 2)


def _text_field(record: dict, key: str, location: str) -> str:
    value = record.get(key)
    if value is None:
        return ''
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError(f'{location}: {key!r} must be a string, got '
                         f'{type(value).__name__}')
    return str(value).strip()


def _annotation_from_record(record: dict, location: str) -> FERAnnotation:
    annotation = FERAnnotation(
        image=_text_field(record, 'image', location),
        label=_text_field(record, 'label', location),
        location=location,
        subject=_text_field(record, 'subject', location),
        sequence=_text_field(record, 'sequence', location),
        neutral=_text_field(record, 'neutral', location),
        landmarks=parse_landmarks(record.get(LANDMARKS_COLUMN), location))
    for key in ('image', 'label'):
        if not getattr(annotation, key):
            raise ValueError(f'{location}: empty {key!r}; every row needs an image '
                             'path and a class name')
    return annotation


def _read_csv_records(path: Path) -> List[tuple]:
    allowed = (*ANNOTATION_COLUMNS, LANDMARKS_COLUMN)
    with open(path, newline='', encoding='utf-8') as file:
        reader = csv.reader(file)
        header = [name.strip() for name in next(reader, [])]
        unknown = [name for name in header if name not in allowed]
        if 'image' not in header or 'label' not in header or unknown or len(
                set(header)) != len(header):
            raise ValueError(f'{path}:1: header {",".join(header) or "(empty)"} must name the '
                             f'columns image and label, optionally {", ".join(allowed[2:])}, each '
                             f'once{f"; unknown: {unknown}" if unknown else ""}')
        records = []
        for line_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # a blank line, e.g. at the end of the file
            if len(row) != len(header):
                raise ValueError(f'{path}:{line_number}: {len(row)} cells, expected '
                                 f'{len(header)} ({",".join(header)})')
            records.append((dict(zip(header, row)), f'{path}:{line_number}'))
    return records


def _read_json_records(path: Path) -> List[tuple]:
    try:
        entries = json.loads(path.read_text(encoding='utf-8'))
    except json.JSONDecodeError as err:
        raise ValueError(f'{path}: not valid JSON ({err})') from err
    if not isinstance(entries, list):
        raise ValueError(f'{path}: expected a JSON list of objects with keys image, '
                         f'label and optionally {", ".join(ANNOTATION_COLUMNS[2:])}, '
                         f'{LANDMARKS_COLUMN}')
    allowed = {*ANNOTATION_COLUMNS, LANDMARKS_COLUMN}
    records = []
    for index, entry in enumerate(entries):
        location = f'{path} entry {index}'
        if not isinstance(entry, dict):
            raise ValueError(f'{location}: expected an object, got '
                             f'{type(entry).__name__}')
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise ValueError(f'{location}: unknown keys {unknown}; allowed: '
                             f'{", ".join(sorted(allowed))}')
        records.append((entry, location))
    return records


def read_annotation_file(path: Union[str, Path]) -> List[FERAnnotation]:
    """Read an annotation file (``.csv`` or ``.json``, see the module docstring).

    Args:
        path (str | Path): The file.

    Returns:
        list[FERAnnotation]: In file order.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: An unsupported extension, a bad header or entry, an empty image or
            label, malformed landmarks or an image listed twice; the message names the
            file and row.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'{path}: no such annotation file; write it with a converter in '
                                'tools/dataset_converters/ or by hand (columns image,label,...)')
    suffix = path.suffix.lower()
    if suffix == '.csv':
        records = _read_csv_records(path)
    elif suffix == '.json':
        records = _read_json_records(path)
    else:
        raise ValueError(f'{path}: unsupported annotation file type {suffix!r}; use '
                         '.csv or .json')
    annotations, first_location = [], {}
    for record, location in records:
        annotation = _annotation_from_record(record, location)
        if annotation.image in first_location:
            raise ValueError(f'{location}: image {annotation.image} is already '
                             f'listed at {first_location[annotation.image]}')
        first_location[annotation.image] = location
        annotations.append(annotation)
    if not annotations:
        raise ValueError(f'{path}: no annotated image; add one row per image')
    return annotations


def annotations_csv_text(annotations: Sequence[FERAnnotation]) -> str:
    """The ``annotations.csv`` content for converted images.

    The landmark column is written when any annotation has landmarks.

    Args:
        annotations (Sequence[FERAnnotation]): The rows, written in this order.

    Returns:
        str: CSV text starting with the header.
    """
    with_landmarks = any(item.landmarks is not None for item in annotations)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(ANNOTATION_COLUMNS + ((LANDMARKS_COLUMN, ) if with_landmarks else ()))
    for item in annotations:
        row = [item.image, item.label, item.subject, item.sequence, item.neutral]
        if with_landmarks:
            row.append('' if item.landmarks is None else format_landmarks(item.landmarks))
        writer.writerow(row)
    return buffer.getvalue()
