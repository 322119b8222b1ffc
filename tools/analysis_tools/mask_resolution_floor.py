"""How small can the mask generator's working size be? The exact floor.

A ``FacialMotionMaskGenerator`` with ``working_size=S`` makes an SxS mask and
resizes it bilinearly to the input size. Whatever it learns, its mask error
against a ground-truth mask G can then not go below

    min over SxS maps M of  mean((U M U^T - G)^2),

U being the 1-D bilinear upsampling matrix (PyTorch's bilinear resize is
separable). The minimum is ``M = pinv(U) G pinv(U)^T``. This tool computes it
for each class mask of a folder, after the train pipeline's geometry (resize,
centre crop), for several working sizes, next to the plain round trip
(resize G down to S and back up).

Usage:
    python tools/analysis_tools/mask_resolution_floor.py \\
        ../shared/reference/fmpn-official/CKPlus/imgs_res/0 \\
        --resize 320 --crop 299 --working-sizes 18 35 70 140
"""
import argparse
import glob
import os.path as osp
from typing import Dict, Optional, Sequence

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from mmfmpn.masks.image_io import read_gray_image
from mmfmpn.utils.cli import add_json_argument, write_json_output


def upsampling_matrix(working: int, size: int) -> np.ndarray:
    """``(size, working)`` matrix of PyTorch's 1-D linear resize.

    ``align_corners=False``, as ``FacialMotionMaskGenerator`` resizes.
    """
    basis = torch.eye(working, dtype=torch.float64)[:, None, :]
    return F.interpolate(basis, size=size, mode='linear', align_corners=False)[:, 0, :].T.numpy()


def pipeline_mask(mask: np.ndarray, resize: int, crop: int) -> np.ndarray:
    """A uint8 mask after ``Resize(resize)`` and ``CenterCrop(crop)``, in
    [0, 1] (what the network is trained against)."""
    resized = cv2.resize(mask, (resize, resize), interpolation=cv2.INTER_LINEAR)
    top = (resize - crop) // 2
    return resized[top:top + crop, top:top + crop].astype(np.float64) / 255


def resolution_floor(mask: np.ndarray, working: int) -> Dict[str, float]:
    """Least and round-trip MSE of an SxS representation of ``mask``.

    Args:
        mask (np.ndarray): Ground truth ``(H, W)`` in [0, 1], H == W.
        working (int): The working size S.

    Returns:
        dict[str, float]: ``floor`` (least squares over SxS maps) and
        ``round_trip`` (bilinear down to S, then up) mean squared errors.
    """
    size = mask.shape[0]
    up = upsampling_matrix(working, size)
    pseudo_inverse = np.linalg.pinv(up)
    best = pseudo_inverse @ mask @ pseudo_inverse.T
    floor = float(np.mean((up @ best @ up.T - mask)**2))
    tensor = torch.from_numpy(mask)[None, None]
    down = F.interpolate(tensor, size=(working, working), mode='bilinear', align_corners=False)
    back = F.interpolate(down, size=(size, size), mode='bilinear', align_corners=False)
    round_trip = float(torch.mean((back - tensor)**2))
    return dict(floor=floor, round_trip=round_trip)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='The least mask MSE a mask generator working at SxS can '
        'reach on a folder of class masks.')
    parser.add_argument('mask_dir', help='folder of class masks 0.png, 1.png, ...')
    parser.add_argument(
        '--resize', type=int, default=320, help='train pipeline resize (default: 320)')
    parser.add_argument(
        '--crop', type=int, default=299, help='network input size after the crop '
        '(default: 299)')
    parser.add_argument(
        '--working-sizes',
        type=int,
        nargs='+',
        default=[18, 35, 70, 140],
        help='working sizes to try (default: 18 35 70 140)')
    add_json_argument(parser)
    args = parser.parse_args(argv)
    if not 0 < args.crop <= args.resize:
        parser.error('need 0 < --crop <= --resize')
    if min(args.working_sizes) < 1:
        parser.error('--working-sizes must be >= 1')
    return args


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    files = sorted(
        glob.glob(osp.join(args.mask_dir, '[0-9]*.png')),
        key=lambda path: int(osp.splitext(osp.basename(path))[0]))
    if not files:
        raise SystemExit(f'{args.mask_dir}: no class masks 0.png, 1.png, ... '
                         '(tools/make_masks.py writes them).')
    masks = {
        int(osp.splitext(osp.basename(path))[0]):
        pipeline_mask(read_gray_image(path), args.resize, args.crop)
        for path in files
    }
    print(f'{len(masks)} class masks of {args.mask_dir} (native '
          f'{read_gray_image(files[0]).shape[1]} px), resized to '
          f'{args.resize}, centre crop {args.crop}; mean over classes')
    print(f'{"working size":>12}  {"floor MSE":>10}  {"round-trip MSE":>14}')
    results = []
    for working in args.working_sizes:
        per_class = [resolution_floor(m, working) for m in masks.values()]
        row = dict(
            working_size=working,
            floor=float(np.mean([r['floor'] for r in per_class])),
            round_trip=float(np.mean([r['round_trip'] for r in per_class])))
        results.append(row)
        print(f'{working:>12}  {row["floor"]:>10.2e}  '
              f'{row["round_trip"]:>14.2e}')
    result = dict(
        mask_dir=args.mask_dir,
        resize=args.resize,
        crop=args.crop,
        classes=sorted(masks),
        results=results)
    write_json_output(args.json, result)
    return result


if __name__ == '__main__':
    main()
