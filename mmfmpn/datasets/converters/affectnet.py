"""AffectNet (manually annotated part): the converter to the project layout.

Input (the AffectNet download)::

    ROOT/Manually_Annotated_file_lists/training.csv     header line, then one row per image
    ROOT/Manually_Annotated_file_lists/validation.csv   the same columns (no header line in
                                                        the release; both are accepted)
    ROOT/Manually_Annotated_Images/689/737db2....jpg

Columns: ``subDirectory_filePath, face_x, face_y, face_width, face_height,
facial_landmarks (68 points "x;y;x;y;..."), expression, valence, arousal``. Expression codes:
0 neutral, 1 happy, 2 sad, 3 surprise, 4 fear, 5 disgust, 6 anger, 7 contempt, 8 none,
9 uncertain, 10 non-face. Codes 1..7 are kept (:data:`AFFECTNET7_CLASSES`); 0 and 8..10 are
dropped and counted; anything else is an error.

Output (see :mod:`.common`)::

    OUT/imgs/689_737db2....png     aligned 70x70 gray faces (five points from the 68)
    OUT/annotations.csv            image,label,subject,sequence,neutral,landmarks
                                   (no subjects, no neutral faces; 68 aligned landmarks)
    OUT/train_ids.csv, OUT/val_ids.csv   a seeded 9:1 split of training.csv (per class)
    OUT/test_ids.csv               validation.csv (AffectNet's test set is not public)

``--per-class N`` first draws a seeded balanced subset of at most N training images per class.
"""
import csv
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from mmfmpn.masks.alignment import ALIGNED_FACE_SIZE
from ..annotation_file import FERAnnotation
from ..categories import AFFECTNET7_CLASSES
from .common import (BadSampleError, Conversion, ConversionOptions, align_sample, check_face_box,
                     convert_into_folder, parse_point_values, read_image, write_face)

#: The columns of training.csv / validation.csv in release order.
AFFECTNET_COLUMNS = ('subDirectory_filePath', 'face_x', 'face_y', 'face_width', 'face_height',
                     'facial_landmarks', 'expression', 'valence', 'arousal')
#: Expression codes that are no basic expression: dropped and counted.
DROPPED_CODES = {0: 'neutral', 8: 'none', 9: 'uncertain', 10: 'non-face'}
#: Expression code -> class name (codes 1..7).
EXPRESSION_CODES = dict(enumerate(AFFECTNET7_CLASSES, start=1))
_REQUIRED_COLUMNS = AFFECTNET_COLUMNS[:7]


class AffectNetRow(NamedTuple):
    """One kept row of a file list.

    Args:
        where (str): ``'training.csv:12'``, for messages.
        image (str): ``subDirectory_filePath``.
        face_box (tuple[float, float, float, float]): ``x, y, width, height``.
        landmarks_text (str): ``facial_landmarks`` as written.
        label (str): Class name.
    """
    where: str
    image: str
    face_box: Tuple[float, float, float, float]
    landmarks_text: str
    label: str

    @property
    def output_name(self) -> str:
        """``689/737db2.jpg`` -> ``689_737db2.png`` (unique across sub-folders)."""
        return Path(self.image).with_suffix('.png').as_posix().replace('/', '_')


def read_file_list(path: Path) -> Tuple[List[AffectNetRow], Counter, Dict[str, str]]:
    """Read training.csv or validation.csv.

    Args:
        path (Path): The file list.

    Returns:
        tuple[list[AffectNetRow], Counter, dict[str, str]]: The rows of codes 1..7, the
        dropped rows per reason (``'neutral'``, ``'none'`` ...), and bad rows
        (``'file:line'`` -> reason: unknown code, malformed numbers, too few cells).

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: A header line that lacks a required column.
    """
    if not path.is_file():
        raise FileNotFoundError(f'{path}: no such file list; pass --train-csv / '
                                '--val-csv, or ROOT holding Manually_Annotated_file_lists/')
    rows, dropped, bad = [], Counter(), {}
    with open(path, newline='', encoding='utf-8') as file:
        reader = csv.reader(file)
        first = next(reader, None)
        columns = list(AFFECTNET_COLUMNS)
        records = []
        if first and first[0].strip() == AFFECTNET_COLUMNS[0]:
            columns = [name.strip() for name in first]
            missing = [name for name in _REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise ValueError(f'{path}:1: header lacks {missing}; expected '
                                 f'{",".join(AFFECTNET_COLUMNS)}')
        elif first is not None:
            records.append((1, first))
        records.extend(enumerate(reader, start=2))
        for line_number, cells in records:
            where = f'{path}:{line_number}'
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < len(_REQUIRED_COLUMNS):
                bad[where] = (f'{where}: {len(cells)} cells, expected '
                              f'{",".join(AFFECTNET_COLUMNS)}')
                continue
            record = dict(zip(columns, cells))
            code_text = record['expression'].strip()
            code = int(code_text) if code_text.lstrip('-').isdigit() else None
            if code in DROPPED_CODES:
                dropped[DROPPED_CODES[code]] += 1
                continue
            if code not in EXPRESSION_CODES:
                bad[where] = (f'{where}: unknown expression code {code_text!r} for '
                              f'{record["subDirectory_filePath"]}; AffectNet uses 0..10 (0 '
                              'neutral, 1..7 basic expressions, 8 none, 9 uncertain, 10 '
                              'non-face)')
                continue
            try:
                face_box = tuple(
                    float(record[name])
                    for name in ('face_x', 'face_y', 'face_width', 'face_height'))
            except ValueError:
                bad[where] = f'{where}: the face box values are not numbers'
                continue
            rows.append(
                AffectNetRow(where, record['subDirectory_filePath'].strip(), face_box,
                             record['facial_landmarks'], EXPRESSION_CODES[code]))
    return rows, dropped, bad


def balanced_subset(rows: Sequence[AffectNetRow], per_class: int,
                    rng: np.random.Generator) -> List[AffectNetRow]:
    """At most ``per_class`` randomly chosen rows of each class, in file order.

    Args:
        rows (Sequence[AffectNetRow]): The rows.
        per_class (int): The cap per class.
        rng (np.random.Generator): Seeded random source.

    Returns:
        list[AffectNetRow]: The subset.
    """
    keep = []
    for label in AFFECTNET7_CLASSES:
        indices = [i for i, row in enumerate(rows) if row.label == label]
        if len(indices) > per_class:
            indices = rng.choice(indices, size=per_class, replace=False).tolist()
        keep.extend(indices)
    return [rows[i] for i in sorted(keep)]


def split_train_val(rows: Sequence[AffectNetRow], val_fraction: float,
                    rng: np.random.Generator) -> Dict[str, str]:
    """Hold out a random ``val_fraction`` of each class for validation.

    Args:
        rows (Sequence[AffectNetRow]): The training rows.
        val_fraction (float): Share of each class held out, e.g. 0.1 for 9:1.
        rng (np.random.Generator): Seeded random source.

    Returns:
        dict[str, str]: ``subDirectory_filePath`` -> ``'train'`` or ``'val'``.
    """
    split_of = {}
    for label in AFFECTNET7_CLASSES:
        images = [row.image for row in rows if row.label == label]
        held_out = set(rng.permutation(len(images))[:round(len(images) * val_fraction)].tolist())
        for index, image in enumerate(images):
            split_of[image] = 'val' if index in held_out else 'train'
    return split_of


def convert_row(row: AffectNetRow, images_dir: Path, out: Path,
                crop_size: int) -> List[FERAnnotation]:
    """Check, align and write one image.

    Args:
        row (AffectNetRow): The row.
        images_dir (Path): ``Manually_Annotated_Images``.
        out (Path): The output folder.
        crop_size (int): Side of the aligned face.

    Returns:
        list[FERAnnotation]: Its single row.

    Raises:
        BadSampleError: An unreadable image, a face box outside it, or missing or
            malformed landmarks.
    """
    image_path = images_dir / row.image
    image = read_image(image_path)
    check_face_box(row.face_box, image.shape, f'{row.where} ({image_path})')
    landmarks = parse_point_values(row.landmarks_text.split(';'), f'{row.where} ({image_path})')
    if len(landmarks) != 68:
        raise BadSampleError(f'{row.where} ({image_path}): facial_landmarks has '
                             f'{len(landmarks)} points; AffectNet gives 68')
    face, aligned_landmarks = align_sample(image, landmarks, crop_size,
                                           f'{row.where} ({image_path})')
    return [
        FERAnnotation(
            image=write_face(out, 'imgs', row.output_name, face),
            label=row.label,
            location=row.where,
            landmarks=aligned_landmarks)
    ]


def _split_files(annotations: Sequence[FERAnnotation],
                 split_of_output: Dict[str, str]) -> Dict[str, List[str]]:
    """``train_ids.csv``, ``val_ids.csv`` and ``test_ids.csv`` of the converted images."""
    split_files = {f'{split}_ids.csv': [] for split in ('train', 'val', 'test')}
    for item in annotations:
        name = Path(item.image).name
        split_files[f'{split_of_output[name]}_ids.csv'].append(name)
    return split_files


def prepare_affectnet(
    out: Path,
    train_csv: Path,
    val_csv: Path,
    images_dir: Path,
    per_class: Optional[int] = None,
    val_fraction: float = 0.1,
    seed: int = 0,
    crop_size: int = ALIGNED_FACE_SIZE,
    options: ConversionOptions = ConversionOptions()) -> Conversion:
    """Convert AffectNet's seven basic expressions into ``out`` (built aside, then swapped in).

    Args:
        out (Path): The output folder.
        train_csv (Path): ``training.csv``: split into ``train_ids.csv`` and ``val_ids.csv``.
        val_csv (Path): ``validation.csv``: ``test_ids.csv``.
        images_dir (Path): The folder ``subDirectory_filePath`` is relative to.
        per_class (int, optional): Keep at most this many random training images per class.
        val_fraction (float): Share of each training class held out. Defaults to 0.1.
        seed (int): Seed of the subset and the split. Defaults to 0.
        crop_size (int): Side of the aligned faces. Defaults to 70.
        options (ConversionOptions): ``skip_bad``, ``overwrite``, ``show_progress``
            (:class:`~.common.ConversionOptions`). Defaults to ConversionOptions().

    Returns:
        Conversion: What was written, with its summary.

    Raises:
        FileNotFoundError: A file list or the image folder is missing.
        FileExistsError: ``out`` is not empty and ``options.overwrite`` is False.
        ConversionError: Bad rows without ``options.skip_bad``, or nothing converted; ``out`` is
            unchanged.
        ValueError: A file list's header lacks a column, or a bad ``per_class`` /
            ``val_fraction``.
    """
    if per_class is not None and per_class < 1:
        raise ValueError(f'--per-class must be at least 1, got {per_class}')
    if not 0 < val_fraction < 1:
        raise ValueError(f'--val-fraction must be in (0, 1), got {val_fraction}')
    train_rows, train_dropped, bad = read_file_list(train_csv)
    test_rows, test_dropped, bad_test = read_file_list(val_csv)
    bad.update(bad_test)
    if not images_dir.is_dir():
        raise FileNotFoundError(f'{images_dir} is not a folder; pass --images-dir')
    rng = np.random.default_rng(seed)
    available = Counter(row.label for row in train_rows)
    if per_class is not None:
        train_rows = balanced_subset(train_rows, per_class, rng)
    train_split = split_train_val(train_rows, val_fraction, rng)
    rows, first_where, split_of_output = [], {}, {}
    for row, split in [
            *((row, train_split[row.image]) for row in train_rows),
            *((row, 'test') for row in test_rows)
    ]:
        if row.output_name in first_where:
            bad[row.where] = (f'{row.where}: {row.image} is already listed at '
                              f'{first_where[row.output_name]}; keep one row per '
                              'image')
            continue
        first_where[row.output_name] = row.where
        split_of_output[row.output_name] = split
        rows.append(row)
    annotations, bad, split_files = convert_into_folder(
        out,
        rows,
        lambda row, building: convert_row(row, images_dir, building, crop_size),
        key_of=lambda row: row.where,
        description=f'Aligning {len(rows)} images',
        what='row',
        inputs=[train_csv, val_csv, images_dir],
        options=options,
        split_files_of=partial(_split_files, split_of_output=split_of_output),
        bad_while_reading=bad)
    notes = [
        f'{path}: dropped ' +
        (', '.join(f'{count} {reason}' for reason, count in sorted(dropped.items())) or 'nothing') +
        ' (not a basic expression).'
        for path, dropped in ((train_csv, train_dropped), (val_csv, test_dropped))
    ]
    if per_class is not None:
        notes.append(f'Balanced subset of at most {per_class} training images per class (seed '
                     f'{seed}); available: ' + ', '.join(f'{name} {available[name]}'
                                                         for name in AFFECTNET7_CLASSES) + '.')
    return Conversion(out, annotations, AFFECTNET7_CLASSES, split_files, bad, notes)
