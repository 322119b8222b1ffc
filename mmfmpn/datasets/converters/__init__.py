"""Dataset converters: raw datasets -> aligned faces, ``annotations.csv`` and folds.

One module per dataset, each with one ``prepare_*`` function; ``tools/dataset_converters/``
are their command lines, built with :mod:`.cli`.
"""
from .affectnet import prepare_affectnet
from .ckplus import CKPlusConversion, prepare_ckplus
from .common import (LANDMARKS_FILE_FORMAT, BadSampleError, Conversion, ConversionError,
                     ConversionOptions)
from .london_faces import prepare_london_faces
from .mmi import prepare_mmi
from .oulu_casia import prepare_oulu_casia

__all__ = [
    'LANDMARKS_FILE_FORMAT', 'BadSampleError', 'Conversion', 'ConversionError', 'ConversionOptions',
    'CKPlusConversion', 'prepare_affectnet', 'prepare_ckplus', 'prepare_london_faces',
    'prepare_mmi', 'prepare_oulu_casia'
]
