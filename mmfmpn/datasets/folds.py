"""Subject-independent cross-validation folds, shared by the converters and the datasets.

The split files are the FMPN authors' format: ``train_ids_K.csv`` / ``test_ids_K.csv`` with one
image file name per line and no header.
"""
from pathlib import Path
from typing import Dict, List, Mapping, Sequence, Union


def subject_folds(subjects: Sequence[str], num_folds: int) -> Dict[str, int]:
    """Assign subjects to folds as in the FMPN authors' released CK+ split.

    Subjects are sorted ascending and cut into ``num_folds`` contiguous blocks whose
    boundaries are ``round(j * N / num_folds)`` (half up); block ``j`` becomes fold
    ``num_folds - 1 - j``, so the first subjects form the last fold. On the 118 labelled
    CK+ subjects this gives blocks of 12, 12, 11, 12, 12, 12, 12, 11, 12, 12 and reproduces
    the released ``test_ids_K.csv`` exactly (``tests/test_prepare_ckplus.py``).

    Args:
        subjects (Sequence[str]): Subject ids such as ``'P001'`` (duplicates are ignored).
        num_folds (int): Number of folds, at most the number of subjects.

    Returns:
        dict[str, int]: Subject -> fold index in ``[0, num_folds)``.

    Raises:
        ValueError: Fewer subjects than folds, or ``num_folds < 2``.
    """
    ordered = sorted(set(subjects))
    if num_folds < 2 or len(ordered) < num_folds:
        raise ValueError(f'cannot split {len(ordered)} subjects into {num_folds} '
                         'subject-independent folds; use 2 <= number of folds (--num-folds of a '
                         'converter, num_folds of a dataset) <= the number of subjects')
    count = len(ordered)
    # Integer form of round-half-up(j * count / num_folds), free of float error.
    bounds = [(2 * j * count + num_folds) // (2 * num_folds) for j in range(num_folds + 1)]
    return {
        subject: num_folds - 1 - block
        for block in range(num_folds)
        for subject in ordered[bounds[block]:bounds[block + 1]]
    }


def subject_fold_split_files(subject_of_image: Mapping[str, str],
                             num_folds: int) -> Dict[str, List[str]]:
    """The ``train_ids_K.csv`` / ``test_ids_K.csv`` lists of subject-independent folds.

    Args:
        subject_of_image (Mapping[str, str]): Image file name -> its subject.
        num_folds (int): Number of folds (see :func:`subject_folds`).

    Returns:
        dict[str, list[str]]: Split file name (``'train_ids_0.csv'``) -> sorted image names.
    """
    fold_of_subject = subject_folds(list(subject_of_image.values()), num_folds)
    images = sorted(subject_of_image)
    split_files = {}
    for fold in range(num_folds):
        test = [name for name in images if fold_of_subject[subject_of_image[name]] == fold]
        test_set = set(test)
        split_files[f'train_ids_{fold}.csv'] = [name for name in images if name not in test_set]
        split_files[f'test_ids_{fold}.csv'] = test
    return split_files


def read_image_list(path: Union[str, Path]) -> List[str]:
    """Read a split file: one image name (or relative path) per line, no header.

    Args:
        path (str | Path): e.g. ``train_ids_0.csv`` or ``val_ids.csv``.

    Returns:
        list[str]: The non-empty stripped lines.

    Raises:
        ValueError: The file lists no image.
    """
    names = [line.strip() for line in Path(path).read_text().splitlines()]
    names = [name for name in names if name]
    if not names:
        raise ValueError(f'{path} is empty; a split file lists one image file name '
                         'per line, no header. Re-run the converter that wrote it, or '
                         'list the fold\'s images in it.')
    return names
