from .annotation_file import FERAnnotation, read_annotation_file
from .categories import (AFFECTNET7_CLASSES, BASIC6_CLASSES, CKPLUS_CLASSES, CLASS_SETS,
                         NEUTRAL7_CLASSES, class_index_map, resolve_class_names)
from .ckplus import CKPlusDataset
from .fer_annotation import AffectNetDataset, FERAnnotationDataset, MMIDataset, OuluCASIADataset
from .fmpn_release import read_fmpn_ckplus_annotations, read_split_file
from .folds import read_image_list, subject_fold_split_files, subject_folds
from .jaffe import JAFFEDataset, parse_jaffe_name
from .transforms import *  # noqa: F401,F403

__all__ = [
    'CKPLUS_CLASSES', 'BASIC6_CLASSES', 'NEUTRAL7_CLASSES', 'AFFECTNET7_CLASSES', 'CLASS_SETS',
    'JAFFEDataset', 'parse_jaffe_name', 'class_index_map', 'resolve_class_names', 'CKPlusDataset',
    'read_split_file', 'FERAnnotation', 'read_annotation_file', 'FERAnnotationDataset',
    'OuluCASIADataset', 'MMIDataset', 'AffectNetDataset', 'read_image_list', 'subject_folds',
    'subject_fold_split_files', 'read_fmpn_ckplus_annotations'
]
