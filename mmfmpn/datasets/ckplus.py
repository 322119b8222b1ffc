import glob
import os.path as osp
import re
from typing import List, Optional

from mmpretrain.registry import DATASETS

from .annotation_file import FERAnnotation
from .categories import CKPLUS_CLASSES
from .fer_annotation import FERAnnotationDataset
from .fmpn_release import FMPN_LABEL_FILE, read_fmpn_ckplus_annotations

#: The annotation file that ``tools/dataset_converters/prepare_ckplus.py`` writes.
CKPLUS_ANNOTATION_FILE = 'annotations.csv'


@DATASETS.register_module()
class CKPlusDataset(FERAnnotationDataset):
    """CK+ with the FMPN authors' folds: an annotation-file dataset with CK+'s classes.

    ::

        data_root/
          annotations.csv                      image,label,subject,sequence,neutral
                                               (or the authors' emotion_labels.pkl)
          imgs/S005_001_00000009.png ...       aligned faces
          train_ids_{fold}.csv, test_ids_{fold}.csv
          imgs_res/{fold}/{class index}.png    ground-truth motion masks

    ``tools/dataset_converters/prepare_ckplus.py`` writes it from raw CK+,
    ``tools/make_masks.py`` the masks. The folder of the FMPN authors' release (label
    pickle, split files, masks; no annotation file) loads unchanged: without
    ``annotations.csv`` its ``emotion_labels.pkl`` is read through
    :func:`~mmfmpn.datasets.fmpn_release.read_fmpn_ckplus_annotations`. Each item
    carries ``img_path``, ``gt_label`` (0-based, :data:`CKPLUS_CLASSES` order),
    ``subject`` and ``motion_mask_path`` (its class mask for its fold).

    Args:
        data_root (str): The dataset folder.
        fold (int): Cross-validation fold, 0..9 for the authors' splits.
        split (str): ``'train'`` or ``'test'``.
        ann_file (str, optional): ``annotations.csv`` or the authors'
            ``emotion_labels.pkl``, under ``data_root``. Defaults to None: the first of the
            two that exists.
        mask_dir (str, optional): Mask folder under ``data_root`` (``{fold}`` is the
            fold); None for items without masks. Defaults to 'imgs_res/{fold}'.
        pipeline (Sequence): Transforms. Defaults to ().
        **kwargs: Other arguments of :class:`FERAnnotationDataset`.
    """

    METAINFO = {'classes': CKPLUS_CLASSES}

    def __init__(self,
                 data_root: str,
                 fold: int,
                 split: str,
                 ann_file: Optional[str] = None,
                 mask_dir: Optional[str] = 'imgs_res/{fold}',
                 pipeline=(),
                 **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(f"CKPlusDataset: split must be 'train' or "
                             f"'test', got {split!r}.")
        # CK+ folds are the converter's (or the authors') split files, never
        # computed here: an unknown fold is an error.
        split_file = osp.join(data_root, f'{split}_ids_{fold}.csv')
        if not osp.isfile(split_file):
            folds = sorted(
                int(m.group(1))
                for m in (re.search(r'_ids_(\d+)\.csv$', p)
                          for p in glob.glob(osp.join(data_root, f'{split}_ids_*.csv'))) if m)
            raise FileNotFoundError(f'CKPlusDataset: unknown fold {fold!r}: {split_file} does not '
                                    f'exist. Folds found in {data_root}: {folds or "none"}; '
                                    'prepare the data with tools/dataset_converters/'
                                    'prepare_ckplus.py.')
        if ann_file is None:
            ann_file = (
                CKPLUS_ANNOTATION_FILE
                if osp.isfile(osp.join(data_root, CKPLUS_ANNOTATION_FILE)) else FMPN_LABEL_FILE)
        super().__init__(
            data_root, ann_file, fold, split, mask_dir=mask_dir, pipeline=pipeline, **kwargs)

    def read_annotations(self) -> List[FERAnnotation]:
        """``annotations.csv``, or the authors' label pickle and split files."""
        if self.ann_file.endswith('.pkl'):
            return read_fmpn_ckplus_annotations(self.ann_file)
        return super().read_annotations()
