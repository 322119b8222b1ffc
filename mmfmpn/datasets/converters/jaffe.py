"""Convert JAFFE (or a folder in its layout) into the project layout of aligned faces.

Input: one folder of ``POSER.CODE<take>.<id>.tiff`` images (``KA.AN1.39.tiff``; see
:mod:`mmfmpn.datasets.jaffe`). Output (what :class:`JAFFEDataset` reads)::

    OUT/imgs/KA.AN1.39.png            aligned gray faces
    OUT/annotations.csv               image,label,subject,sequence,neutral,landmarks
                                      (subject = poser; landmarks = the five points in the
                                      aligned face, what FacePatches cuts by)
    OUT/train_ids_K.csv, test_ids_K.csv   folds: leave one poser out (10), or random k-fold
"""
from functools import partial
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from sklearn.model_selection import StratifiedKFold

from mmfmpn.masks.landmarks import five_alignment_points
from ..annotation_file import FERAnnotation
from ..categories import NEUTRAL7_CLASSES
from ..jaffe import parse_jaffe_name
from .common import (BadSampleError, Conversion, ConversionOptions, LandmarkSource, align_sample,
                     convert_into_folder, landmark_source, read_image, subject_folds, write_face)

#: Aligned face side for I2CNN: room around the face for its largest patches.
JAFFE_CROP_SIZE = 144
#: The fold protocols of :func:`jaffe_split_files`.
FOLD_PROTOCOLS = ('poser', 'random')
_TIFF_SUFFIXES = ('.tif', '.tiff')


def find_jaffe_images(jaffe_dir: Path) -> Tuple[List[Path], List[Path]]:
    """The TIFF images of a JAFFE folder, and the other files (README ...).

    Args:
        jaffe_dir (Path): The folder.

    Returns:
        tuple[list[Path], list[Path]]: TIFF files sorted by name, and ignored files.

    Raises:
        NotADirectoryError: ``jaffe_dir`` is not a folder.
    """
    if not jaffe_dir.is_dir():
        raise NotADirectoryError(f'{jaffe_dir} is not a folder; JAFFE_DIR must hold the '
                                 'images KA.AN1.39.tiff ...')
    images, ignored = [], []
    for path in sorted(jaffe_dir.iterdir()):
        if path.is_file() and path.suffix.lower() in _TIFF_SUFFIXES:
            images.append(path)
        elif path.is_file():
            ignored.append(path)
    return images, ignored


def convert_jaffe_image(path: Path, jaffe_dir: Path, out: Path, landmarks_of: LandmarkSource,
                        crop_size: int) -> FERAnnotation:
    """Align one JAFFE image and write it.

    Args:
        path (Path): The image.
        jaffe_dir (Path): The root the landmark keys are relative to.
        out (Path): The output folder.
        landmarks_of (Callable): ``(key, image, source) -> (K, 2)`` landmarks.
        crop_size (int): Side of the aligned face.

    Returns:
        FERAnnotation: Its row, with the five points in the aligned face.

    Raises:
        BadSampleError: A name outside JAFFE's pattern, an unreadable image or missing
            landmarks.
    """
    try:
        name = parse_jaffe_name(path.name)
    except ValueError as err:
        raise BadSampleError(f'{path.parent}/{err}; rename the file or move it out '
                             'of JAFFE_DIR') from None
    image = read_image(path)
    landmarks = landmarks_of(path.relative_to(jaffe_dir).as_posix(), image, str(path))
    face, aligned_landmarks = align_sample(image, landmarks, crop_size, str(path))
    return FERAnnotation(
        image=write_face(out, 'imgs', f'{path.stem}.png', face),
        label=name.label,
        location=str(path),
        subject=name.poser,
        landmarks=five_alignment_points(aligned_landmarks, face.shape))


def random_fold_split_files(labels: Dict[str, str], num_folds: int,
                            seed: int) -> Dict[str, List[str]]:
    """Random k-fold split files, stratified by class (posers shared across folds).

    Args:
        labels (dict[str, str]): Image file name -> class name.
        num_folds (int): Number of folds.
        seed (int): Seed of the shuffle.

    Returns:
        dict[str, list[str]]: ``'train_ids_K.csv'`` / ``'test_ids_K.csv'`` -> sorted names.
    """
    names = sorted(labels)
    splitter = StratifiedKFold(n_splits=num_folds, shuffle=True, random_state=seed)
    split_files = {}
    for fold, (train, test) in enumerate(
            splitter.split(np.zeros(len(names)), [labels[name] for name in names])):
        split_files[f'train_ids_{fold}.csv'] = [names[index] for index in train]
        split_files[f'test_ids_{fold}.csv'] = [names[index] for index in test]
    return split_files


def jaffe_split_files(annotations: Sequence[FERAnnotation],
                      protocol: str,
                      num_folds: int = 10,
                      seed: int = 0) -> Dict[str, List[str]]:
    """The fold files of converted JAFFE images.

    Args:
        annotations (Sequence[FERAnnotation]): The converted rows.
        protocol (str): ``'poser'``: leave one poser out (as many folds as posers, 10 for
            JAFFE; ``num_folds`` is not used); ``'random'``: ``num_folds`` random folds
            stratified by class, the protocol of many JAFFE papers (the same poser in
            training and test).
        num_folds (int): Folds of ``'random'``. Defaults to 10.
        seed (int): Seed of ``'random'``. Defaults to 0.

    Returns:
        dict[str, list[str]]: Split file name -> image file names.

    Raises:
        ValueError: An unknown protocol, or too few images or posers for the folds.
    """
    if protocol == 'poser':
        return subject_folds(annotations, len({item.subject for item in annotations}))
    if protocol == 'random':
        return random_fold_split_files({Path(item.image).name: item.label
                                        for item in annotations}, num_folds, seed)
    raise ValueError(f'unknown fold protocol {protocol!r}; use one of {FOLD_PROTOCOLS}')


def prepare_jaffe(
    jaffe_dir: Path,
    out: Path,
    landmarks_file: Optional[Path] = None,
    folds: str = 'poser',
    num_folds: int = 10,
    seed: int = 0,
    crop_size: int = JAFFE_CROP_SIZE,
    options: ConversionOptions = ConversionOptions()) -> Conversion:
    """Convert a JAFFE folder into ``out`` (built aside, then swapped in).

    Args:
        jaffe_dir (Path): The folder of ``KA.AN1.39.tiff`` ...
        out (Path): The output folder.
        landmarks_file (Path, optional): Landmarks of the images
            (:data:`~.common.LANDMARKS_FILE_FORMAT`); None detects them with MTCNN.
        folds (str): ``'poser'`` or ``'random'`` (see :func:`jaffe_split_files`).
            Defaults to 'poser'.
        num_folds (int): Folds of ``'random'``. Defaults to 10.
        seed (int): Seed of ``'random'``. Defaults to 0.
        crop_size (int): Side of the aligned faces. Defaults to 144.
        options (ConversionOptions): ``skip_bad``, ``overwrite``, ``show_progress``
            (:class:`~.common.ConversionOptions`). Defaults to ConversionOptions().

    Returns:
        Conversion: What was written, with its summary.

    Raises:
        NotADirectoryError: ``jaffe_dir`` is not a folder.
        FileNotFoundError: It holds no TIFF image.
        FileExistsError: ``out`` is not empty and ``options.overwrite`` is False.
        ConversionError: Bad images without ``options.skip_bad``, or nothing converted; ``out``
            is unchanged.
        ValueError, RuntimeError: A bad landmarks file, too few images for the folds, or
            no face detector.
    """
    images, ignored = find_jaffe_images(jaffe_dir)
    if not images:
        raise FileNotFoundError(f'{jaffe_dir} holds no .tiff image; JAFFE_DIR must hold '
                                'KA.AN1.39.tiff ...')
    if folds not in FOLD_PROTOCOLS:
        raise ValueError(f'unknown fold protocol {folds!r}; use one of {FOLD_PROTOCOLS}')
    landmarks_of = landmark_source(landmarks_file)
    annotations, bad, split_files = convert_into_folder(
        out,
        images,
        lambda path, building:
        [convert_jaffe_image(path, jaffe_dir, building, landmarks_of, crop_size)],
        key_of=lambda path: path.name,
        description=f'Aligning {len(images)} images',
        what='image',
        inputs=[jaffe_dir],
        options=options,
        split_files_of=partial(jaffe_split_files, protocol=folds, num_folds=num_folds, seed=seed))
    notes = [
        f'Read {len(images)} images of {len({item.subject for item in annotations})} '
        f'posers from {jaffe_dir}; folds: '
        f'{"leave one poser out" if folds == "poser" else "random, stratified"}.'
    ]
    if ignored:
        notes.append(f'Ignored {len(ignored)} non-TIFF file(s), e.g. {ignored[0].name}.')
    return Conversion(out, annotations, NEUTRAL7_CLASSES, split_files, bad, notes)
