"""Build the ground-truth facial motion masks (FMPN paper, Eq. 1) of every fold.

Reads what a converter in ``tools/dataset_converters/`` wrote::

    DATA_ROOT/annotations.csv        image,label,subject,sequence,neutral[,landmarks]
                                     (mmfmpn.datasets.annotation_file; every row needs its
                                     neutral face)
    DATA_ROOT/train_ids_K.csv        training image names of fold K (test_ids_K.csv checked)

and writes, in the FMPN authors' layout::

    DATA_ROOT/imgs_res/K/C.png       mask of class index C (in --classes order) from fold
                                     K's training images only
    DATA_ROOT/imgs_res/K/montage.png the fold's masks side by side with class names
    DATA_ROOT/imgs_res/all/C.png     masks from every subject (default; for transfer to other
                                     datasets; --no-all-subjects to skip)

``--classes`` gives the class list and its order: CK+'s seven classes by default,
``basic6`` for Oulu-CASIA and MMI (see ``mmfmpn.datasets.categories.CLASS_SETS``), or class
names (``--classes happy``). Masks are written for the classes the dataset shows; a listed
class without any annotated image gets none (and is reported). ``--refine-registration``
registers each pair beyond five points and keeps the face only (photo pairs).
"""
import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402

from mmfmpn.datasets.annotation_file import read_annotation_file  # noqa: E402
from mmfmpn.datasets.categories import (CLASS_SETS,  # noqa: E402
                                        resolve_class_names)
from mmfmpn.datasets.folds import read_image_list  # noqa: E402
from mmfmpn.masks.image_io import read_gray_image, write_png_atomic  # noqa: E402
from mmfmpn.masks.motion_masks import (class_motion_masks,  # noqa: E402
                                       motion_mask_montage)

#: Sub-folder of ``imgs_res`` for the masks built from every subject.
ALL_SUBJECTS = 'all'
_TRAIN_SPLIT = re.compile(r'^train_ids_(\d+)\.csv$')


class Sample(NamedTuple):
    """One annotated expressive image.

    Args:
        image (str): Path relative to DATA_ROOT, e.g. ``'imgs/S005_001_00000009.png'``.
        label_index (int): 0-based index into the ``--classes`` list.
        subject (str): Subject id, e.g. ``'S005'``; ``''`` when unknown.
        neutral (str): The sequence's aligned neutral face, relative to DATA_ROOT.
    """
    image: str
    label_index: int
    subject: str
    neutral: str


def read_samples(data_root: Path,
                 class_names: Sequence[str]) -> Dict[str, Sample]:
    """Read ``annotations.csv`` and check it can give Eq. 1 masks.

    Args:
        data_root (Path): The converted dataset folder.
        class_names (Sequence[str]): The classes in mask index order (``--classes``).

    Returns:
        dict[str, Sample]: Image file name (as listed in the split files) -> sample.

    Raises:
        FileNotFoundError: ``annotations.csv`` is missing.
        ValueError: A malformed file, a class not in ``class_names``, a row without a
            neutral face, or two rows with the same image file name.
    """
    annotation_file = data_root / 'annotations.csv'
    class_index = {name: index for index, name in enumerate(class_names)}
    samples = {}
    for annotation in read_annotation_file(annotation_file):
        if annotation.label not in class_index:
            raise ValueError(
                f'{annotation.location}: class {annotation.label!r} is not in '
                f'--classes ({", ".join(class_names)}); pass the dataset\'s class '
                f'list, a set name ({", ".join(CLASS_SETS)}) or the names in order')
        if not annotation.neutral:
            raise ValueError(
                f'{annotation.location}: {annotation.image} has no neutral face; Eq. 1 '
                'masks subtract each image\'s neutral face of the same sequence. For '
                'data without neutral faces (AffectNet, single photos) borrow masks '
                'built on another dataset by class name, e.g. CK+\'s imgs_res/all '
                '(configs/fmpn/fmpn_inceptionv3_affectnet.py), and/or add landmark prior '
                'maps (LandmarkPriorMask, configs/fmpn/'
                'fmpn-landmark-prior_inceptionv3_affectnet.py)')
        name = Path(annotation.image).name
        if name in samples:
            raise ValueError(f'{annotation.location}: image file name {name} is '
                             f'also used by {samples[name].image}; the split files '
                             'list names only, so each must be unique')
        samples[name] = Sample(annotation.image, class_index[annotation.label],
                               annotation.subject, annotation.neutral)
    return samples


def fold_training_samples(data_root: Path, fold: int,
                          samples: Dict[str, Sample]) -> List[Sample]:
    """The training samples of a fold, checked against its test subjects.

    Args:
        data_root (Path): The converted dataset folder.
        fold (int): Fold index K.
        samples (dict[str, Sample]): From :func:`read_samples`.

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
                                'the folds that the converter wrote')
    names = read_image_list(train_file)
    unknown = [name for name in names if name not in samples]
    if unknown:
        raise ValueError(
            f'{train_file}: {len(unknown)} image(s) not in annotations.csv, '
            f'e.g. {", ".join(unknown[:3])}; rerun the converter')
    training = [samples[name] for name in names]
    test_file = data_root / f'test_ids_{fold}.csv'
    if test_file.is_file():
        # Rows without a subject ('') cannot be checked.
        test_subjects = {
            samples[name].subject
            for name in read_image_list(test_file) if name in samples
        } - {''}
        shared = sorted(test_subjects & {sample.subject
                                         for sample in training})
        if shared:
            raise ValueError(
                f'{train_file}: subjects {", ".join(shared)} are also in '
                f'{test_file.name}; the fold is not subject independent, so '
                'its masks would see test subjects')
    return training


def class_names_argument(values: Sequence[str]) -> Tuple[str, ...]:
    """The ``--classes`` list: one set name of ``CLASS_SETS``, or class names in order (one
    name alone, e.g. ``happy``, is a one-class list).

    Args:
        values (Sequence[str]): The words given after ``--classes``.

    Returns:
        tuple[str, ...]: Class names in mask index order.

    Raises:
        ValueError: One word that is not a set name, or a repeated class name.
    """
    known_classes = {name for names in CLASS_SETS.values() for name in names}
    if len(values) == 1 and values[0] not in known_classes:
        return resolve_class_names(values[0])
    return resolve_class_names(list(values))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the ground-truth motion masks (FMPN Eq. 1) of each '
        'fold to DATA_ROOT/imgs_res/K/C.png from its training images only.')
    parser.add_argument(
        'data_root',
        type=Path,
        help='folder written by a converter in tools/dataset_converters/ '
        '(annotations.csv with neutral faces, train_ids_K.csv)')
    parser.add_argument(
        '--classes',
        nargs='+',
        default=['ckplus'],
        metavar='NAME',
        help=f'class list in mask index order C: a set name ({", ".join(CLASS_SETS)}; '
        'basic6 for Oulu-CASIA and MMI) or the class names in order '
        '(default: ckplus)')
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
        '--refine-registration',
        action='store_true',
        help='register each expressive face onto its neutral face by dense ECC over '
        'still regions and keep the difference inside the face (for photo pairs '
        'taken apart; mmfmpn.masks.registration)')
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
        class_names = class_names_argument(args.classes)
        samples = read_samples(data_root, class_names)
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
    # Only the classes the dataset shows get a mask (a subset such as --classes ckplus on a
    # smiles-only set); their file names keep the --classes index.
    shown = sorted({sample.label_index for sample in samples.values()})
    absent = [name for index, name in enumerate(class_names) if index not in shown]
    if absent:
        print(f'no annotated image of {", ".join(absent)}: no mask for them')
    position = {label_index: rank for rank, label_index in enumerate(shown)}
    if not training_by_split:
        print(f'error: {data_root} has no train_ids_K.csv; run a converter '
              'first or pass --all-subjects', file=sys.stderr)
        return 2
    existing = [
        data_root / 'imgs_res' / split for split in training_by_split
        if (data_root / 'imgs_res' / split / 'montage.png').exists()
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
                [position[sample.label_index] for sample in training],
                num_classes=len(shown),
                class_names=[class_names[index] for index in shown],
                split_name=split_name,
                refine=args.refine_registration)
        except ValueError as err:
            print(f'error: {err}', file=sys.stderr)
            return 1
        mask_dir = data_root / 'imgs_res' / split
        for class_index, mask in zip(shown, masks):
            write_png_atomic(mask_dir / f'{class_index}.png', mask)
        write_png_atomic(mask_dir / 'montage.png',
                         motion_mask_montage(masks, [class_names[i] for i in shown]))
        counts = np.bincount([sample.label_index for sample in training],
                             minlength=len(class_names))
        print(f'{split_name}: {len(training)} training images '
              f'({", ".join(map(str, counts))} per class) -> {mask_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
