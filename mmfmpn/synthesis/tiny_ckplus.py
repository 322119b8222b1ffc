"""A tiny aligned dataset in the FMPN authors' CK+ layout: a learnable stand-in for tests and
benchmarks (no alignment, no raw tree; see :mod:`.ckplus` for the raw synthetic CK+)."""
import os
import os.path as osp
import pickle

import cv2
import numpy as np

NUM_CLASSES = 7


def make_tiny_ckplus(root: str,
                     num_subjects: int = 4,
                     num_folds: int = 2,
                     size: int = 32,
                     seed: int = 0) -> dict:
    """Write aligned stand-in faces, labels, folds and masks under ``root``.

    Each subject has one sequence per class (3 frames each); the face of
    class ``c`` has a bright blob at a class-specific place, and the fold
    masks mark those places, so a model can learn from it.

    Returns:
        dict: ``images`` (file names), ``labels`` (sequence key -> code) and
        ``folds`` (fold -> test subjects).
    """
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'imgs'), exist_ok=True)
    subjects = [f'S{5 + 5 * i:03d}' for i in range(num_subjects)]
    labels, images = {}, {}
    yy, xx = np.mgrid[:size, :size]
    centres = [((c + 1) * size // 9, (c * 3 % 7 + 1) * size // 8) for c in range(NUM_CLASSES)]
    for subject in subjects:
        for c in range(NUM_CLASSES):
            key = f'{subject}_{c + 1:03d}'
            labels[key] = float(c + 1)
            cy, cx = centres[c]
            blob = np.exp(-((yy - cy)**2 + (xx - cx)**2) / (2 * (size / 10)**2))
            for frame in (7, 8, 9):
                face = 80 + 100 * blob * frame / 9 + rng.normal(0, 8, blob.shape)
                name = f'{key}_{frame:08d}.png'
                cv2.imwrite(osp.join(root, 'imgs', name), np.clip(face, 0, 255).astype(np.uint8))
                images.setdefault(subject, []).append(name)
    labels[f'{subjects[0]}_099'] = -1  # an unlabelled sequence, as in CK+
    with open(osp.join(root, 'emotion_labels.pkl'), 'wb') as file:
        pickle.dump(labels, file, protocol=2)
    folds = {k: subjects[k::num_folds] for k in range(num_folds)}
    for k, test_subjects in folds.items():
        for split, members in (('test', test_subjects),
                               ('train', [s for s in subjects if s not in test_subjects])):
            names = [n for s in members for n in images[s]]
            with open(osp.join(root, f'{split}_ids_{k}.csv'), 'w') as file:
                file.write('\n'.join(names))
        mask_dir = osp.join(root, 'imgs_res', str(k))
        os.makedirs(mask_dir, exist_ok=True)
        for c, (cy, cx) in enumerate(centres):
            blob = np.exp(-((yy - cy)**2 + (xx - cx)**2) / (2 * (size / 8)**2))
            cv2.imwrite(osp.join(mask_dir, f'{c}.png'), (255 * blob).astype(np.uint8))
    return dict(images=[n for s in subjects for n in images[s]], labels=labels, folds=folds)
