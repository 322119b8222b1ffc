"""JAFFE (the Japanese Female Facial Expression database): its file names and its dataset.

JAFFE holds 213 gray 256x256 TIFF images of 10 Japanese women (the *posers*), each posing
neutral and the six basic expressions two to four times. Everything about an image is in its
name, ``KA.AN1.39.tiff``: poser ``KA``, expression ``AN`` (anger), take 1, image id 39.
"""
import re
from types import MappingProxyType
from typing import Mapping, NamedTuple

from mmpretrain.registry import DATASETS

from .categories import NEUTRAL7_CLASSES
from .fer_annotation import FERAnnotationDataset

#: JAFFE's expression codes -> class names of :data:`NEUTRAL7_CLASSES` (same order).
JAFFE_EXPRESSION_CODES: Mapping[str, str] = MappingProxyType(
    dict(zip(('NE', 'AN', 'DI', 'FE', 'HA', 'SA', 'SU'), NEUTRAL7_CLASSES)))

_JAFFE_NAME = re.compile(r'^([A-Z]{2})\.([A-Z]{2})(\d+)\.(\d+)\.(tiff?)$')
_NAME_FORMAT = ('POSER.EXPRESSION<take>.<image id>.tiff, e.g. KA.AN1.39.tiff: two capital '
                'letters for the poser, an expression code (' + ' '.join(JAFFE_EXPRESSION_CODES) +
                '), the take number, the image id')


class JAFFEName(NamedTuple):
    """What a JAFFE file name says.

    Args:
        poser (str): ``'KA'``.
        code (str): Expression code, ``'AN'``.
        take (int): Take of this expression by this poser, from 1.
        image_id (int): JAFFE's running image number.
    """
    poser: str
    code: str
    take: int
    image_id: int

    @property
    def label(self) -> str:
        """The class name, ``'anger'`` for ``AN``."""
        return JAFFE_EXPRESSION_CODES[self.code]


def parse_jaffe_name(name: str) -> JAFFEName:
    """Read a JAFFE file name.

    Args:
        name (str): The file name (no folder), ``'KA.AN1.39.tiff'`` (``.tif`` also).

    Returns:
        JAFFEName: Poser, expression code, take and image id.

    Raises:
        ValueError: The name does not follow JAFFE's pattern, or its expression code is
            unknown; the message names the file and the expected pattern.
    """
    match = _JAFFE_NAME.match(name)
    if match is None:
        raise ValueError(f'{name}: not a JAFFE image name; expected {_NAME_FORMAT}')
    poser, code, take, image_id, _ = match.groups()
    if code not in JAFFE_EXPRESSION_CODES:
        raise ValueError(f'{name}: unknown expression code {code!r}; JAFFE uses ' +
                         ', '.join(f'{key} ({value})'
                                   for key, value in JAFFE_EXPRESSION_CODES.items()))
    return JAFFEName(poser, code, int(take), int(image_id))


@DATASETS.register_module()
class JAFFEDataset(FERAnnotationDataset):
    """JAFFE as written by ``tools/dataset_converters/prepare_jaffe.py``: neutral and the
    six basic expressions (:data:`NEUTRAL7_CLASSES`), the poser as the subject, five points
    per aligned face, and the folds of the conversion (leave one poser out by default, or
    random 10-fold) in ``train_ids_K.csv`` / ``test_ids_K.csv``.

    Args: see :class:`FERAnnotationDataset`.
    """
    METAINFO = {'classes': NEUTRAL7_CLASSES}
