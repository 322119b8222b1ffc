"""Which training images built a folder of motion masks, so that stale masks are refused.

``tools/make_masks.py`` writes ``imgs_res/K/provenance.json`` next to the masks of fold K::

    {"split": "K", "num_images": 840, "training_images_sha256": "3f5a..."}

The fingerprint covers each training image's file name, class and subject. A dataset
that loads fold K recomputes it from fold K's training split as it is now and refuses
masks built for other folds (e.g. after the converter was re-run with other folds):
those masks would carry test subjects into the prior. Folders without the file (the
FMPN authors' released masks, masks written before provenance existed) load as before.
"""
import hashlib
import json
from pathlib import Path
from typing import Dict, Iterable, Tuple, Union

from mmfmpn.utils.file_io import write_text_atomic

#: The mask folder built from every subject (imgs_res/all), for other datasets to borrow.
ALL_SUBJECTS = 'all'
#: The provenance file in each mask folder.
PROVENANCE_FILE = 'provenance.json'


def training_images_fingerprint(samples: Iterable[Tuple[str, str, str]]) -> Tuple[int, str]:
    """Fingerprint of the training images that build a fold's masks.

    Args:
        samples (Iterable[tuple[str, str, str]]): ``(image file name, class name,
            subject)`` per training image, in any order.

    Returns:
        tuple[int, str]: The number of images and the SHA-256 hex digest of the sorted
        rows.
    """
    rows = sorted('\t'.join(sample) for sample in samples)
    digest = hashlib.sha256('\n'.join(rows).encode('utf-8')).hexdigest()
    return len(rows), digest


def write_mask_provenance(mask_folder: Union[str, Path], split: str,
                          fingerprint: Tuple[int, str]) -> None:
    """Record which training images built the masks in ``mask_folder`` (atomically).

    Args:
        mask_folder (str | Path): ``imgs_res/K``.
        split (str): The fold ``'K'``, or ``'all'`` for masks of every subject.
        fingerprint (tuple[int, str]): From :func:`training_images_fingerprint`.
    """
    num_images, digest = fingerprint
    write_text_atomic(
        Path(mask_folder) / PROVENANCE_FILE,
        json.dumps(
            dict(split=split, num_images=num_images, training_images_sha256=digest), indent=2) +
        '\n')


def read_mask_provenance(mask_folder: Union[str, Path]) -> Union[Dict, None]:
    """The provenance of a mask folder, or None when it has none.

    Args:
        mask_folder (str | Path): ``imgs_res/K``.

    Returns:
        dict | None: ``split``, ``num_images`` and ``training_images_sha256``.

    Raises:
        ValueError: The file exists but is not the JSON that
            :func:`write_mask_provenance` writes.
    """
    path = Path(mask_folder) / PROVENANCE_FILE
    if not path.is_file():
        return None
    try:
        provenance = json.loads(path.read_text(encoding='utf-8'))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: not valid JSON ({err}); rebuild the masks with '
                         'tools/make_masks.py DATA_ROOT --overwrite') from err
    if not isinstance(provenance, dict) or not {'split', 'num_images', 'training_images_sha256'
                                                } <= set(provenance):
        raise ValueError(f'{path}: expected keys split, num_images and '
                         'training_images_sha256; rebuild the masks with '
                         'tools/make_masks.py DATA_ROOT --overwrite')
    return provenance


def check_mask_provenance(mask_folder: Union[str, Path], split: str, fingerprint: Tuple[int, str],
                          source: str) -> None:
    """Refuse masks that other training images built.

    Args:
        mask_folder (str | Path): ``imgs_res/K``.
        split (str): The fold the dataset loads, ``'K'``.
        fingerprint (tuple[int, str]): Of fold K's training images now
            (:func:`training_images_fingerprint`).
        source (str): Where the training split comes from, for the message (e.g. the
            split file).

    Raises:
        ValueError: The folder records other training images (or another fold).
    """
    provenance = read_mask_provenance(mask_folder)
    if provenance is None:
        return
    num_images, digest = fingerprint
    if (str(provenance['split']) == str(split) and provenance['training_images_sha256'] == digest):
        return
    raise ValueError(f'{Path(mask_folder) / PROVENANCE_FILE}: these masks were built from '
                     f'{provenance["num_images"]} training images of split '
                     f'{provenance["split"]!r}, but fold {split} now trains on {num_images} other '
                     f'images ({source}): the folds changed after the masks were built, and the '
                     'old masks may have seen test subjects. Rebuild them: python '
                     'tools/make_masks.py DATA_ROOT --overwrite')
