from .categories import AFFECTNET7_CLASSES, BASIC6_CLASSES, CKPLUS_CLASSES
from .ckplus import CKPlusDataset, read_split_file
from .transforms import *  # noqa: F401,F403

__all__ = [
    'CKPLUS_CLASSES', 'BASIC6_CLASSES', 'AFFECTNET7_CLASSES', 'CKPlusDataset',
    'read_split_file'
]
