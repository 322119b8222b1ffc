"""Tiny raw Oulu-CASIA, MMI and AffectNet trees in their real layouts, for converter tests.

The faces are the cartoon faces of :mod:`raw_ckplus_fixture` (known 68 landmarks), posing
the CK+ expression displacements of the six basic expressions (AffectNet: all seven).
"""
import csv
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Sequence, Tuple

import cv2
import numpy as np
from raw_ckplus_fixture import (draw_face, expression_displacement, face_to_frame_matrix,
                                template_landmarks)

from mmfmpn.datasets.categories import CKPLUS_CLASSES
from mmfmpn.masks.alignment import transform_points

#: The header line of AffectNet's training.csv, as released.
AFFECTNET_HEADER = ('subDirectory_filePath', 'face_x', 'face_y', 'face_width', 'face_height',
                    'facial_landmarks', 'expression', 'valence', 'arousal')
#: Oulu-CASIA expression folders in BASIC6 order.
OULU_EXPRESSIONS = ('Anger', 'Disgust', 'Fear', 'Happiness', 'Sadness', 'Surprise')


def face_landmarks(class_name: str, intensity: float, matrix: np.ndarray) -> np.ndarray:
    """68 landmarks of a cartoon face posing a class at an intensity.

    Args:
        class_name (str): A CK+ class name, e.g. ``'happy'``.
        intensity (float): 0 (neutral) .. 1 (peak).
        matrix (np.ndarray): ``(2, 3)`` placement in the frame.

    Returns:
        np.ndarray: ``(68, 2)`` float64 in frame pixels.
    """
    code = CKPLUS_CLASSES.index(class_name) + 1
    return transform_points(template_landmarks() + intensity * expression_displacement(code),
                            matrix)


def draw_colour_face(landmarks: np.ndarray, frame_size: Tuple[int, int], seed: int) -> np.ndarray:
    """A BGR frame of the cartoon face."""
    return cv2.cvtColor(draw_face(landmarks, frame_size, seed=seed), cv2.COLOR_GRAY2BGR)


def write_landmarks_file(path: Path, landmarks: Dict[str, np.ndarray]) -> None:
    """Write a ``--landmarks`` file: header ``path,x1,y1,...``, one row per key."""
    num_points = len(next(iter(landmarks.values())))
    with open(path, 'w', newline='') as file:
        writer = csv.writer(file)
        writer.writerow(['path'] +
                        [f'{axis}{i}' for i in range(1, num_points + 1) for axis in 'xy'])
        for key, points in landmarks.items():
            writer.writerow([key] + [f'{value:.3f}' for value in points.reshape(-1)])


def write_raw_oulu(root: Path,
                   subjects: Sequence[str],
                   num_frames: int = 5,
                   frame_size=(320, 240),
                   seed: int = 0) -> Dict[str, np.ndarray]:
    """Write ``root/VL/Strong/P001/Anger/000.jpeg ...`` (every subject, all six classes).

    Returns:
        dict[str, np.ndarray]: Key ``'VL/Strong/P001/Anger/000.jpeg'`` -> 68 landmarks.
    """
    rng = np.random.default_rng(seed)
    written = {}
    for subject in subjects:
        matrix = face_to_frame_matrix(rng, frame_size)
        for folder, class_name in zip(OULU_EXPRESSIONS,
                                      ('anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise')):
            sequence_dir = root / 'VL' / 'Strong' / subject / folder
            sequence_dir.mkdir(parents=True)
            for frame in range(num_frames):
                landmarks = face_landmarks(class_name, frame / (num_frames - 1), matrix)
                path = sequence_dir / f'{frame:03d}.jpeg'
                cv2.imwrite(
                    str(path), draw_colour_face(landmarks, frame_size, int(subject[1:])),
                    [cv2.IMWRITE_JPEG_QUALITY, 95])
                written[path.relative_to(root).as_posix()] = landmarks
    return written


class MMISessionSpec(NamedTuple):
    """One MMI session to write.

    Args:
        number (int): Session folder number.
        media (str): Video stem, ``'S001-001'``.
        emotion (str | None): Emotion metatag value, None for none.
        view (str): session.xml track view, ``'0'`` frontal.
        num_frames (int): Video length.
    """
    number: int
    media: str
    emotion: object = '1'
    view: str = '0'
    num_frames: int = 9


def write_raw_mmi(root: Path,
                  sessions: Iterable[MMISessionSpec],
                  frame_size=(320, 256),
                  seed: int = 0) -> Dict[str, np.ndarray]:
    """Write ``root/Sessions/<n>/{session.xml, S001-001.avi, S001-001.xml}``.

    The video goes neutral - apex (middle frame) - neutral. The emotion value selects the
    pose (1..6 in BASIC6 order; anything else poses happy).

    Returns:
        dict[str, np.ndarray]: Key ``'Sessions/1/S001-001.avi#4'`` -> 68 landmarks.
    """
    rng = np.random.default_rng(seed)
    basic6 = ('anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise')
    written = {}
    for spec in sessions:
        folder = root / 'Sessions' / str(spec.number)
        folder.mkdir(parents=True)
        (folder / 'session.xml').write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<session sessionId="{spec.number}" mediaFile="{spec.media}.avi">\n'
            f'  <track id="0" type="Video" view="{spec.view}">\n'
            f'    <annotation id="1" filename="{spec.media}-oao_aucs.xml" '
            'type="FACS"/>\n  </track>\n</session>\n')
        if spec.emotion is not None:
            (folder / f'{spec.media}.xml').write_text(
                '<?xml version="1.0" encoding="utf-8"?>\n<Metadata>\n'
                '  <Metatag Name="Gender" Value="1"/>\n'
                f'  <Metatag Name="Emotion" Value="{spec.emotion}"/>\n</Metadata>\n')
        code = int(spec.emotion) if str(spec.emotion).isdigit() else 4
        class_name = basic6[code - 1] if 1 <= code <= 6 else 'happy'
        matrix = face_to_frame_matrix(rng, frame_size)
        video = folder / f'{spec.media}.avi'
        writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'MJPG'), 25, frame_size)
        middle = spec.num_frames // 2
        for frame in range(spec.num_frames):
            intensity = 1 - abs(frame - middle) / middle
            landmarks = face_landmarks(class_name, intensity, matrix)
            writer.write(draw_colour_face(landmarks, frame_size, spec.number))
            written[f'{video.relative_to(root).as_posix()}#{frame}'] = landmarks
        writer.release()
    return written


class AffectNetRowSpec(NamedTuple):
    """One AffectNet row to write.

    Args:
        image (str): ``subDirectory_filePath``, e.g. ``'12/a1.jpg'``.
        code (str): Expression code as written.
        landmarks (bool): Whether to fill ``facial_landmarks``.
        box_shift (float): Added to face_x (pushes the box out of the image).
    """
    image: str
    code: str
    landmarks: bool = True
    box_shift: float = 0.0


def write_raw_affectnet(root: Path,
                        training: Sequence[AffectNetRowSpec],
                        validation: Sequence[AffectNetRowSpec],
                        frame_size=(256, 256),
                        seed: int = 0) -> None:
    """Write ``root/Manually_Annotated_file_lists/{training,validation}.csv`` and images.

    training.csv has the header line, validation.csv has none (as released).
    """
    rng = np.random.default_rng(seed)
    lists_dir = root / 'Manually_Annotated_file_lists'
    lists_dir.mkdir(parents=True)
    for file_name, specs, header in (('training.csv', training, True), ('validation.csv',
                                                                        validation, False)):
        rows: List[list] = [list(AFFECTNET_HEADER)] if header else []
        for number, spec in enumerate(specs):
            code = int(spec.code) if spec.code.isdigit() else 1
            class_name = {
                1: 'happy',
                2: 'sadness',
                3: 'surprise',
                4: 'fear',
                5: 'disgust',
                6: 'anger',
                7: 'contempt'
            }.get(code, 'happy')
            landmarks = face_landmarks(class_name, 1.0, face_to_frame_matrix(rng, frame_size))
            path = root / 'Manually_Annotated_Images' / spec.image
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), draw_colour_face(landmarks, frame_size, number))
            x0, y0 = np.floor(landmarks.min(axis=0)).astype(int)
            x1, y1 = np.ceil(landmarks.max(axis=0)).astype(int)
            rows.append([
                spec.image, x0 + spec.box_shift, y0, x1 - x0, y1 - y0,
                ';'.join(f'{value:.2f}'
                         for value in landmarks.reshape(-1)) if spec.landmarks else '', spec.code,
                '0.5', '-0.2'
            ])
        with open(lists_dir / file_name, 'w', newline='') as file:
            csv.writer(file).writerows(rows)
