"""A tiny raw CK+ tree of drawn cartoon faces with known 68-point landmarks, for tests.

Faces are drawn from a template of the 68 iBUG landmarks laid out in the 96x112 reference
frame (its five points equal :data:`REFERENCE_FIVE_POINTS`), moved by a per-class expression
displacement and placed in the raw frame by a per-subject similarity transform.
"""
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, Iterable, List, NamedTuple, Optional

import cv2
import numpy as np

from mmfmpn.masks.alignment import REFERENCE_FIVE_POINTS

REPO_ROOT = Path(__file__).resolve().parents[1]


class SequenceSpec(NamedTuple):
    """One sequence to draw.

    Args:
        subject (str): e.g. ``'S005'``.
        number (str): e.g. ``'001'``.
        code (int | None): CK+ emotion code 1..7, None for an unlabelled sequence.
        num_frames (int): Frames from neutral (first) to peak (last).
    """
    subject: str
    number: str
    code: Optional[int]
    num_frames: int = 5


def _ellipse(centre, half_width, half_height, degrees):
    angles = np.deg2rad(np.asarray(degrees, dtype=np.float64))
    return np.stack(
        [centre[0] + half_width * np.cos(angles), centre[1] - half_height * np.sin(angles)], axis=1)


def template_landmarks() -> np.ndarray:
    """The neutral 68 landmarks in the 96x112 reference frame.

    Returns:
        np.ndarray: ``(68, 2)`` float64; eye means, nose tip and mouth corners equal the
        reference five points.
    """
    left_eye, right_eye, nose, left_mouth, right_mouth = REFERENCE_FIVE_POINTS
    jaw_angles = np.linspace(np.pi, 0, 17)
    jaw = np.stack([48 + 36 * np.cos(jaw_angles), 50 + 58 * np.sin(jaw_angles)], axis=1)
    left_brow = np.stack([np.linspace(18, 42, 5), [42, 39, 38, 39, 41]], axis=1)
    right_brow = np.stack([np.linspace(54, 78, 5), [41, 39, 38, 39, 42]], axis=1)
    bridge = np.stack([np.full(3, nose[0]), np.linspace(52, 64, 3)], axis=1)
    nostrils = np.stack([np.linspace(40, 56, 5), [73, 74.5, 75, 74.5, 73]], axis=1)
    # Eye contour: outer corner, two upper, inner corner, two lower (iBUG order).
    left_eye_points = _ellipse(left_eye, 7, 3, [180, 120, 60, 0, 300, 240])
    right_eye_points = _ellipse(right_eye, 7, 3, [180, 120, 60, 0, 300, 240])
    mouth_centre = (left_mouth + right_mouth) / 2
    half_width = (right_mouth[0] - left_mouth[0]) / 2
    upper_outer = np.stack([
        mouth_centre[0] + half_width * np.array([-0.6, -0.25, 0, 0.25, 0.6]),
        mouth_centre[1] - np.array([3, 4.5, 4, 4.5, 3])
    ],
                           axis=1)
    lower_outer = np.stack([
        mouth_centre[0] + half_width * np.array([0.6, 0.3, 0, -0.3, -0.6]),
        mouth_centre[1] + np.array([3.5, 5, 5.5, 5, 3.5])
    ],
                           axis=1)
    inner = np.stack([
        mouth_centre[0] + half_width * np.array([-0.8, -0.3, 0, 0.3, 0.8, 0.3, 0, -0.3]),
        mouth_centre[1] + np.array([0, -0.5, -0.5, -0.5, 0, 0.5, 0.5, 0.5])
    ],
                     axis=1)
    return np.concatenate([
        jaw, left_brow, right_brow, bridge, nose[None], nostrils, left_eye_points, right_eye_points,
        left_mouth[None], upper_outer, right_mouth[None], lower_outer, inner
    ])


def expression_displacement(code: int) -> np.ndarray:
    """Peak landmark displacement of an expression in reference-frame pixels.

    Args:
        code (int): CK+ emotion code 1..7.

    Returns:
        np.ndarray: ``(68, 2)`` float64.
    """
    shift = np.zeros((68, 2))
    brows, inner_brows = list(range(17, 27)), [19, 20, 21, 22, 23, 24]
    upper_lids, lower_lids = [37, 38, 43, 44], [40, 41, 46, 47]
    corners = [48, 54, 60, 64]
    lower_lip = list(range(55, 60)) + [65, 66, 67]
    if code == 1:  # anger: brows down and together, lids narrowed
        shift[inner_brows, 1] += 5
        shift[[19, 20, 21], 0] += 2
        shift[[22, 23, 24], 0] -= 2
        shift[upper_lids, 1] += 1.5
    elif code == 2:  # contempt: one mouth corner up
        shift[[54, 64], 1] -= 4
        shift[[54, 64], 0] += 3
    elif code == 3:  # disgust: nose wrinkle, upper lip raised
        shift[range(31, 36), 1] -= 3
        shift[range(49, 54), 1] -= 5
        shift[brows, 1] += 2
    elif code == 4:  # fear: brows up, eyes wide, mouth stretched
        shift[brows, 1] -= 5
        shift[upper_lids, 1] -= 2
        shift[[48, 60], 0] -= 5
        shift[[54, 64], 0] += 5
        shift[lower_lip, 1] += 3
    elif code == 5:  # happy: mouth corners up and out, lower lids up
        shift[[48, 60], 0] -= 5
        shift[[54, 64], 0] += 5
        shift[corners, 1] -= 6
        shift[lower_lids, 1] -= 1.5
    elif code == 6:  # sadness: inner brows up, mouth corners down
        shift[[20, 21, 22, 23], 1] -= 5
        shift[corners, 1] += 5
    elif code == 7:  # surprise: brows up, eyes wide, jaw dropped
        shift[brows, 1] -= 8
        shift[upper_lids, 1] -= 3
        shift[lower_lip, 1] += 12
        shift[range(5, 12), 1] += 10
    return shift


def face_to_frame_matrix(rng: np.random.Generator, frame_size=(320, 256)) -> np.ndarray:
    """A random similarity transform from the reference frame into a raw frame.

    Args:
        rng (np.random.Generator): Random source.
        frame_size (tuple[int, int]): ``(width, height)`` of the raw frame.

    Returns:
        np.ndarray: ``(2, 3)`` float64.
    """
    scale = rng.uniform(1.4, 1.7)
    angle = np.deg2rad(rng.uniform(-8, 8))
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    frame_centre = np.array(frame_size, dtype=np.float64) / 2 + rng.uniform(-12, 12, size=2)
    translation = frame_centre - rotation @ np.array([48.0, 62.0])
    return np.hstack([rotation, translation[:, None]])


def _to_frame(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return points @ matrix[:, :2].T + matrix[:, 2]


def draw_face(landmarks: np.ndarray,
              frame_size=(320, 256),
              skin: int = 170,
              seed: int = 0) -> np.ndarray:
    """Draw a cartoon gray face from its 68 landmarks in frame coordinates.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` landmarks in the raw frame.
        frame_size (tuple[int, int]): ``(width, height)``.
        skin (int): Gray level of the skin.
        seed (int): Seed of the background noise.

    Returns:
        np.ndarray: ``(height, width)`` uint8.
    """
    width, height = frame_size
    rng = np.random.default_rng(seed)
    image = rng.normal(70, 6, size=(height, width)).clip(0, 255).astype(np.uint8)

    def poly(indices):
        # 4 fractional bits: draw at sub-pixel accuracy.
        return np.rint(landmarks[list(indices)] * 16).astype(np.int32)

    brow_top = landmarks[17:27] - [0, 30 * np.linalg.norm(landmarks[45] - landmarks[36]) / 55]
    outline = np.concatenate([landmarks[0:17], brow_top[::-1]])
    cv2.fillPoly(image, [np.rint(outline * 16).astype(np.int32)], skin, cv2.LINE_AA, 4)
    for brow in (range(17, 22), range(22, 27)):
        cv2.polylines(image, [poly(brow)], False, 50, 3, cv2.LINE_AA, 4)
    for eye in (range(36, 42), range(42, 48)):
        cv2.fillPoly(image, [poly(eye)], 235, cv2.LINE_AA, 4)
        centre = np.rint(landmarks[list(eye)].mean(axis=0) * 16).astype(int)
        cv2.circle(image, tuple(centre), 3 * 16, 30, -1, cv2.LINE_AA, 4)
    cv2.polylines(image, [poly(range(27, 31))], False, 120, 2, cv2.LINE_AA, 4)
    cv2.polylines(image, [poly(range(31, 36))], False, 110, 2, cv2.LINE_AA, 4)
    cv2.fillPoly(image, [poly(range(48, 60))], 110, cv2.LINE_AA, 4)
    cv2.fillPoly(image, [poly(range(60, 68))], 25, cv2.LINE_AA, 4)
    return image


def _format_rows(rows: np.ndarray) -> str:
    return ''.join(''.join(f'{value:15.7e}' for value in row) + '\n' for row in rows)


def write_raw_ckplus(
    root: Path,
    sequences: Iterable[SequenceSpec],
    seed: int = 0,
    frame_size=(320, 256),
    colour_subjects: Iterable[str] = ()) -> Dict[str, np.ndarray]:
    """Write a raw CK+ tree (images, Emotion, Landmarks) under ``root``.

    Args:
        root (Path): The CK+ root to create.
        sequences (Iterable[SequenceSpec]): What to draw.
        seed (int): Seed of the subjects' placement and noise.
        frame_size (tuple[int, int]): ``(width, height)`` of the frames.
        colour_subjects (Iterable[str]): Subjects saved as 3-channel frames (as some real
            CK+ subjects are).

    Returns:
        dict[str, np.ndarray]: Frame key ``'S005/001/S005_001_00000001.png'`` -> its
        ``(68, 2)`` landmarks in the frame.
    """
    colour_subjects = set(colour_subjects)
    rng = np.random.default_rng(seed)
    placements: Dict[str, np.ndarray] = {}
    template = template_landmarks()
    written = {}
    for spec in sequences:
        if spec.subject not in placements:
            placements[spec.subject] = face_to_frame_matrix(rng, frame_size)
        matrix = placements[spec.subject]
        skin = 150 + int(spec.subject[1:]) % 5 * 10
        peak = (expression_displacement(spec.code) if spec.code is not None else np.zeros((68, 2)))
        parts = (spec.subject, spec.number)
        for frame_index in range(1, spec.num_frames + 1):
            progress = (frame_index - 1) / max(spec.num_frames - 1, 1)
            landmarks = _to_frame(template + progress * peak, matrix)
            stem = f'{spec.subject}_{spec.number}_{frame_index:08d}'
            image = draw_face(landmarks, frame_size, skin, seed=int(spec.subject[1:]))
            if spec.subject in colour_subjects:
                image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
            image_dir = root.joinpath('cohn-kanade-images', *parts)
            landmark_dir = root.joinpath('Landmarks', *parts)
            image_dir.mkdir(parents=True, exist_ok=True)
            landmark_dir.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(image_dir / f'{stem}.png'), image)
            (landmark_dir / f'{stem}_landmarks.txt').write_text(_format_rows(landmarks))
            written['/'.join([*parts, f'{stem}.png'])] = landmarks
        emotion_dir = root.joinpath('Emotion', *parts)
        emotion_dir.mkdir(parents=True, exist_ok=True)
        if spec.code is not None:
            stem = f'{spec.subject}_{spec.number}_{spec.num_frames:08d}'
            (emotion_dir / f'{stem}_emotion.txt').write_text(f'{float(spec.code):15.7e}\n')
    return written


def all_class_sequences(subjects: Iterable[str], num_frames: int = 4) -> List[SequenceSpec]:
    """Every subject shows all 7 expressions plus one unlabelled sequence.

    Args:
        subjects (Iterable[str]): Subject ids.
        num_frames (int): Frames per sequence.

    Returns:
        list[SequenceSpec]: Sequence ``00c`` has code ``c``; ``008`` is unlabelled.
    """
    specs = []
    for subject in subjects:
        specs.extend(SequenceSpec(subject, f'{code:03d}', code, num_frames) for code in range(1, 8))
        specs.append(SequenceSpec(subject, '008', None, num_frames))
    return specs


def load_tool(relative_path: str) -> ModuleType:
    """Import a command-line tool of the repository as a module (tools/ is no package).

    Args:
        relative_path (str): e.g. ``'tools/make_masks.py'``.

    Returns:
        ModuleType: The tool module, with its ``main(argv)``.
    """
    path = REPO_ROOT / relative_path
    module_name = f'_tool_{path.stem}'
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        # dataclasses look their module up in sys.modules while the tool executes.
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]
