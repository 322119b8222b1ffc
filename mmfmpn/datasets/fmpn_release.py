"""Reader of the FMPN authors' released CK+ layout, as annotations.

The authors' release (and ``tools/dataset_converters/prepare_ckplus.py``, which writes it
too) describes CK+ by three kinds of files::

    data_root/
      emotion_labels.pkl                {'S005_001': 1..7 or -1}, one code per sequence
      train_ids_K.csv, test_ids_K.csv   image file names such as S005_001_00000009.png
      imgs/S005_001_00000009.png ...    aligned faces
      imgs_res/K/C.png                  motion masks of fold K

:func:`read_fmpn_ckplus_annotations` turns the label pickle and the split files into the
project's one annotation format (:class:`~mmfmpn.datasets.annotation_file.FERAnnotation`),
so that :class:`~mmfmpn.datasets.CKPlusDataset` reads the authors' folder like any
annotation file.
"""
import re
from pathlib import Path
from typing import List, Union

from mmfmpn.utils import load_restricted_pickle
from .annotation_file import FERAnnotation
from .categories import CKPLUS_CLASSES
from .folds import read_image_list

#: A CK+ image file name: subject, sequence and frame number.
CKPLUS_IMAGE_NAME = re.compile(r'^(S\d+)_(\d+)_(\d+)\.png$')
#: The authors' label pickle.
FMPN_LABEL_FILE = 'emotion_labels.pkl'


def read_split_file(path: Union[str, Path]) -> List[str]:
    """Read an FMPN split file: one CK+ image file name per line, no header.

    Args:
        path (str | Path): ``train_ids_K.csv`` or ``test_ids_K.csv``.

    Returns:
        list[str]: Image file names such as ``S005_001_00000009.png``.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: The file is empty or a line is not a CK+ image name.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f'Split file {path} does not exist.')
    names = read_image_list(path)
    for line_no, name in enumerate(names, 1):
        if not CKPLUS_IMAGE_NAME.match(name):
            raise ValueError(f'{path}, entry {line_no}: {name!r} is not a CK+ image name; '
                             'expected one name like S005_001_00000009.png per line, no '
                             'header.')
    return names


def read_fmpn_ckplus_annotations(label_file: Union[str, Path],
                                 img_dir: str = 'imgs') -> List[FERAnnotation]:
    """Annotations of every image that a split file next to ``emotion_labels.pkl`` lists.

    The pickle is read with the restricted unpickler (plain data only). Subject and
    sequence come from the image name; the release has no neutral faces and no landmarks.

    Args:
        label_file (str | Path): The authors' ``emotion_labels.pkl``.
        img_dir (str): Folder of the faces, relative to the pickle's folder. Defaults to
            'imgs'.

    Returns:
        list[FERAnnotation]: One per image, sorted by file name; ``image`` is
        ``'<img_dir>/<name>'``, ``label`` a :data:`~mmfmpn.datasets.CKPLUS_CLASSES` name.

    Raises:
        FileNotFoundError: The pickle, or every split file, is missing.
        ValueError: The pickle is not a dict, a split file is malformed, or a listed
            sequence has no label or one outside 1..7 (unlabelled ``-1`` sequences must not
            be listed).
        UnsafePickleError: The pickle names a class or function.
    """
    label_file = Path(label_file)
    labels = load_restricted_pickle(str(label_file))
    if not isinstance(labels, dict):
        raise ValueError(f'{label_file}: expected a dict from sequence key '
                         f"('S005_001') to label 1..7, got {type(labels).__name__}.")
    split_files = sorted(label_file.parent.glob('*_ids_*.csv'))
    if not split_files:
        raise FileNotFoundError(
            f'{label_file.parent}: no train_ids_K.csv / test_ids_K.csv next to '
            f'{label_file.name}; copy the split files of the FMPN release, or prepare '
            'the data with tools/dataset_converters/prepare_ckplus.py.')
    listed_in = {}
    for split_file in split_files:
        for name in read_split_file(split_file):
            listed_in.setdefault(name, split_file.name)
    annotations = []
    for name in sorted(listed_in):
        subject, sequence, _ = CKPLUS_IMAGE_NAME.match(name).groups()
        key = f'{subject}_{sequence}'
        location = f'{label_file} key {key!r} (listed in {listed_in[name]})'
        if key not in labels:
            raise ValueError(f'{label_file}: no label for {key!r}, the sequence of {name} '
                             f'(listed in {listed_in[name]}); add its label or remove the '
                             'line from the split file.')
        code = labels[key]
        if not (isinstance(code, (int, float)) and code == int(code)
                and 1 <= code <= len(CKPLUS_CLASSES)):
            raise ValueError(f'{label_file}: label {code!r} of {key!r} (listed in '
                             f'{listed_in[name]}) is outside 1..{len(CKPLUS_CLASSES)} '
                             f'({", ".join(CKPLUS_CLASSES)}); unlabelled (-1) sequences must '
                             'not be in a split file.')
        annotations.append(
            FERAnnotation(
                image=f'{img_dir}/{name}',
                label=CKPLUS_CLASSES[int(code) - 1],
                location=location,
                subject=subject,
                sequence=key))
    return annotations
