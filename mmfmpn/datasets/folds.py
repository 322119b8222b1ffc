"""Subject-independent cross-validation folds, shared by the converters and the datasets.

The split files are the FMPN authors' format: ``train_ids_K.csv`` / ``test_ids_K.csv`` with one
image file name per line and no header.
"""
from typing import Dict, List, Mapping, Sequence


def subject_folds(subjects: Sequence[str], num_folds: int) -> Dict[str, int]:
    """Assign subjects to folds as in the FMPN authors' released CK+ split.

    Subjects are sorted ascending and cut into ``num_folds`` contiguous blocks whose
    boundaries are ``round(j * N / num_folds)`` (half up); block ``j`` becomes fold
    ``num_folds - 1 - j``, so the first subjects form the last fold. This is the rule of
    ``tools/dataset_converters/prepare_ckplus.py``, which reproduces the released CK+ folds.

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
        raise ValueError(
            f'cannot split {len(ordered)} subjects into {num_folds} '
            'subject-independent folds; use 2 <= number of folds <= the number of '
            'subjects')
    count = len(ordered)
    # Integer form of round-half-up(j * count / num_folds), free of float error.
    bounds = [(2 * j * count + num_folds) // (2 * num_folds)
              for j in range(num_folds + 1)]
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
        test = [name for name in images
                if fold_of_subject[subject_of_image[name]] == fold]
        test_set = set(test)
        split_files[f'train_ids_{fold}.csv'] = [
            name for name in images if name not in test_set
        ]
        split_files[f'test_ids_{fold}.csv'] = test
    return split_files
