"""Build the ground-truth facial motion masks (FMPN paper, Eq. 1) of every fold.

Reads what ``tools/dataset_converters/prepare_ckplus.py`` wrote::

    DATA_ROOT/annotations.csv        image,label,subject,sequence,neutral
    DATA_ROOT/train_ids_K.csv        training image names of fold K (test_ids_K.csv checked)

and writes, in the FMPN authors' layout::

    DATA_ROOT/imgs_res/K/C.png       mask of class index C from fold K's training images only
    DATA_ROOT/imgs_res/K/montage.png the fold's masks side by side with class names
    DATA_ROOT/imgs_res/all/C.png     masks from every subject (default; for transfer to other
                                     datasets; --no-all-subjects to skip)
"""
import argparse
import csv
import re
import sys
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence

# Run from a checkout without installing the package.
REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402

from mmfmpn.datasets.categories import CKPLUS_CLASSES  # noqa: E402
from mmfmpn.masks.image_io import read_gray_image, write_png_atomic  # noqa: E402
from mmfmpn.masks.motion_masks import (class_motion_masks,  # noqa: E402
                                       motion_mask_montage)

ANNOTATION_HEADER = ['image', 'label', 'subject', 'sequence', 'neutral']
#: Sub-folder of ``imgs_res`` for the masks built from every subject.
ALL_SUBJECTS = 'all'
_TRAIN_SPLIT = re.compile(r'^train_ids_(\d+)\.csv$')


class Sample(NamedTuple):
    """One annotated expressive image.

    Args:
        image (str): Path relative to DATA_ROOT, e.g. ``'imgs/S005_001_00000009.png'``.
        label_index (int): 0-based index into ``CKPLUS_CLASSES``.
        subject (str): Subject id, e.g. ``'S005'``.
        neutral (str): The sequence's aligned neutral face, relative to DATA_ROOT.
    """
    image: str
    label_index: int
    subject: str
    neutral: str


def read_annotations(data_root: Path) -> Dict[str, Sample]:
    """Read ``annotations.csv``.

    Args:
        data_root (Path): The converted dataset folder.

    Returns:
        dict[str, Sample]: Image file name (as listed in the split files) -> sample.

    Raises:
        FileNotFoundError: ``annotations.csv`` is missing.
        ValueError: Wrong header, unknown class name or a repeated image.
    """
    annotation_file = data_root / 'annotations.csv'
    if not annotation_file.is_file():
        raise FileNotFoundError(
            f'{annotation_file}: missing; run '
            'tools/dataset_converters/prepare_ckplus.py first')
    samples = {}
    with open(annotation_file, newline='') as file:
        reader = csv.reader(file)
        header = next(reader, None)
        if header != ANNOTATION_HEADER:
            raise ValueError(f'{annotation_file}: header {header}, expected '
                             f'{",".join(ANNOTATION_HEADER)}')
        for line_number, row in enumerate(reader, start=2):
            if len(row) != len(ANNOTATION_HEADER):
                raise ValueError(f'{annotation_file}:{line_number}: expected '
                                 f'{len(ANNOTATION_HEADER)} columns, got '
                                 f'{len(row)}')
            image, label, subject, _, neutral = row
            if label not in CKPLUS_CLASSES:
                raise ValueError(
                    f'{annotation_file}:{line_number}: unknown class '
                    f'{label!r}; expected one of {", ".join(CKPLUS_CLASSES)}')
            name = Path(image).name
            if name in samples:
                raise ValueError(f'{annotation_file}:{line_number}: image '
                                 f'{name} is listed twice')
            samples[name] = Sample(image, CKPLUS_CLASSES.index(label), subject,
                                   neutral)
    return samples


def read_image_names(split_file: Path) -> List[str]:
    """Image names of a ``train_ids_K.csv`` / ``test_ids_K.csv`` file, one per line.

    Args:
        split_file (Path): The split file.

    Returns:
        list[str]: Non-empty stripped lines.
    """
    return [
        line.strip() for line in split_file.read_text().splitlines()
        if line.strip()
    ]


def fold_training_samples(data_root: Path, fold: int,
                          samples: Dict[str, Sample]) -> List[Sample]:
    """The training samples of a fold, checked against its test subjects.

    Args:
        data_root (Path): The converted dataset folder.
        fold (int): Fold index K.
        samples (dict[str, Sample]): From :func:`read_annotations`.

    Returns:
        list[Sample]: In the order of ``train_ids_K.csv``.

    Raises:
        FileNotFoundError: ``train_ids_K.csv`` is missing.
        ValueError: A listed image is not annotated, or a subject is in both the training
            and the test split (its test images would shape the masks).
    """
    train_file = data_root / f'train_ids_{fold}.csv'
    if not train_file.is_file():
        raise FileNotFoundError(f'{train_file}: missing; choose --folds among '
                                'the folds that prepare_ckplus.py wrote')
    names = read_image_names(train_file)
    unknown = [name for name in names if name not in samples]
    if unknown:
        raise ValueError(
            f'{train_file}: {len(unknown)} image(s) not in annotations.csv, '
            f'e.g. {", ".join(unknown[:3])}; rerun prepare_ckplus.py')
    training = [samples[name] for name in names]
    test_file = data_root / f'test_ids_{fold}.csv'
    if test_file.is_file():
        test_subjects = {
            samples[name].subject
            for name in read_image_names(test_file) if name in samples
        }
        shared = sorted(test_subjects & {sample.subject
                                         for sample in training})
        if shared:
            raise ValueError(
                f'{train_file}: subjects {", ".join(shared)} are also in '
                f'{test_file.name}; the fold is not subject independent, so '
                'its masks would see test subjects')
    return training


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the ground-truth motion masks (FMPN Eq. 1) of each '
        'fold to DATA_ROOT/imgs_res/K/C.png from its training images only.')
    parser.add_argument(
        'data_root',
        type=Path,
        help='folder written by tools/dataset_converters/prepare_ckplus.py')
    parser.add_argument(
        '--folds',
        type=int,
        nargs='+',
        help='fold indices (default: every K with a train_ids_K.csv)')
    parser.add_argument(
        '--all-subjects',
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f'also write imgs_res/{ALL_SUBJECTS}/C.png from every subject, '
        'for transfer to other datasets (default: on)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace masks that already exist')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the mask builder; returns the process exit status."""
    args = parse_args(argv)
    data_root = args.data_root
    try:
        samples = read_annotations(data_root)
        folds = args.folds if args.folds is not None else sorted(
            int(match[1]) for match in (_TRAIN_SPLIT.match(path.name)
                                        for path in data_root.iterdir())
            if match)
        training_by_split = {
            str(fold): fold_training_samples(data_root, fold, samples)
            for fold in folds
        }
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    if args.all_subjects:
        training_by_split[ALL_SUBJECTS] = sorted(samples.values())
    if not training_by_split:
        print(f'error: {data_root} has no train_ids_K.csv; run '
              'prepare_ckplus.py first or pass --all-subjects', file=sys.stderr)
        return 2
    existing = [
        data_root / 'imgs_res' / split for split in training_by_split
        if (data_root / 'imgs_res' / split / '0.png').exists()
    ]
    if existing and not args.overwrite:
        print(f'error: masks exist in {", ".join(map(str, existing))}; pass '
              '--overwrite to replace them', file=sys.stderr)
        return 2

    # Load every face once: the folds share most of their training images.
    needed = sorted({
        path
        for training in training_by_split.values() for sample in training
        for path in (sample.image, sample.neutral)
    })
    faces = {}
    try:
        for path in track(
                needed,
                description=f'Loading {len(needed)} aligned faces',
                console=Console(stderr=True)):
            faces[path] = read_gray_image(data_root / path)
    except ValueError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2

    for split, training in training_by_split.items():
        split_name = ('all subjects' if split == ALL_SUBJECTS else
                      f'fold {split} (train_ids_{split}.csv)')
        try:
            masks = class_motion_masks(
                [faces[sample.image] for sample in training],
                [faces[sample.neutral] for sample in training],
                [sample.label_index for sample in training],
                num_classes=len(CKPLUS_CLASSES),
                class_names=CKPLUS_CLASSES,
                split_name=split_name)
        except ValueError as err:
            print(f'error: {err}', file=sys.stderr)
            return 1
        mask_dir = data_root / 'imgs_res' / split
        for class_index, mask in enumerate(masks):
            write_png_atomic(mask_dir / f'{class_index}.png', mask)
        write_png_atomic(mask_dir / 'montage.png',
                         motion_mask_montage(masks, CKPLUS_CLASSES))
        counts = np.bincount([sample.label_index for sample in training],
                             minlength=len(CKPLUS_CLASSES))
        print(f'{split_name}: {len(training)} training images '
              f'({", ".join(map(str, counts))} per class) -> {mask_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
