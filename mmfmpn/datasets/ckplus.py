import glob
import os.path as osp
import re
from typing import List, Optional

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from mmfmpn.utils import load_restricted_pickle
from .categories import CKPLUS_CLASSES
from .folds import read_image_list

_IMAGE_NAME = re.compile(r'^(S\d+)_(\d+)_(\d+)\.png$')


def read_split_file(path: str) -> List[str]:
    """Read an FMPN split file: one image file name per line, no header.

    Args:
        path (str): ``train_ids_K.csv`` or ``test_ids_K.csv``.

    Returns:
        list[str]: Image file names such as ``S005_001_00000009.png``.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: The file is empty or a line is not a CK+ image name.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'Split file {path} does not exist.')
    names = read_image_list(path)
    for line_no, name in enumerate(names, 1):
        if not _IMAGE_NAME.match(name):
            raise ValueError(
                f'{path}, entry {line_no}: {name!r} is not a CK+ image name; '
                'expected one name like S005_001_00000009.png per line, no '
                'header.')
    return names


@DATASETS.register_module()
class CKPlusDataset(BaseDataset):
    """CK+ in the FMPN authors' released layout.

    ::

        data_root/
          imgs/S005_001_00000009.png ...       aligned faces
          train_ids_{fold}.csv, test_ids_{fold}.csv
          emotion_labels.pkl                   {'S005_001': 1..7 or -1}
          imgs_res/{fold}/{class index}.png    ground-truth motion masks

    ``tools/dataset_converters/prepare_ckplus.py`` writes it from raw CK+,
    ``tools/make_masks.py`` the masks. Each item carries ``img_path``,
    ``gt_label`` (0-based, :data:`CKPLUS_CLASSES` order), ``subject`` and
    ``motion_mask_path`` (its class mask for its fold).

    Args:
        data_root (str): The dataset folder.
        fold (int): Cross-validation fold, 0..9 for the authors' splits.
        split (str): ``'train'`` or ``'test'``.
        pipeline (Sequence): Transforms. Defaults to ().
        img_dir (str): Image folder under ``data_root``. Defaults to 'imgs'.
        label_file (str): Label pickle under ``data_root``.
            Defaults to 'emotion_labels.pkl'.
        mask_dir (str, optional): Mask folder under ``data_root``; None for
            items without masks. Defaults to 'imgs_res'.
        **kwargs: Other arguments of ``mmpretrain.datasets.BaseDataset``.
    """

    METAINFO = {'classes': CKPLUS_CLASSES}

    def __init__(self,
                 data_root: str,
                 fold: int,
                 split: str,
                 pipeline=(),
                 img_dir: str = 'imgs',
                 label_file: str = 'emotion_labels.pkl',
                 mask_dir: Optional[str] = 'imgs_res',
                 **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(f"CKPlusDataset: split must be 'train' or "
                             f"'test', got {split!r}.")
        split_file = osp.join(data_root, f'{split}_ids_{fold}.csv')
        if not osp.isfile(split_file):
            folds = sorted(
                int(m.group(1)) for m in (
                    re.search(r'_ids_(\d+)\.csv$', p) for p in glob.glob(
                        osp.join(data_root, f'{split}_ids_*.csv'))) if m)
            raise FileNotFoundError(
                f'CKPlusDataset: unknown fold {fold!r}: {split_file} does not '
                f'exist. Folds found in {data_root}: {folds or "none"}; '
                'prepare the data with tools/dataset_converters/'
                'prepare_ckplus.py.')
        self.fold = fold
        self.split = split
        self.img_dir = img_dir
        self.label_file = label_file
        self.mask_dir = mask_dir
        super().__init__(
            ann_file=f'{split}_ids_{fold}.csv',
            data_root=data_root,
            pipeline=pipeline,
            test_mode=split == 'test',
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the split and the labels, and check every file exists."""
        names = read_split_file(self.ann_file)
        label_path = osp.join(self.data_root, self.label_file)
        labels = load_restricted_pickle(label_path)
        if not isinstance(labels, dict):
            raise ValueError(f'{label_path}: expected a dict from sequence '
                             f"key ('S005_001') to label 1..7, got "
                             f'{type(labels).__name__}.')
        num_classes = len(self.metainfo['classes'])
        data_list, missing = [], []
        for name in names:
            subject, sequence, _ = _IMAGE_NAME.match(name).groups()
            key = f'{subject}_{sequence}'
            if key not in labels:
                raise KeyError(f'{label_path}: no label for {key!r} (listed '
                               f'in {self.ann_file}).')
            code = labels[key]
            if not (isinstance(code, (int, float)) and code == int(code)
                    and 1 <= code <= num_classes):
                raise ValueError(
                    f'{label_path}: label {code!r} of {key!r} (listed in '
                    f'{self.ann_file}) is outside 1..{num_classes} '
                    f'({", ".join(self.metainfo["classes"])}); unlabelled '
                    '(-1) sequences must not be in a split file.')
            gt_label = int(code) - 1
            item = dict(
                img_path=osp.join(self.data_root, self.img_dir, name),
                gt_label=gt_label,
                subject=subject)
            if self.mask_dir is not None:
                item['motion_mask_path'] = osp.join(self.data_root,
                                                    self.mask_dir,
                                                    str(self.fold),
                                                    f'{gt_label}.png')
            for key in ('img_path', 'motion_mask_path'):
                if key in item and not osp.isfile(item[key]):
                    missing.append(item[key])
            data_list.append(item)
        if missing:
            raise FileNotFoundError(
                f'CKPlusDataset ({self.ann_file}): {len(set(missing))} '
                f'files are missing, e.g. {sorted(set(missing))[:3]}. Images '
                'come from tools/dataset_converters/prepare_ckplus.py, masks '
                'from tools/make_masks.py (or set mask_dir=None).')
        return data_list
