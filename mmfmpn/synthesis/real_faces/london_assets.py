"""Small face crops of the London Set that the repository ships for ``make demo``.

From each person's neutral photo (with the lab's 189 landmarks) and smiling photo, one
``crop_size`` gray crop of each, both in the neutral crop's frame, and a ``faces.json``::

    [{"subject": "001", "neutral": "neutral/001.png", "smiling": "smiling/001.png",
      "landmarks_68": [[x, y], ...],            neutral face, crop pixels
      "smile_mouth_corner_shift": [[dx, dy], [dx, dy]]}, ...]

The smiling photo has no landmarks and the head moved between the two photos: it is brought
into the neutral crop by the similarity between the MTCNN eyes and nose of the two photos, then
registered onto the neutral crop by dense ECC over the still upper face
(:func:`mmfmpn.masks.registration.refine_registration`). The mouth corners' shift (smiling minus
neutral, both from MTCNN, mapped into the crop) tells how broad the smile is.
"""
import json
from pathlib import Path
from typing import Callable, List, Sequence

import cv2
import numpy as np

from mmfmpn.masks.alignment import estimate_similarity_transform, transform_points, warp_to_crop
from mmfmpn.masks.image_io import read_image_file, write_png_atomic
from mmfmpn.masks.registration import refine_registration, still_region
from mmfmpn.utils.file_io import write_text_atomic
from .landmarks import london_to_ibug68

#: Credit line required by the London Set's CC BY 4.0 licence.
LONDON_CREDIT = ('DeBruine, L. & Jones, B. (2017). Face Research Lab London Set. '
                 'doi:10.6084/m9.figshare.5047666.v5. CC BY 4.0.')
#: London people the shipped crops leave out, for testing on people never trained on.
HELD_OUT_SUBJECTS = ('034', '036', '037', '038', '039', '041', '042', '043', '044', '045')

#: ``(5, 2)`` points of a face -> the function giving them (the MTCNN detector in practice).
FivePointSource = Callable[[np.ndarray, str], np.ndarray]


def _crop_matrix(landmarks: np.ndarray, crop_size: int, eye_distance: float) -> np.ndarray:
    """Similarity putting the eye centres level, ``eye_distance`` apart, at 0.4 of the height."""
    eyes = np.stack([landmarks[36:42].mean(axis=0), landmarks[42:48].mean(axis=0)])
    centre_x, eye_y = (crop_size - 1) / 2, 0.4 * crop_size
    target = np.array([[centre_x - eye_distance / 2, eye_y], [centre_x + eye_distance / 2, eye_y]])
    return estimate_similarity_transform(eyes, target)


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2x3 affine map ``outer(inner(x))``."""
    return np.hstack([outer[:, :2] @ inner[:, :2], outer[:, :2] @ inner[:, 2:] + outer[:, 2:]])


def build_face_assets(london_root: Path,
                      out_dir: Path,
                      five_points_of: FivePointSource,
                      exclude: Sequence[str] = HELD_OUT_SUBJECTS,
                      crop_size: int = 128,
                      eye_distance: float = 36.0) -> List[dict]:
    """Write the neutral and smiling crops and ``faces.json`` of the London people.

    Args:
        london_root (Path): The London Set folder with ``annotations.json``.
        out_dir (Path): Output folder (``neutral/``, ``smiling/``, ``faces.json``).
        five_points_of (Callable): ``(BGR image, source) -> (5, 2)`` MTCNN-style five points.
        exclude (Sequence[str]): Subjects to leave out (held out from training). Defaults to
            :data:`HELD_OUT_SUBJECTS`.
        crop_size (int): Side of the square crops. Defaults to 128.
        eye_distance (float): Distance between the eye centres in the crops. Defaults to 36.

    Returns:
        list[dict]: The ``faces.json`` entries.

    Raises:
        FileNotFoundError: ``annotations.json`` or a photo is missing.
        ValueError: An entry without the 189 landmarks.
    """
    annotation_path = Path(london_root) / 'annotations.json'
    if not annotation_path.is_file():
        raise FileNotFoundError(f'{annotation_path}: missing; pass the london-faces folder')
    people = json.loads(annotation_path.read_text(encoding='utf-8'))
    entries = []
    for person in people:
        subject = str(person['subject'])
        if subject in exclude:
            continue
        if 'neutral_landmarks_189' not in person:
            raise ValueError(f'{annotation_path}: subject {subject} has no '
                             'neutral_landmarks_189; the crops need them')
        neutral_path = Path(london_root) / person['neutral']
        smiling_path = Path(london_root) / person['smiling']
        neutral = read_image_file(neutral_path, cv2.IMREAD_COLOR)
        smiling = read_image_file(smiling_path, cv2.IMREAD_COLOR)
        landmarks = london_to_ibug68(person['neutral_landmarks_189'])
        to_crop = _crop_matrix(landmarks, crop_size, eye_distance)
        neutral_points = five_points_of(neutral, str(neutral_path))
        smiling_points = five_points_of(smiling, str(smiling_path))
        # Eyes and nose: the smile moves the mouth corners.
        smile_to_neutral = estimate_similarity_transform(smiling_points[:3], neutral_points[:3])
        smile_to_crop = _compose(to_crop, smile_to_neutral)
        neutral_crop = warp_to_crop(cv2.cvtColor(neutral, cv2.COLOR_BGR2GRAY), to_crop, crop_size)
        smiling_crop = warp_to_crop(
            cv2.cvtColor(smiling, cv2.COLOR_BGR2GRAY), smile_to_crop, crop_size)
        crop_landmarks = transform_points(landmarks, to_crop)
        registration = refine_registration(smiling_crop, neutral_crop,
                                           still_region(crop_landmarks, neutral_crop.shape))
        # The registered image at x shows the smiling crop at matrix @ x: invert for points.
        inverse = cv2.invertAffineTransform(registration.matrix)
        smile_corners = transform_points(
            transform_points(smiling_points[3:], smile_to_crop), inverse)
        neutral_corners = transform_points(neutral_points[3:], to_crop)
        write_png_atomic(Path(out_dir) / 'neutral' / f'{subject}.png', neutral_crop)
        write_png_atomic(Path(out_dir) / 'smiling' / f'{subject}.png', registration.image)
        entries.append(
            dict(
                subject=subject,
                neutral=f'neutral/{subject}.png',
                smiling=f'smiling/{subject}.png',
                landmarks_68=np.round(crop_landmarks, 2).tolist(),
                smile_mouth_corner_shift=np.round(smile_corners - neutral_corners, 2).tolist()))
    write_text_atomic(Path(out_dir) / 'faces.json', json.dumps(entries, indent=1) + '\n')
    return entries
