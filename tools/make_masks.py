"""Build the ground-truth facial motion masks (FMPN paper, Eq. 1) of every fold.

Reads what a converter in ``tools/dataset_converters/`` wrote::

    DATA_ROOT/annotations.csv        image,label,subject,sequence,neutral[,landmarks]
                                     (every row needs its neutral face)
    DATA_ROOT/train_ids_K.csv        training image names of fold K (test_ids_K.csv checked)

and writes, in the FMPN authors' layout::

    DATA_ROOT/imgs_res/K/C.png       mask of class index C (in --classes order) from fold
                                     K's training images only
    DATA_ROOT/imgs_res/K/montage.png the fold's masks side by side with class names
    DATA_ROOT/imgs_res/K/provenance.json  which training images built them (datasets
                                     refuse masks built for other folds)
    DATA_ROOT/imgs_res/all/C.png     masks from every subject (default; for transfer to other
                                     datasets; --no-all-subjects to skip)

The folds are selected by the dataset class that trains on them
(``mmfmpn.datasets.FERAnnotationDataset``); the logic is ``mmfmpn.datasets.fold_masks``.
``--classes`` gives the class list and its order: CK+'s seven classes by default,
``basic6`` for Oulu-CASIA and MMI (see ``mmfmpn.datasets.categories.CLASS_SETS``), or class
names (``--classes happy``). Masks are written for the classes the dataset shows; a listed
class without any annotated image gets none (and is reported). ``--refine-registration``
registers each pair beyond five points and keeps the face only (photo pairs).
"""
import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence, Tuple

import numpy as np

from mmfmpn.datasets.categories import CLASS_SETS, resolve_class_names
from mmfmpn.datasets.fold_masks import (load_split_faces, mask_training_splits, shown_classes,
                                        write_split_masks)
from mmfmpn.datasets.mask_provenance import ALL_SUBJECTS
from mmfmpn.utils.progress import track_progress


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
    parser.add_argument('--overwrite', action='store_true', help='replace masks that already exist')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the mask builder; returns the process exit status."""
    args = parse_args(argv)
    data_root = str(args.data_root)
    try:
        class_names = class_names_argument(args.classes)
        splits = mask_training_splits(data_root, class_names, args.folds, args.all_subjects)
        existing = [
            args.data_root / 'imgs_res' / split.name for split in splits
            if (args.data_root / 'imgs_res' / split.name / 'montage.png').exists()
        ]
        if existing and not args.overwrite:
            raise ValueError(f'masks exist in {", ".join(map(str, existing))}; pass '
                             '--overwrite to replace them')
        faces = load_split_faces(
            splits, lambda paths: track_progress(paths, f'Loading {len(paths)} aligned faces'))
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    shown = shown_classes(splits)
    absent = [name for index, name in enumerate(class_names) if index not in shown]
    if absent:
        print(f'no annotated image of {", ".join(absent)}: no mask for them')
    for split in splits:
        try:
            mask_dir = write_split_masks(
                data_root, split, class_names, faces, shown, refine=args.refine_registration)
        except ValueError as err:
            print(f'error: {err}', file=sys.stderr)
            return 1
        counts = np.bincount([item['gt_label'] for item in split.items], minlength=len(class_names))
        print(f'{split.description}: {len(split.items)} training images '
              f'({", ".join(map(str, counts))} per class) -> {mask_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
