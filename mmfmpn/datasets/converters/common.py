"""What every dataset converter in ``tools/dataset_converters/`` shares.

Each converter reads one raw dataset and writes the project layout that the CK+ converter
writes, so that ``tools/make_masks.py`` and :class:`FERAnnotationDataset` serve them all::

    OUT/imgs/<name>.png          aligned 70x70 gray expressive faces
    OUT/neutral/<name>.png       aligned neutral faces (datasets with sequences)
    OUT/annotations.csv          image,label,subject,sequence,neutral,landmarks
    OUT/train_ids_K.csv, test_ids_K.csv   subject-independent folds (datasets with subjects)
    OUT/train_ids.csv, ...       fixed splits (datasets without subjects)
    OUT/skipped.txt              with --skip-bad: what was left out and why

A sample that cannot be converted raises :class:`BadSampleError` naming the file and the fix;
the conversion then stops with a :class:`ConversionError` listing them all, or with
``skip_bad`` (:class:`ConversionOptions`, ``--skip-bad``) leaves them out and lists them in
``OUT/skipped.txt``.

Every converter builds its output in a temporary folder beside ``OUT`` and swaps it in when
complete (:func:`staged_output_folder`, driven by :func:`convert_into_folder`): an
interrupted run leaves the old dataset whole, and a finished one replaces it as a whole, so
masks built for the old folds (``imgs_res/``) go with it. These functions print nothing; the
tools in ``tools/dataset_converters/`` report through :mod:`.cli`.
"""
import csv
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import (Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple,
                    TypeVar)

import cv2
import numpy as np

from mmfmpn.masks.alignment import align_face, alignment_matrix, transform_points
from mmfmpn.masks.image_io import read_image_file, write_png_atomic
from mmfmpn.masks.landmarks import five_alignment_points
from mmfmpn.utils.file_io import atomic_output_folder, write_text_atomic
from mmfmpn.utils.progress import track_progress
from ..annotation_file import FERAnnotation, annotations_csv_text
from ..folds import subject_fold_split_files

#: File suffixes read as images.
IMAGE_SUFFIXES = ('.jpeg', '.jpg', '.png', '.bmp', '.tif', '.tiff')
#: How many bad samples an error message lists before "... and N more".
_MAX_LISTED = 20
_FOLD_FILE = re.compile(r'^(train|test)_ids_\d+\.csv$')
_FOLD_TEST_FILE = re.compile(r'^test_ids_\d+\.csv$')

LANDMARKS_FILE_FORMAT = (
    'CSV with a header line "path,x1,y1,x2,y2,..." and one row per image: its path '
    'relative to the dataset root (POSIX "/"; for a video frame add "#<0-based frame '
    'index>"), then 5 points (image-left eye centre, image-right eye centre, nose tip, '
    'image-left mouth corner, image-right mouth corner) or the 68 iBUG points, as x,y '
    'pixel pairs')

Unit = TypeVar('Unit')


class BadSampleError(ValueError):
    """A sample cannot be converted; the message names the file and the fix."""


class ConversionError(ValueError):
    """The conversion stopped: bad samples without ``skip_bad``, or nothing converted.

    Args:
        message (str): What went wrong and the fix.
        bad (dict[str, str], optional): Bad sample name -> reason (names the file).
    """

    def __init__(self, message: str, bad: Optional[Dict[str, str]] = None):
        super().__init__(message)
        self.bad = dict(bad or {})

    def report_lines(self) -> List[str]:
        """The message and the first bad samples, for the tool to print.

        Returns:
            list[str]: Lines without newlines.
        """
        lines = [f'error: {self}']
        for key, reason in sorted(self.bad.items())[:_MAX_LISTED]:
            lines.append(f'  {key}: {reason}')
        if len(self.bad) > _MAX_LISTED:
            lines.append(f'  ... and {len(self.bad) - _MAX_LISTED} more')
        return lines


@dataclass(frozen=True)
class ConversionOptions:
    """How a converter treats bad samples, an existing output folder and its progress.

    Every ``prepare_*`` converter takes one (its ``options``); the tools build it from their
    command line (:func:`~.cli.run_conversion`).

    Args:
        skip_bad (bool): Leave out the samples that cannot be converted (each one a
            :class:`BadSampleError`: a sequence, session, image, row or person, whatever
            the converter's unit is) and list them with their reasons in ``OUT/skipped.txt``,
            instead of stopping with a :class:`ConversionError` that names them all and
            leaves ``OUT`` unchanged. Flag ``--skip-bad``. Defaults to False.
        overwrite (bool): Replace a non-empty ``OUT`` as a whole once the new dataset is
            complete (its masks too: they were built for the old folds); only a folder a
            converter wrote (one holding ``annotations.csv``) is replaced. Without it a
            non-empty ``OUT`` is refused. Flag ``--overwrite``. Defaults to False.
        show_progress (bool): Draw a progress bar on stderr. The tools always do (no
            flag). Defaults to False.
    """
    skip_bad: bool = False
    overwrite: bool = False
    show_progress: bool = False


def check_bad_samples(bad: Dict[str, str], skip_bad: bool, what: str = 'sample') -> None:
    """Stop the conversion when samples failed and ``skip_bad`` is not set.

    Args:
        bad (dict[str, str]): Bad sample name -> reason.
        skip_bad (bool): Whether ``--skip-bad`` was given.
        what (str): What a sample is (``'sample'``, ``'sequence'``), for the message.

    Raises:
        ConversionError: ``bad`` is not empty and ``skip_bad`` is False; OUT is unchanged.
    """
    if bad and not skip_bad:
        raise ConversionError(
            f'{len(bad)} {what}(s) cannot be converted (listed below); fix them, or rerun '
            'with --skip-bad to leave them out and list them in OUT/skipped.txt. OUT was '
            'not changed.', bad)


def read_image(path: Path) -> np.ndarray:
    """Read an image file as 3-channel BGR.

    Args:
        path (Path): The image.

    Returns:
        np.ndarray: ``(H, W, 3)`` uint8.

    Raises:
        BadSampleError: The file is missing or OpenCV cannot decode it.
    """
    try:
        return read_image_file(
            path,
            cv2.IMREAD_COLOR,
            fix='restore the file from the dataset archive, '
            'or rerun with --skip-bad to leave it out')
    except ValueError as err:
        raise BadSampleError(str(err)) from None


def parse_point_values(values: Sequence[str], where: str) -> np.ndarray:
    """Turn ``x1, y1, x2, y2, ...`` strings into 5 or 68 points.

    NaN or infinite values pass here: they are one bad sample, refused (and skippable) when
    the face is aligned (:func:`align_sample`), while a row that is not 5 or 68 pairs of
    numbers is a malformed file.

    Args:
        values (Sequence[str]): The numbers as text.
        where (str): File and row or image, for the error message.

    Returns:
        np.ndarray: ``(5, 2)`` or ``(68, 2)`` float64.

    Raises:
        BadSampleError: No values (a missing landmark), not numbers, or not 5 or 68 pairs.
    """
    values = [value.strip() for value in values if value.strip()]
    if not values:
        raise BadSampleError(f'{where}: missing landmarks; supply 5 or 68 points for '
                             'this image, or rerun with --skip-bad to leave it out')
    try:
        numbers = np.array([float(value) for value in values], dtype=np.float64)
    except ValueError:
        numbers = np.empty(0)
    if numbers.size not in (10, 136):
        raise BadSampleError(f'{where}: expected 5 or 68 (x, y) pairs of numbers, got '
                             f'{len(values)} values; fix the landmarks of this image')
    return numbers.reshape(-1, 2)


def load_landmarks_file(path: Path) -> Dict[str, np.ndarray]:
    """Read a user landmarks file (format: :data:`LANDMARKS_FILE_FORMAT`).

    Args:
        path (Path): The CSV file.

    Returns:
        dict[str, np.ndarray]: Image key (relative path) -> ``(5, 2)`` or ``(68, 2)``.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: A bad header, a malformed or repeated row; names the line.
    """
    if not path.is_file():
        raise FileNotFoundError(f'{path}: no such landmarks file; expected '
                                f'{LANDMARKS_FILE_FORMAT}')
    landmarks = {}
    with open(path, newline='', encoding='utf-8') as file:
        reader = csv.reader(file)
        header = next(reader, [])
        if not header or header[0].strip() != 'path':
            raise ValueError(f'{path}:1: the first line must be the header '
                             f'"path,x1,y1,..."; expected {LANDMARKS_FILE_FORMAT}')
        for line_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            key = row[0].strip().replace('\\', '/')
            if key in landmarks:
                raise ValueError(f'{path}:{line_number}: {key} is listed twice')
            try:
                landmarks[key] = parse_point_values(row[1:], f'{path}:{line_number}')
            except BadSampleError as err:
                # A broken file is not one bad sample: --skip-bad must not hide it.
                raise ValueError(f'{err}; expected {LANDMARKS_FILE_FORMAT}') from None
    if not landmarks:
        raise ValueError(f'{path}: no rows; expected {LANDMARKS_FILE_FORMAT}')
    return landmarks


class LandmarkTable:
    """Landmarks looked up in a user landmarks file.

    Args:
        path (Path): The file (format: :data:`LANDMARKS_FILE_FORMAT`).
    """

    def __init__(self, path: Path):
        self.path = path
        self.landmarks = load_landmarks_file(path)

    def __call__(self, key: str, image: np.ndarray, source: str) -> np.ndarray:
        """The landmarks of one image.

        Args:
            key (str): The image's row key (relative path, ``#frame`` for video frames).
            image (np.ndarray): The image (unused; the same call as a detector).
            source (str): The image file, for the error message.

        Returns:
            np.ndarray: ``(5, 2)`` or ``(68, 2)`` float64.

        Raises:
            BadSampleError: The file has no row for ``key``.
        """
        if key not in self.landmarks:
            raise BadSampleError(
                f'{source}: missing landmarks: {self.path} has no row "{key},x1,y1,'
                '..."; add one, or rerun with --skip-bad to leave this sample out')
        return self.landmarks[key]


class DetectedLandmarks:
    """Five points from the MTCNN face detector (:mod:`mmfmpn.apis.face_detection`).

    OpenCV 5 ships neither Haar cascades nor ``cv2.CascadeClassifier``, so MTCNN is the
    detector available without downloads; its weights come with ``pip install mtcnn``.

    Args:
        min_face_size (int): Smallest face side searched, in pixels. Defaults to 60.

    Raises:
        RuntimeError: The detector's weights are not installed; the message says what to
            supply instead.
    """

    def __init__(self, min_face_size: int = 60):
        try:
            from mmfmpn.apis.face_detection import MTCNNFaceDetector
            self.detector = MTCNNFaceDetector(min_face_size=min_face_size)
        except ImportError as err:
            raise RuntimeError(
                f'no landmarks were given and the face detector is unavailable ({err}). '
                f'Pass --landmarks FILE: {LANDMARKS_FILE_FORMAT}') from err

    def __call__(self, key: str, image: np.ndarray, source: str) -> np.ndarray:
        """The five points of the largest face in ``image``.

        Args:
            key (str): The image's key (unused; the same call as a table).
            image (np.ndarray): ``(H, W, 3)`` BGR uint8.
            source (str): The image file, for the error message.

        Returns:
            np.ndarray: ``(5, 2)`` float64.

        Raises:
            BadSampleError: No face was found.
        """
        faces = self.detector.detect(image)
        if not faces:
            raise BadSampleError(
                f'{source}: missing landmarks: the face detector found no face; '
                'supply its landmarks with --landmarks FILE, or rerun with --skip-bad')
        return max(faces, key=lambda face: face.area).five_points


LandmarkSource = Callable[[str, np.ndarray, str], np.ndarray]


def landmark_source(landmarks_file: Optional[Path]) -> LandmarkSource:
    """The user's landmarks file when given, else the face detector.

    Args:
        landmarks_file (Path, optional): The ``--landmarks`` file.

    Returns:
        Callable[[str, np.ndarray, str], np.ndarray]: ``(key, image, source) ->``
        ``(K, 2)`` landmarks of that image.
    """
    if landmarks_file is not None:
        return LandmarkTable(landmarks_file)
    return DetectedLandmarks()


def align_sample(image: np.ndarray, landmarks: np.ndarray, crop_size: int,
                 source: str) -> Tuple[np.ndarray, np.ndarray]:
    """Align a face and move its landmarks into the aligned crop.

    Args:
        image (np.ndarray): ``(H, W, 3)`` BGR or ``(H, W)`` gray uint8 raw image.
        landmarks (np.ndarray): ``(5, 2)`` or ``(68, 2)`` points in ``image``.
        crop_size (int): Side of the aligned crop.
        source (str): The image file (and frame), for the error message.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(crop_size, crop_size)`` uint8 gray face and the
        landmarks in its pixels (same count as given).

    Raises:
        BadSampleError: The landmarks are no face (NaN, infinite, coincident, swapped or
            outside the image; see :func:`~mmfmpn.masks.landmarks.five_alignment_points`).
    """
    try:
        points = five_alignment_points(landmarks, image.shape)
    except ValueError as err:
        raise BadSampleError(f'{source}: bad landmarks: {err}; fix them, or rerun with '
                             '--skip-bad to leave this sample out') from None
    face = align_face(image, points, crop_size)
    return face, transform_points(landmarks, alignment_matrix(points, crop_size))


def check_face_box(box: Sequence[float], image_shape: Tuple[int, ...], where: str) -> None:
    """Require a face box ``(x, y, width, height)`` to lie inside the image.

    Args:
        box (Sequence[float]): ``x, y, width, height`` in pixels.
        image_shape (tuple[int, ...]): ``(H, W[, C])`` of the image.
        where (str): File and row, for the error message.

    Raises:
        BadSampleError: A non-positive size, or the box extends past the image.
    """
    x, y, width, height = box
    image_height, image_width = image_shape[:2]
    if (width <= 0 or height <= 0 or x < 0 or y < 0 or x + width > image_width
            or y + height > image_height):
        raise BadSampleError(
            f'{where}: face box x={x:g} y={y:g} w={width:g} h={height:g} is outside the '
            f'{image_width}x{image_height} image; fix the row, or rerun with --skip-bad '
            'to leave it out')


def write_face(out: Path, folder: str, name: str, face: np.ndarray) -> str:
    """Write an aligned face atomically.

    Args:
        out (Path): The output root.
        folder (str): ``'imgs'`` or ``'neutral'``.
        name (str): File name, ``.png``.
        face (np.ndarray): ``(H, W)`` uint8.

    Returns:
        str: The path relative to ``out`` as ``annotations.csv`` lists it.
    """
    write_png_atomic(out / folder / name, face)
    return f'{folder}/{name}'


@contextmanager
def staged_output_folder(out: Path, overwrite: bool, inputs: Sequence[Path] = ()) -> Iterator[Path]:
    """Build a dataset in a temporary folder beside ``out``, swapped in when complete.

    The old ``out`` stays whole until the new dataset is complete, then goes as a whole:
    nothing of it (masks built for its folds, old split files) mixes into the new one.

    Args:
        out (Path): The output folder.
        overwrite (bool): Allow replacing a non-empty ``out`` (``--overwrite``).
        inputs (Sequence[Path]): The raw dataset folders and files read; none may lie
            inside ``out``, which the swap deletes.

    Yields:
        Path: The empty folder to build in.

    Raises:
        NotADirectoryError: ``out`` is a file.
        FileExistsError: ``out`` is not empty and ``overwrite`` is False, or
            ``out`` is not empty and holds no ``annotations.csv`` (not a converted
            dataset, whose files the swap would delete).
        ValueError: An input lies inside ``out``.
    """
    resolved_out = out.resolve()
    for source in inputs:
        resolved = Path(source).resolve()
        if resolved == resolved_out or resolved_out in resolved.parents:
            raise ValueError(f'{source} lies inside the output folder {out}, which is '
                             'replaced as a whole; choose an output folder outside the '
                             'raw dataset')
    if (overwrite and out.is_dir() and any(out.iterdir())
            and not (out / 'annotations.csv').is_file()):
        # The swap deletes the old folder whole: only ever a converter's dataset.
        raise FileExistsError(f'{out} is not empty and holds no annotations.csv, so no converter '
                              'wrote it; --overwrite replaces only a converted dataset as a '
                              'whole. Choose a new or empty output folder.')
    with atomic_output_folder(out, replace=overwrite) as building:
        yield building


def subject_folds(annotations: Sequence[FERAnnotation], num_folds: int) -> Dict[str, List[str]]:
    """Subject-independent split files of converted samples.

    Args:
        annotations (Sequence[FERAnnotation]): The converted rows.
        num_folds (int): Number of folds.

    Returns:
        dict[str, list[str]]: Split file name -> image file names
        (:func:`~mmfmpn.datasets.folds.subject_fold_split_files`).
    """
    return subject_fold_split_files({Path(item.image).name: item.subject
                                     for item in annotations}, num_folds)


def convert_into_folder(
    out: Path,
    units: Sequence[Unit],
    convert: Callable[[Unit, Path], Iterable[FERAnnotation]],
    key_of: Callable[[Unit], str],
    description: str,
    what: str,
    inputs: Sequence[Path],
    options: ConversionOptions,
    split_files_of: Optional[Callable[[Sequence[FERAnnotation]], Dict[str, List[str]]]] = None,
    bad_while_reading: Optional[Mapping[str, str]] = None
) -> Tuple[List[FERAnnotation], Dict[str, str], Dict[str, List[str]]]:
    """Convert every unit into a staged ``out``, then write its index files and swap it in.

    Runs :func:`staged_output_folder`, converts the units (a sequence, a session, a row)
    with a progress bar, stops on bad units (:func:`check_bad_samples`), then writes
    ``annotations.csv``, the split files and (when units were left out) ``skipped.txt``.

    Args:
        out (Path): The output folder.
        units (Sequence): What to convert, in output order.
        convert (Callable): ``(unit, building) ->`` the unit's annotation rows, its faces
            written under ``building`` (the folder being built); raises
            :class:`BadSampleError`.
        key_of (Callable): Unit -> the name it has in error messages and ``skipped.txt``.
        description (str): Progress bar text.
        what (str): What a unit is (``'sequence'``, ``'image'``), for the messages.
        inputs (Sequence[Path]): The raw dataset folders and files read; none may lie
            inside ``out``.
        options (ConversionOptions): ``skip_bad``, ``overwrite``, ``show_progress``.
        split_files_of (Callable, optional): Makes the split files (file name -> image
            file names) of the converted rows; called only when there are some. Defaults to
            None (no split files).
        bad_while_reading (Mapping[str, str], optional): Units found bad before converting
            (while reading the dataset's lists), name -> reason. Defaults to None.

    Returns:
        tuple[list[FERAnnotation], dict[str, str], dict[str, list[str]]]: The converted
        rows, every bad unit name -> reason, and the split files written.

    Raises:
        FileExistsError, NotADirectoryError, ValueError: ``out`` cannot be replaced or an
            input lies inside it (:func:`staged_output_folder`).
        ConversionError: Bad units without ``options.skip_bad``, or no unit converted;
            ``out`` is unchanged.
        ValueError: ``split_files_of`` cannot make the splits (e.g. too few subjects).
    """
    bad = dict(bad_while_reading or {})
    with staged_output_folder(out, options.overwrite, inputs) as building:
        annotations = []
        for unit in track_progress(units, description, enabled=options.show_progress):
            try:
                annotations.extend(convert(unit, building))
            except BadSampleError as err:
                bad[key_of(unit)] = str(err)
        check_bad_samples(bad, options.skip_bad, what)
        if not annotations:
            raise ConversionError('no sample was converted; check the input folder', bad)
        split_files = {} if split_files_of is None else split_files_of(annotations)
        for file_name, names in split_files.items():
            write_text_atomic(building / file_name, ''.join(f'{name}\n' for name in names))
        write_text_atomic(building / 'annotations.csv', annotations_csv_text(annotations))
        if bad:
            write_text_atomic(building / 'skipped.txt',
                              ''.join(f'{key}\t{reason}\n' for key, reason in sorted(bad.items())))
    return annotations, bad, split_files


@dataclass
class Conversion:
    """What a converter wrote, for its summary.

    Args:
        out (Path): The output folder.
        annotations (list[FERAnnotation]): The converted rows.
        classes (Sequence[str]): Class names in index order.
        split_files (dict[str, list[str]]): Split file name -> image file names.
        bad (dict[str, str]): Skipped unit name -> reason.
        notes (list[str]): Dataset-specific summary lines, printed first.
    """
    out: Path
    annotations: List[FERAnnotation]
    classes: Sequence[str]
    split_files: Dict[str, List[str]]
    bad: Dict[str, str]
    notes: List[str] = field(default_factory=list)

    def summary(self) -> List[str]:
        """The lines a tool prints after the conversion.

        Returns:
            list[str]: The notes, then :func:`summary_lines`.
        """
        return self.notes + summary_lines(self.out, self.annotations, self.classes,
                                          self.split_files, self.bad)


def summary_lines(out: Path, annotations: Sequence[FERAnnotation], classes: Sequence[str],
                  split_files: Dict[str, List[str]], bad: Dict[str, str]) -> List[str]:
    """The common part of a converter's summary.

    Args:
        out (Path): The output folder.
        annotations (Sequence[FERAnnotation]): The converted rows.
        classes (Sequence[str]): Class names in index order.
        split_files (dict[str, list[str]]): Split file name -> image names.
        bad (dict[str, str]): Skipped unit name -> reason.

    Returns:
        list[str]: Lines to print.
    """
    counts = Counter(item.label for item in annotations)
    neutral = len({item.neutral for item in annotations if item.neutral})
    lines = [
        f'Wrote {out}: {len(annotations)} aligned faces (imgs/)' +
        (f', {neutral} neutral faces (neutral/)' if neutral else '') + ', annotations.csv.',
        'Images per class: ' + ', '.join(f'{name} {counts[name]}' for name in classes) + '.',
    ]
    fold_test_sizes = [
        len(names) for name, names in sorted(
            split_files.items(), key=lambda entry: int(re.sub(r'\D', '', entry[0]) or 0))
        if _FOLD_TEST_FILE.match(name)
    ]
    if fold_test_sizes:
        lines.append(f'{len(fold_test_sizes)} subject-independent folds; test images '
                     f'per fold: {", ".join(map(str, fold_test_sizes))}.')
    fixed_splits = [
        f'{name} {len(names)}' for name, names in split_files.items() if not _FOLD_FILE.match(name)
    ]
    if fixed_splits:
        lines.append(f'Splits: {", ".join(fixed_splits)} images.')
    lines.append(f'Skipped {len(bad)} sample(s); reasons in {out / "skipped.txt"}.'
                 if bad else 'Skipped no sample.')
    return lines + skipped_lines(bad)


def skipped_lines(bad: Dict[str, str]) -> List[str]:
    """The names of the skipped samples, for the summary (reasons: ``skipped.txt``).

    Args:
        bad (dict[str, str]): Skipped sample name -> reason.

    Returns:
        list[str]: One line per sample, at most :data:`_MAX_LISTED` and a count of the rest.
    """
    lines = [f'  skipped {key}' for key in sorted(bad)[:_MAX_LISTED]]
    if len(bad) > _MAX_LISTED:
        lines.append(f'  ... and {len(bad) - _MAX_LISTED} more')
    return lines
