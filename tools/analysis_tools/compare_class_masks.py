"""Lay motion masks of one class from several sources side by side in one small PNG.

Each ``--panel TITLE=SOURCE`` is either a mask PNG (e.g. ``imgs_res/all/4.png`` from
``tools/make_masks.py`` or the FMPN authors' ``CKPlus/imgs_res/0/4.png``), or a converted
dataset folder whose ``annotations.csv`` pairs expressive and neutral faces: its Eq. 1 mask
of ``--class-name`` is computed from every row of that class. Example::

    python tools/analysis_tools/compare_class_masks.py docs/masks_happy_comparison.png \\
        --panel "synthetic CK+=data/ckplus_synthetic/imgs_res/all/4.png" \\
        --panel "authors' CK+=../shared/reference/fmpn-official/CKPlus/imgs_res/0/4.png" \\
        --panel "London faces=data/london_faces" --class-name happy
"""
import argparse
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from mmfmpn.datasets.annotation_file import read_annotation_file
from mmfmpn.masks.image_io import read_gray_image, write_png_atomic
from mmfmpn.masks.motion_masks import class_motion_masks, motion_mask_montage


def dataset_class_mask(data_root: Path, class_name: str) -> Tuple[np.ndarray, int]:
    """The Eq. 1 mask of one class over every annotated pair of a converted dataset.

    Args:
        data_root (Path): Folder with ``annotations.csv``, ``imgs/`` and ``neutral/``.
        class_name (str): The class.

    Returns:
        tuple[np.ndarray, int]: ``(H, W)`` uint8 mask and the number of pairs.

    Raises:
        ValueError: No row of that class has a neutral face.
    """
    rows = [
        row for row in read_annotation_file(data_root / 'annotations.csv')
        if row.label == class_name and row.neutral
    ]
    if not rows:
        raise ValueError(f'{data_root / "annotations.csv"}: no {class_name!r} row with '
                         'a neutral face; Eq. 1 needs expressive/neutral pairs')
    masks = class_motion_masks([data_root / row.image for row in rows],
                               [data_root / row.neutral for row in rows], [0] * len(rows),
                               num_classes=1,
                               class_names=[class_name],
                               split_name=str(data_root))
    return masks[0], len(rows)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the masks of one class from several sources side by side.')
    parser.add_argument('out', type=Path, help='output PNG')
    parser.add_argument(
        '--panel',
        action='append',
        required=True,
        metavar='TITLE=SOURCE',
        help='a mask PNG, or a converted dataset folder (its Eq. 1 mask of '
        '--class-name); repeat for each panel')
    parser.add_argument(
        '--class-name',
        default='happy',
        help='class of the dataset-folder panels (default: '
        '%(default)s)')
    parser.add_argument(
        '--tile-size',
        type=int,
        default=140,
        help='side of each tile in pixels (default: %(default)s)')
    parser.add_argument(
        '--caption', default='', help='a line under the tiles, e.g. the attribution of the photos')
    return parser.parse_args(argv)


def _caption_strip(width: int, text: str) -> np.ndarray:
    strip = np.zeros((20, width), dtype=np.uint8)
    cv2.putText(strip, text, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.33, 255, 1, cv2.LINE_AA)
    return strip


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Build the figure; returns the process exit status."""
    args = parse_args(argv)
    titles: List[str] = []
    masks: List[np.ndarray] = []
    for panel in args.panel:
        title, separator, source = panel.partition('=')
        if not separator or not title or not source:
            print(f'error: --panel {panel!r} is not TITLE=SOURCE', file=sys.stderr)
            return 2
        source_path = Path(source)
        try:
            if source_path.is_dir():
                mask, pairs = dataset_class_mask(source_path, args.class_name)
                print(f'{title}: Eq. 1 mask of {pairs} {args.class_name} pairs in '
                      f'{source_path}')
            else:
                mask = read_gray_image(source_path)
                print(f'{title}: {source_path}')
        except (OSError, ValueError) as err:
            print(f'error: {err}', file=sys.stderr)
            return 2
        titles.append(title)
        # Sources may differ in size (crop sizes); show them at the first one's.
        if masks and mask.shape != masks[0].shape:
            mask = cv2.resize(mask, masks[0].shape[::-1], interpolation=cv2.INTER_AREA)
        masks.append(mask)
    figure = motion_mask_montage(np.stack(masks), titles, tile_size=args.tile_size)
    if args.caption:
        figure = np.vstack([figure, _caption_strip(figure.shape[1], args.caption)])
    write_png_atomic(args.out, figure)
    print(f'Wrote {args.out} ({figure.shape[1]}x{figure.shape[0]}).')
    return 0


if __name__ == '__main__':
    sys.exit(main())
