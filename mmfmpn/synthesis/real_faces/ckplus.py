"""Write expressive sequences of real people in the raw CK+ layout (``make demo``'s data).

Each person of a face folder (see :mod:`.london_assets`: a neutral crop with 68 landmarks and a
real smiling crop registered onto it) poses the seven CK+ expressions, each as a sequence from
the neutral photo to the apex: the FACS landmark motion of the expression's action units
(:func:`.expression_transfer.landmark_motion`) warps the photo, and the mouth interior, the
creases and a within-face lighting change are rendered on top (:mod:`.photo_rendering`). A
person's real smile gives an eighth sequence, labelled happy: the neutral photo morphs into the
smiling photo (both warped onto in-between landmarks and cross-dissolved), ending on the real
smile. A small head drift, exposure drift and sensor noise run through every sequence.

The layout is that of :mod:`mmfmpn.synthesis.ckplus` (``cohn-kanade-images``,
``Landmarks``, ``Emotion``), so ``prepare_ckplus.py``, ``make_masks.py`` and ``kfold.py`` read
it unchanged. Frames are ``crop_size`` square gray PNGs.
"""
import json
from pathlib import Path
from typing import List, NamedTuple, Optional, Union

import cv2
import numpy as np

from mmfmpn.datasets.categories import CKPLUS_CLASSES
from mmfmpn.masks.image_io import read_gray_image
from ..ckplus import prepare_out_dir, write_sequences
from ..face_model import sample_expression_action_units
from .expression_transfer import interocular_distance, landmark_motion, warp_to_landmarks
from .photo_rendering import crease_shading, lighting_field, mouth_opening, render_mouth_interior

#: The folder of London crops shipped with the repository.
DEFAULT_FACES_DIR = Path(__file__).resolve().parents[3] / 'assets' / 'london_faces'
#: Expression name of a sequence that ends on the person's real smiling photo.
REAL_SMILE = 'real smile'

_FRAMES_PER_SEQUENCE = (5, 8)
_PEAK_INTENSITY = (0.6, 1.0)
_HAPPY_MOTION = {'AU6': 1.0, 'AU12': 1.0}
_PNG_PARAMS = (cv2.IMWRITE_PNG_COMPRESSION, 1)
_STREAM_PLAN, _STREAM_SEQUENCE = 0, 1


class RealFace(NamedTuple):
    """One person of a face folder.

    Args:
        subject (str): e.g. ``'001'``.
        neutral (np.ndarray): ``(H, W)`` uint8 neutral crop.
        landmarks (np.ndarray): ``(68, 2)`` its iBUG landmarks, pixels.
        smiling (np.ndarray | None): ``(H, W)`` uint8 smiling crop registered onto the neutral
            one, or None.
        smiling_landmarks (np.ndarray | None): ``(68, 2)`` estimated landmarks of the smile.
    """
    subject: str
    neutral: np.ndarray
    landmarks: np.ndarray
    smiling: Optional[np.ndarray]
    smiling_landmarks: Optional[np.ndarray]


def smile_landmarks(landmarks: np.ndarray, mouth_corner_shift: np.ndarray) -> np.ndarray:
    """Landmarks of a real smile: the happy motion scaled to the measured mouth corners.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` neutral landmarks.
        mouth_corner_shift (np.ndarray): ``(2, 2)`` image-left and image-right mouth corner
            displacement of the smile, pixels.

    Returns:
        np.ndarray: ``(68, 2)`` landmarks, corners (48, 54) moved by exactly the shift.
    """
    unit = landmark_motion(landmarks, _HAPPY_MOTION)
    corners = unit[[48, 54]].ravel()
    scale = float(
        np.clip(corners @ np.ravel(mouth_corner_shift) / max(corners @ corners, 1e-9), 0.0, 1.3))
    moved = landmarks + scale * unit
    moved[[48, 54]] = landmarks[[48, 54]] + np.asarray(mouth_corner_shift)
    return moved


def read_faces(faces_dir: Union[str, Path] = DEFAULT_FACES_DIR) -> List[RealFace]:
    """Read a face folder's ``faces.json`` and crops.

    Args:
        faces_dir (str | Path): Folder with ``faces.json`` (see :mod:`.london_assets`).
            Defaults to the London crops shipped in ``assets/london_faces``.

    Returns:
        list[RealFace]: The people in file order.

    Raises:
        FileNotFoundError: ``faces.json`` or a crop is missing.
        ValueError: An entry without a subject, a neutral crop or 68 landmarks.
    """
    faces_dir = Path(faces_dir)
    index = faces_dir / 'faces.json'
    if not index.is_file():
        raise FileNotFoundError(f'{index}: missing; pass a folder written by '
                                'tools/dataset_converters/make_london_face_assets.py')
    faces = []
    for position, entry in enumerate(json.loads(index.read_text(encoding='utf-8'))):
        landmarks = np.asarray(entry.get('landmarks_68', ()), dtype=np.float64)
        if not entry.get('subject') or not entry.get('neutral') or landmarks.shape != (68, 2):
            raise ValueError(f'{index}: entry {position} needs subject, neutral and 68 '
                             'landmarks_68 points; rewrite it with make_london_face_assets.py')
        smiling = smiling_landmarks = None
        if entry.get('smiling'):
            smiling = read_gray_image(faces_dir / entry['smiling'])
            smiling_landmarks = smile_landmarks(
                landmarks, np.asarray(entry['smile_mouth_corner_shift'], dtype=np.float64))
        faces.append(
            RealFace(
                str(entry['subject']), read_gray_image(faces_dir / entry['neutral']), landmarks,
                smiling, smiling_landmarks))
    return faces


class SequencePlan(NamedTuple):
    """One sequence to write.

    Args:
        seed (int): Seed of the set.
        subject_number (int): e.g. 1 for ``S001``.
        sequence_number (int): e.g. 1 for ``001``.
        face (RealFace): The person.
        expression (str): A CK+ class name or :data:`REAL_SMILE`.
    """
    seed: int
    subject_number: int
    sequence_number: int
    face: RealFace
    expression: str

    @property
    def label(self) -> str:
        """The CK+ class of the sequence."""
        return 'happy' if self.expression == REAL_SMILE else self.expression

    @property
    def emotion_code(self) -> int:
        """CK+ emotion code 1-7 of :attr:`label`."""
        return CKPLUS_CLASSES.index(self.label) + 1


def plan_sequences(faces: List[RealFace], seed: int) -> List[SequencePlan]:
    """Every person poses each CK+ class once, plus their real smile, in a random order.

    Args:
        faces (list[RealFace]): The people; subject ids must be numbers below 1000.
        seed (int): Seed of the set.

    Returns:
        list[SequencePlan]: The sequences of every person, numbered from 1 per person.

    Raises:
        ValueError: A subject id that is not a number in 1..999.
    """
    plans = []
    for face in faces:
        if not face.subject.isdigit() or not 0 < int(face.subject) < 1000:
            raise ValueError(f'subject {face.subject!r}: CK+ ids need a number in 1..999')
        number = int(face.subject)
        rng = np.random.default_rng([seed, _STREAM_PLAN, number])
        expressions = list(CKPLUS_CLASSES) + ([REAL_SMILE] if face.smiling is not None else [])
        order = rng.permutation(len(expressions))
        plans.extend(
            SequencePlan(seed, number, index + 1, face, expressions[position])
            for index, position in enumerate(order))
    return plans


def _onset(progress: float) -> float:
    """Expression intensity along the sequence: slow start, apex held at the end."""
    ramp = min(1.0, progress / 0.8)
    return ramp * ramp * (3 - 2 * ramp)


def _capture_matrix(shift, angle_deg: float, scale: float, centre) -> np.ndarray:
    """Small head motion: rotation and scale about ``centre``, then a shift."""
    matrix = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), angle_deg, scale)
    matrix[:, 2] += shift
    return matrix


def render_sequence_frames(plan: SequencePlan) -> List[tuple]:
    """Render the frames of one sequence.

    Args:
        plan (SequencePlan): The sequence.

    Returns:
        list[tuple[np.ndarray, np.ndarray]]: Per frame, the ``(H, W)`` uint8 image and its
        ``(68, 2)`` float64 landmarks; the first frame is neutral, the last the apex.
    """
    rng = np.random.default_rng(
        [plan.seed, _STREAM_SEQUENCE, plan.subject_number, plan.sequence_number])
    face = plan.face
    landmarks, shape = face.landmarks, face.neutral.shape
    num_frames = int(rng.integers(_FRAMES_PER_SEQUENCE[0], _FRAMES_PER_SEQUENCE[1] + 1))
    if plan.expression == REAL_SMILE:
        action_units = {}
        apex_landmarks = face.smiling_landmarks
    else:
        action_units = sample_expression_action_units(plan.expression,
                                                      rng.uniform(*_PEAK_INTENSITY), rng)
        apex_landmarks = landmarks + landmark_motion(landmarks, action_units)
    eye_distance = interocular_distance(landmarks)
    closed_mouth = max(1.0, mouth_opening(landmarks) + 0.5)
    centre = landmarks[27:36].mean(axis=0)
    base = dict(
        shift=rng.uniform(-0.08, 0.08, 2) * eye_distance,
        angle=rng.uniform(-3, 3),
        scale=rng.uniform(0.96, 1.04))
    drift = dict(
        shift=rng.uniform(-0.04, 0.04, 2) * eye_distance,
        angle=rng.uniform(-1, 1),
        scale=rng.uniform(-0.015, 0.015))
    light = rng.uniform([-0.08, -0.06, -0.04, 0.9], [0.08, 0.06, 0.02, 1.1])
    light_drift = rng.uniform(-0.03, 0.03, 4) * [1, 1, 0.5, 1]
    noise_sigma = rng.uniform(0.8, 2.0)

    frames = []
    for index in range(num_frames):
        progress = index / (num_frames - 1)
        intensity = _onset(progress)
        if plan.expression == REAL_SMILE:
            moved = landmarks + intensity * (apex_landmarks - landmarks)
            image = ((1 - intensity) * warp_to_landmarks(face.neutral, landmarks, moved) +
                     intensity * warp_to_landmarks(face.smiling, apex_landmarks, moved))
        else:
            frame_units = {name: value * intensity for name, value in action_units.items()}
            moved = landmarks + landmark_motion(landmarks, frame_units)
            image = warp_to_landmarks(face.neutral, landmarks, moved)
            image = render_mouth_interior(image, moved, closed_mouth)
            image = image * (1 + crease_shading(moved, frame_units, shape))
        gradient_x, gradient_y, curvature, gain = light + progress * light_drift
        image = image * gain * lighting_field(moved, shape, gradient_x, gradient_y, curvature)
        capture = _capture_matrix(base['shift'] + progress * drift['shift'],
                                  base['angle'] + progress * drift['angle'],
                                  base['scale'] + progress * drift['scale'], centre)
        image = cv2.warpAffine(
            image.astype(np.float32),
            capture,
            shape[::-1],
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE)
        image += noise_sigma * rng.standard_normal(shape).astype(np.float32) + 0.5
        frame_landmarks = moved @ capture[:, :2].T + capture[:, 2]
        frames.append((np.clip(image, 0, 255).astype(np.uint8), frame_landmarks))
    return frames


def generate_real_face_ckplus(out_dir: str,
                              faces_dir: Union[str, Path] = DEFAULT_FACES_DIR,
                              seed: int = 0,
                              overwrite: bool = False,
                              num_workers: int = 1,
                              show_progress: bool = False) -> dict:
    """Write a CK+ tree of real people posing the seven CK+ expressions.

    The shipped 30 London people give 240 labelled sequences (30 of them real smiles) and
    about 1,550 frames of 128 px.

    Args:
        out_dir (str): Output folder; it must be empty or new unless ``overwrite``.
        faces_dir (str | Path): Face folder (see :func:`read_faces`). Defaults to the shipped
            London crops.
        seed (int): Seed; the same seed gives the same files. Defaults to 0.
        overwrite (bool): Replace the CK+ folders of a non-empty ``out_dir``. Defaults to
            False.
        num_workers (int): Processes rendering sequences in parallel. Defaults to 1.
        show_progress (bool): Show a progress bar. Defaults to False.

    Returns:
        dict: ``subjects``, ``sequences``, ``labelled_sequences`` (all of them),
        ``real_smiles`` and ``frames`` counts, and ``class_counts`` (sequences per CK+ class,
        in CK+ code order).
    """
    if seed < 0:
        raise ValueError(f'seed must be a non-negative integer, got {seed}')
    if num_workers < 1:
        raise ValueError(f'num_workers must be at least 1, got {num_workers}')
    faces = read_faces(faces_dir)
    plans = plan_sequences(faces, seed)
    root = Path(out_dir)
    prepare_out_dir(root, overwrite)
    frames = write_sequences(render_sequence_frames, plans, root, _PNG_PARAMS, num_workers,
                             show_progress)
    return dict(
        subjects=len(faces),
        sequences=len(plans),
        labelled_sequences=len(plans),
        real_smiles=sum(plan.expression == REAL_SMILE for plan in plans),
        frames=frames,
        class_counts={name: sum(plan.label == name for plan in plans)
                      for name in CKPLUS_CLASSES})
