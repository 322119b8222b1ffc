"""The ground-truth motion masks of every fold of a converted dataset (paper Eq. 1).

The training images of a fold are those that :class:`FERAnnotationDataset` selects for
``fold=K, split='train'``: the masks and the training runs select their splits through
the same code. Each mask folder records which training images built it
(:mod:`mmfmpn.datasets.mask_provenance`), so that a dataset refuses masks of other folds.
"""
import os.path as osp
from pathlib import Path
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence

import numpy as np

from mmfmpn.masks.image_io import read_gray_image, write_png_atomic
from mmfmpn.masks.motion_masks import class_motion_masks, motion_mask_montage
from .fer_annotation import FERAnnotationDataset
from .mask_provenance import (ALL_SUBJECTS, PROVENANCE_FILE, training_images_fingerprint,
                              write_mask_provenance)

#: The annotation file that the converters write and the masks are built from.
ANNOTATION_FILE = 'annotations.csv'


class MaskSplit(NamedTuple):
    """The training images of one mask folder.

    Args:
        name (str): ``'K'`` for fold K, :data:`ALL_SUBJECTS` for every subject.
        description (str): For messages, e.g. ``'fold 3 (train_ids_3.csv)'``.
        items (list[dict]): Dataset items with ``img_path``, ``neutral_path``,
            ``gt_label`` and, when known, ``subject``.
    """
    name: str
    description: str
    items: List[dict]


def available_folds(data_root: str) -> List[int]:
    """Every K with a ``train_ids_K.csv`` in ``data_root``, ascending."""
    return sorted(
        int(path.stem[len('train_ids_'):]) for path in Path(data_root).glob('train_ids_*.csv')
        if path.stem[len('train_ids_'):].isdigit())


def _split_items(data_root: str, class_names: Sequence[str], fold: Optional[int],
                 split: Optional[str]) -> List[dict]:
    dataset = FERAnnotationDataset(
        data_root=data_root,
        ann_file=ANNOTATION_FILE,
        fold=fold,
        split=split,
        classes=tuple(class_names),
        serialize_data=False)
    return [dataset.get_data_info(index) for index in range(len(dataset))]


def mask_training_splits(data_root: str,
                         class_names: Sequence[str],
                         folds: Optional[Iterable[int]] = None,
                         all_subjects: bool = True) -> List[MaskSplit]:
    """The training images of every mask folder to build, checked for Eq. 1.

    Args:
        data_root (str): A folder written by a converter (``annotations.csv`` with
            neutral faces, ``train_ids_K.csv``).
        class_names (Sequence[str]): The classes in mask index order.
        folds (Iterable[int], optional): Fold indices. Defaults to None: every K with a
            ``train_ids_K.csv``.
        all_subjects (bool): Also the masks of every subject (:data:`ALL_SUBJECTS`), for
            transfer to other datasets. Defaults to True.

    Returns:
        list[MaskSplit]: One per mask folder, folds first.

    Raises:
        FileNotFoundError: A missing annotation file, split file or image.
        ValueError: No split at all, a class outside ``class_names``, an image without
            neutral face, or a subject in both the training and the test split of a fold
            (its test images would shape the masks).
    """
    folds = available_folds(data_root) if folds is None else list(folds)
    splits = []
    for fold in folds:
        training = _split_items(data_root, class_names, fold, 'train')
        test_subjects = {
            item.get('subject', '')
            for item in _split_items(data_root, class_names, fold, 'test')
        } - {''}  # rows without a subject cannot be checked
        shared = sorted(test_subjects & {item.get('subject') for item in training})
        if shared:
            raise ValueError(
                f'{osp.join(data_root, f"train_ids_{fold}.csv")}: subjects '
                f'{", ".join(shared)} are also in test_ids_{fold}.csv; the fold is not '
                'subject independent, so its masks would see test subjects')
        splits.append(MaskSplit(str(fold), f'fold {fold} (train_ids_{fold}.csv)', training))
    if all_subjects:
        splits.append(
            MaskSplit(ALL_SUBJECTS, 'all subjects', _split_items(data_root, class_names, None,
                                                                 None)))
    if not splits:
        raise ValueError(f'{data_root} has no train_ids_K.csv; run a converter first '
                         'or build the masks of all subjects (--all-subjects)')
    for split in splits:
        without_neutral = [item['img_path'] for item in split.items if 'neutral_path' not in item]
        if without_neutral:
            raise ValueError(f'{osp.join(data_root, ANNOTATION_FILE)}: {without_neutral[0]} has no '
                             'neutral face; Eq. 1 masks subtract each image\'s neutral face of the '
                             'same sequence. For data without neutral faces (AffectNet, single '
                             'photos) borrow masks built on another dataset by class name, e.g. '
                             'CK+\'s imgs_res/all (configs/fmpn/fmpn_inceptionv3_affectnet.py), '
                             'and/or add landmark prior maps (LandmarkPriorMask, configs/fmpn/'
                             'fmpn-landmark-prior_inceptionv3_affectnet.py)')
    return splits


def load_split_faces(
        splits: Sequence[MaskSplit],
        progress: Callable[[Sequence[str]], Iterable[str]] = iter) -> Dict[str, np.ndarray]:
    """Read every expressive and neutral face the splits need, once.

    Args:
        splits (Sequence[MaskSplit]): From :func:`mask_training_splits`.
        progress (Callable): Wraps the list of paths, e.g. in a progress bar.
            Defaults to ``iter``.

    Returns:
        dict[str, np.ndarray]: Path -> ``(H, W)`` uint8 gray face.
    """
    needed = sorted({
        item[key]
        for split in splits
        for item in split.items
        for key in ('img_path', 'neutral_path')
    })
    return {path: read_gray_image(path) for path in progress(needed)}


def shown_classes(splits: Sequence[MaskSplit]) -> List[int]:
    """The class indices that the splits' images show, ascending.

    Args:
        splits (Sequence[MaskSplit]): From :func:`mask_training_splits`.

    Returns:
        list[int]: Only these classes get a mask (a subset such as ``--classes ckplus`` on a
        smiles-only set); the others have no image to average.
    """
    return sorted({item['gt_label'] for split in splits for item in split.items})


def write_split_masks(data_root: str,
                      split: MaskSplit,
                      class_names: Sequence[str],
                      faces: Dict[str, np.ndarray],
                      shown: Optional[Sequence[int]] = None,
                      refine: bool = False) -> Path:
    """Build and write ``imgs_res/<split>/C.png``, its montage and its provenance.

    Args:
        data_root (str): The dataset folder.
        split (MaskSplit): From :func:`mask_training_splits`.
        class_names (Sequence[str]): The classes in mask index order.
        faces (dict[str, np.ndarray]): From :func:`load_split_faces`.
        shown (Sequence[int], optional): The class indices to build (their files keep the
            index in ``class_names``). Defaults to None (every class).
        refine (bool): Register each pair beyond five points and keep the face only
            (:func:`mmfmpn.masks.motion_masks.mean_absolute_difference`). Defaults to False.

    Returns:
        Path: The mask folder.

    Raises:
        ValueError: A shown class has no training image in the split.
    """
    shown = list(range(len(class_names))) if shown is None else list(shown)
    position = {class_index: rank for rank, class_index in enumerate(shown)}
    masks = class_motion_masks([faces[item['img_path']] for item in split.items],
                               [faces[item['neutral_path']] for item in split.items],
                               [position[item['gt_label']] for item in split.items],
                               num_classes=len(shown),
                               class_names=[class_names[index] for index in shown],
                               split_name=split.description,
                               refine=refine)
    mask_dir = Path(data_root) / 'imgs_res' / split.name
    # The old record goes first: an interrupted run must not vouch for mixed masks.
    (mask_dir / PROVENANCE_FILE).unlink(missing_ok=True)
    for class_index, mask in zip(shown, masks):
        write_png_atomic(mask_dir / f'{class_index}.png', mask)
    write_png_atomic(mask_dir / 'montage.png',
                     motion_mask_montage(masks, [class_names[index] for index in shown]))
    write_mask_provenance(
        mask_dir, split.name,
        training_images_fingerprint(
            (osp.basename(item['img_path']), class_names[item['gt_label']], item.get('subject', ''))
            for item in split.items))
    return mask_dir
