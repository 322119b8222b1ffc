"""Datasets read from one annotation file: user data, Oulu-CASIA, MMI, AffectNet."""
import os
import os.path as osp
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Union

import cv2
from mmengine.logging import MMLogger
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .annotation_file import FERAnnotation, read_annotation_file
from .categories import AFFECTNET7_CLASSES, BASIC6_CLASSES, class_index_map, resolve_class_names
from .folds import read_image_list, subject_fold_split_files
from .mask_provenance import (ALL_SUBJECTS, check_mask_provenance, read_mask_provenance,
                              training_images_fingerprint)

#: Splits that folds computed from the subjects provide.
_FOLD_SPLITS = ('train', 'test')


@DATASETS.register_module()
class FERAnnotationDataset(BaseDataset):
    """Any facial expression dataset described by one annotation file.

    The file (CSV or JSON, see :mod:`mmfmpn.datasets.annotation_file`) lists each image with
    its class NAME, and optionally its subject, its sequence's neutral face and its
    landmarks. Every converter in ``tools/dataset_converters/`` writes one::

        data_root/
          annotations.csv                  image,label,subject,sequence,neutral[,landmarks]
          imgs/ neutral/                   aligned faces
          train_ids_K.csv, test_ids_K.csv  subject-independent folds (optional)
          train_ids.csv, val_ids.csv, ...  fixed splits without folds (optional)
          imgs_res/K/C.png                 motion masks of fold K (tools/make_masks.py)

    Which images form the split:

    - ``split=None``: every annotated image.
    - ``fold=None, split=S``: the images listed in ``S_ids.csv``.
    - ``fold=K, split=S``: those in ``S_ids_K.csv``; when that file does not exist and
      ``S`` is ``'train'`` or ``'test'``, subject-independent folds are computed from the
      ``subject`` column (same rule as the CK+ converter).

    Each item carries ``img_path``, ``gt_label`` and, when known, ``subject``,
    ``sequence``, ``neutral_path``, ``landmarks`` (``(K, 2)`` float32, pixels of the
    image) and ``motion_mask_path``. The mask of class ``c`` is
    ``mask_dir/<index of c in mask_classes>.png``, so masks of another dataset are borrowed
    by class name: a 6-class set with ``mask_classes='ckplus'`` reads CK+'s ``2.png`` for
    ``disgust``.

    Args:
        data_root (str): The dataset folder.
        ann_file (str): Annotation file under ``data_root``. Defaults to
            'annotations.csv'.
        fold (int, optional): Cross-validation fold. Defaults to None.
        split (str, optional): ``'train'``, ``'test'``, ``'val'`` ...; None for every image.
            Defaults to None.
        num_folds (int): Number of folds when they are computed from subjects.
            Defaults to 10.
        mask_dir (str, optional): Folder of the class masks, under ``data_root`` unless
            absolute; ``{fold}`` in it is replaced by the fold (e.g. ``'imgs_res/{fold}'``,
            or ``'data/ckplus/imgs_res/all'`` for borrowed masks). None for items without
            masks. Defaults to None.
        mask_classes (str | Sequence[str], optional): Class order of the masks in
            ``mask_dir``: names, or a class-set name such as ``'ckplus'``. Defaults to
            None (the dataset's classes).
        mask_class_renames (Mapping[str, str], optional): Dataset class name -> mask class
            name where they are spelled differently. Defaults to None.
        pipeline (Sequence): Transforms. Defaults to ().
        **kwargs: Other arguments of ``mmpretrain.datasets.BaseDataset``, notably
            ``classes`` (the class names in index order; required unless the subclass
            fixes them).
    """

    def __init__(self,
                 data_root: str,
                 ann_file: str = 'annotations.csv',
                 fold: Optional[int] = None,
                 split: Optional[str] = None,
                 num_folds: int = 10,
                 mask_dir: Optional[str] = None,
                 mask_classes: Union[str, Sequence[str], None] = None,
                 mask_class_renames: Optional[Mapping[str, str]] = None,
                 pipeline=(),
                 **kwargs):
        if mask_dir is not None and '{fold}' in mask_dir and fold is None:
            raise ValueError(f'{type(self).__name__}: mask_dir {mask_dir!r} contains {{fold}} but '
                             'fold is None; give a fold or a mask folder without {fold}')
        self.fold = fold
        self.split = split
        self.num_folds = num_folds
        self.mask_dir = mask_dir
        self.mask_classes = mask_classes
        self.mask_class_renames = mask_class_renames
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            pipeline=pipeline,
            test_mode=split == 'test',
            **kwargs)

    def read_annotations(self) -> List[FERAnnotation]:
        """Every annotated image of ``ann_file``; subclasses may read other formats.

        Returns:
            list[FERAnnotation]: In file order.
        """
        return read_annotation_file(self.ann_file)

    def load_data_list(self) -> List[dict]:
        """Read the annotations, select the split and check every file."""
        classes = self.metainfo.get('classes')
        if not classes:
            raise ValueError(f'{type(self).__name__}: no class list; pass classes=(...) with the '
                             f'class names of {self.ann_file} in index order')
        annotations = self.read_annotations()
        class_index = {name: index for index, name in enumerate(classes)}
        for annotation in annotations:
            if annotation.label not in class_index:
                raise ValueError(f'{annotation.location}: unknown class {annotation.label!r}; '
                                 f'the classes are {", ".join(classes)} (fix the row, or the '
                                 'class list: classes= of the dataset config, --classes of '
                                 'tools/make_masks.py)')
        mask_folder = self._mask_folder()
        mask_index = (
            class_index_map(
                classes,
                resolve_class_names(self.mask_classes) if self.mask_classes is not None else
                classes, self.mask_class_renames) if mask_folder is not None else None)
        folder = osp.dirname(self.ann_file)
        data_list, locations = [], []
        for annotation in self._select_split(annotations, self.split):
            item = dict(
                img_path=osp.join(folder, annotation.image), gt_label=class_index[annotation.label])
            for key, value in (('subject', annotation.subject), ('sequence', annotation.sequence)):
                if value:
                    item[key] = value
            if annotation.neutral:
                item['neutral_path'] = osp.join(folder, annotation.neutral)
            if annotation.landmarks is not None:
                item['landmarks'] = annotation.landmarks.astype('float32')
            if mask_folder is not None:
                item['motion_mask_path'] = osp.join(mask_folder,
                                                    f'{mask_index[item["gt_label"]]}.png')
            data_list.append(item)
            locations.append(annotation.location)
        self._check_files(data_list, locations)
        if mask_folder is not None and self.fold is not None:
            self._check_mask_provenance(annotations, mask_folder)
        return data_list

    def _check_files(self, data_list: List[dict], locations: List[str]) -> None:
        """Every listed file exists, and every face is a readable image file.

        Only the image header is read (cheap on large sets): an empty file or one that
        is no image format is caught here, before training, instead of mid-epoch.

        Args:
            data_list (list[dict]): The items.
            locations (list[str]): The annotation row of each item, for the messages.
        """
        missing, unreadable = [], []
        for item, location in zip(data_list, locations):
            for key in ('img_path', 'neutral_path', 'motion_mask_path'):
                path = item.get(key)
                if path is None:
                    continue
                if not osp.isfile(path):
                    missing.append(f'{path} ({location})')
                elif key != 'motion_mask_path' and not cv2.haveImageReader(path):
                    size = osp.getsize(path)
                    reason = 'empty file' if size == 0 else 'not an image format'
                    unreadable.append(f'{path} ({reason}; {location})')
        if missing:
            raise FileNotFoundError(
                f'{type(self).__name__}: {len(missing)} listed files are missing, e.g. '
                f'{"; ".join(missing[:3])}. Faces come from the converter, masks from '
                'tools/make_masks.py (or set mask_dir=None).')
        if unreadable:
            raise ValueError(
                f'{type(self).__name__}: {len(unreadable)} listed faces cannot be read '
                f'as images, e.g. {"; ".join(unreadable[:3])}. Re-run the converter '
                'that wrote them, or remove their rows from the annotation file.')

    def _check_mask_provenance(self, annotations: List[FERAnnotation], mask_folder: str) -> None:
        """Refuse fold masks that ``tools/make_masks.py`` built from other training
        images than this fold's (see :mod:`mmfmpn.datasets.mask_provenance`)."""
        inside_data_root = not osp.relpath(mask_folder, self.data_root).startswith(os.pardir)
        provenance = read_mask_provenance(mask_folder)
        if (not inside_data_root or provenance is None or str(provenance['split']) == ALL_SUBJECTS):
            return  # borrowed masks, no record, or masks of every subject
        training = self._select_split(annotations, 'train')
        check_mask_provenance(
            mask_folder,
            str(self.fold),
            training_images_fingerprint(
                (osp.basename(item.image), item.label, item.subject) for item in training),
            source=f'the train split of fold {self.fold} of {self.ann_file}')

    def _mask_folder(self) -> Optional[str]:
        if self.mask_dir is None:
            return None
        return osp.join(self.data_root, self.mask_dir.format(fold=self.fold))

    def _select_split(self, annotations: List[FERAnnotation],
                      split: Optional[str]) -> List[FERAnnotation]:
        """The annotations of ``split`` (of ``self.fold``) in split-file order.

        Args:
            annotations (list[FERAnnotation]): Every annotated image.
            split (str, optional): ``'train'``, ``'test'``, ...; None for every image.

        Returns:
            list[FERAnnotation]: The split's images.
        """
        if split is None:
            return annotations
        folder = Path(self.ann_file).parent
        logger = MMLogger.get_current_instance()
        if self.fold is None:
            split_file = folder / f'{split}_ids.csv'
            if not split_file.is_file():
                raise FileNotFoundError(
                    f'{type(self).__name__}: {split_file} does not exist; a split '
                    'without folds needs a file listing its images (or pass fold=K, '
                    'or split=None for every image)')
            return self._listed(annotations, split_file)
        split_file = folder / f'{split}_ids_{self.fold}.csv'
        if split_file.is_file():
            logger.info(f'{type(self).__name__}: {split} split of fold '
                        f'{self.fold} from {split_file}')
            return self._listed(annotations, split_file)
        if split not in _FOLD_SPLITS:
            raise FileNotFoundError(
                f'{type(self).__name__}: {split_file} does not exist, and folds '
                f'computed from subjects have only the splits {_FOLD_SPLITS}')
        without_subject = [item.location for item in annotations if not item.subject]
        if without_subject:
            raise ValueError(f'{type(self).__name__}: {split_file} does not exist, so the folds '
                             'are computed from subjects, but rows have no subject, e.g. '
                             f'{without_subject[0]}; fill the subject column or write the split '
                             'files')
        if not 0 <= self.fold < self.num_folds:
            raise ValueError(f'{type(self).__name__}: fold {self.fold} is outside '
                             f'0..{self.num_folds - 1} (num_folds={self.num_folds})')
        by_name = self._by_image_name(annotations)
        split_files = subject_fold_split_files(
            {
                name: item.subject
                for name, item in by_name.items()
            }, self.num_folds)
        logger.info(f'{type(self).__name__}: {split} split of fold '
                    f'{self.fold} computed from the subjects of {self.ann_file} '
                    f'({self.num_folds} folds)')
        return [by_name[name] for name in split_files[split_file.name]]

    @staticmethod
    def _by_image_name(annotations: List[FERAnnotation]) -> Dict[str, FERAnnotation]:
        by_name: Dict[str, FERAnnotation] = {}
        for annotation in annotations:
            name = osp.basename(annotation.image)
            if name in by_name:
                raise ValueError(f'{annotation.location}: image file name {name} is also used at '
                                 f'{by_name[name].location}; split files list file names, so '
                                 'they must be unique')
            by_name[name] = annotation
        return by_name

    def _listed(self, annotations: List[FERAnnotation], split_file: Path) -> List[FERAnnotation]:
        by_name = self._by_image_name(annotations)
        by_path = {annotation.image: annotation for annotation in annotations}
        selected = []
        for line_number, name in enumerate(read_image_list(split_file), 1):
            annotation = by_path.get(name) or by_name.get(name)
            if annotation is None:
                raise ValueError(f'{split_file}:{line_number}: {name} is not in {self.ann_file}; '
                                 'rerun the converter that wrote both')
            selected.append(annotation)
        return selected


@DATASETS.register_module()
class OuluCASIADataset(FERAnnotationDataset):
    """Oulu-CASIA (VIS camera, strong light) as written by
    ``tools/dataset_converters/prepare_oulu_casia.py``: the six basic expressions,
    10 subject-independent folds, neutral faces for the masks.

    Args: see :class:`FERAnnotationDataset`.
    """
    METAINFO = {'classes': BASIC6_CLASSES}


@DATASETS.register_module()
class MMIDataset(FERAnnotationDataset):
    """MMI (frontal sequences of the six basic expressions) as written by
    ``tools/dataset_converters/prepare_mmi.py``: 10 subject-independent folds, neutral
    faces for the masks.

    Args: see :class:`FERAnnotationDataset`.
    """
    METAINFO = {'classes': BASIC6_CLASSES}


@DATASETS.register_module()
class AffectNetDataset(FERAnnotationDataset):
    """AffectNet's seven basic expressions (no neutral) as written by
    ``tools/dataset_converters/prepare_affectnet.py``: splits ``train_ids.csv``,
    ``val_ids.csv`` and ``test_ids.csv`` (the official validation set), 68 landmarks per
    image, no neutral faces (borrow masks by class name or use landmark priors).

    Args: see :class:`FERAnnotationDataset`.
    """
    METAINFO = {'classes': AFFECTNET7_CLASSES}
