"""The MMI Facial Expression Database (frontal video sessions): the converter to the project
layout.

Input (the MMI download)::

    MMI_ROOT/Sessions/<n>/session.xml          <track ... view="0"> (0 = frontal)
    MMI_ROOT/Sessions/<n>/S001-001.avi         the video: neutral - onset - apex - offset
    MMI_ROOT/Sessions/<n>/S001-001.xml         <Metatag Name="Emotion" Value="1..6"/>
    MMI_ROOT/Sessions/<n>/S001-001-oao_aucs.xml  FACS action units (not read)

Emotion values 1..6 are anger, disgust, fear, happy, sadness, surprise. Sessions without an
Emotion metatag, non-frontal views and image-only sessions are counted and left out.

Output (see :mod:`.common`)::

    OUT/imgs/S001-001_0045.png      three frames around the middle of each video (the apex)
    OUT/neutral/S001-001_0000.png   its first (neutral) frame
    OUT/annotations.csv, OUT/train_ids_K.csv, OUT/test_ids_K.csv (10 subject-independent
    folds; the subject is the S001 of the file name)

The videos come without landmarks: pass them with ``--landmarks FILE`` (keys such as
``Sessions/2/S001-002.avi#45``, 0-based frame index), or let MTCNN detect five points.
"""
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from functools import partial
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Tuple

import cv2
import numpy as np

from mmfmpn.masks.alignment import ALIGNED_FACE_SIZE
from ..annotation_file import FERAnnotation
from ..categories import BASIC6_CLASSES
from .common import (BadSampleError, Conversion, ConversionOptions, LandmarkSource, align_sample,
                     convert_into_folder, landmark_source, subject_folds, write_face)

#: The MMI Emotion metatag values of the six basic expressions (value - 1 = index).
EMOTION_CODES = dict(enumerate(BASIC6_CLASSES, start=1))
#: The session.xml track view of frontal recordings.
FRONTAL_VIEW = '0'
#: Expressive samples per video, centred on its middle frame (the apex).
NUM_EXPRESSIVE_FRAMES = 3
_MEDIA_NAME = re.compile(r'^(S\d+)-(\d+)$')


class MMISession(NamedTuple):
    """One frontal, labelled video session.

    Args:
        folder (Path): ``Sessions/<n>``.
        video (Path): ``S001-001.avi``.
        label (str): Class name.
        subject (str): ``'S001'``.
    """
    folder: Path
    video: Path
    label: str
    subject: str


def _parse_xml(path: Path) -> ElementTree.Element:
    try:
        return ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError) as err:
        raise BadSampleError(f'{path}: not readable XML ({err}); restore it from '
                             'the MMI download') from err


def read_session(folder: Path) -> Tuple[str, Optional[MMISession]]:
    """Read a session folder's metadata.

    Args:
        folder (Path): ``MMI_ROOT/Sessions/<n>``.

    Returns:
        tuple[str, MMISession | None]: ``('used', session)``, or the reason it is left out
        (``'not frontal'``, ``'no video'``, ``'no emotion label'``) and None.

    Raises:
        BadSampleError: Missing or malformed session.xml, several videos, a video name that
            does not tell the subject, or an unknown emotion code.
    """
    session_file = folder / 'session.xml'
    if not session_file.is_file():
        raise BadSampleError(f'{session_file}: missing; every MMI session folder has '
                             'a session.xml')
    track = _parse_xml(session_file).find('.//track')
    if track is None or track.get('view') is None:
        raise BadSampleError(f'{session_file}: no <track view="..."> element; cannot '
                             'tell whether the session is frontal')
    if track.get('view') != FRONTAL_VIEW:
        return 'not frontal', None
    videos = sorted(folder.glob('*.avi'))
    if not videos:
        return 'no video', None
    if len(videos) > 1:
        raise BadSampleError(f'{folder}: {len(videos)} videos; expected one .avi per '
                             'session')
    video = videos[0]
    name_match = _MEDIA_NAME.match(video.stem)
    if name_match is None:
        raise BadSampleError(f'{video}: the name is not S<subject>-<number>.avi, so the '
                             'subject is unknown; rename it as in the MMI download')
    emotion_file = folder / f'{video.stem}.xml'
    if not emotion_file.is_file():
        return 'no emotion label', None
    emotion = next((element for element in _parse_xml(emotion_file).iter('Metatag')
                    if element.get('Name') == 'Emotion'), None)
    if emotion is None:
        return 'no emotion label', None
    value = (emotion.get('Value') or '').strip()
    if not value.isdigit() or int(value) not in EMOTION_CODES:
        raise BadSampleError(f'{emotion_file}: unknown emotion code {value!r}; expected one of ' +
                             ', '.join(f'{code} ({name})' for code, name in EMOTION_CODES.items()))
    return 'used', MMISession(folder, video, EMOTION_CODES[int(value)], name_match[1])


def expressive_frame_indices(num_frames: int) -> Tuple[int, ...]:
    """The frames around the middle of a video (onset-apex-offset: the apex).

    Args:
        num_frames (int): Frames in the video, at least 4.

    Returns:
        tuple[int, ...]: :data:`NUM_EXPRESSIVE_FRAMES` consecutive 0-based indices
        centred on ``num_frames // 2``.
    """
    first = num_frames // 2 - NUM_EXPRESSIVE_FRAMES // 2
    return tuple(range(first, first + NUM_EXPRESSIVE_FRAMES))


def read_video_frames(video: Path, wanted: Sequence[int]) -> dict:
    """Decode the wanted frames of a video.

    Args:
        video (Path): The video file.
        wanted (Sequence[int]): 0-based frame indices.

    Returns:
        dict[int, np.ndarray]: Index -> ``(H, W, 3)`` BGR frame, for every wanted index.

    Raises:
        BadSampleError: The video cannot be opened or ends before a wanted frame.
    """
    capture = cv2.VideoCapture(str(video))
    frames = {}
    try:
        if not capture.isOpened():
            raise BadSampleError(f'{video}: unreadable video; restore it from the MMI '
                                 'download, or rerun with --skip-bad')
        last = max(wanted)
        for index in range(last + 1):
            ok, frame = capture.read()
            if not ok:
                raise BadSampleError(f'{video}: unreadable video: decoding stopped at '
                                     f'frame {index}, before frame {last}')
            if index in wanted:
                frames[index] = frame
    finally:
        capture.release()
    return frames


def count_video_frames(video: Path) -> int:
    """Count the frames by grabbing them (container frame counts can be wrong).

    Args:
        video (Path): The video file.

    Returns:
        int: The number of frames, 0 when it cannot be opened.
    """
    capture = cv2.VideoCapture(str(video))
    count = 0
    try:
        while capture.isOpened() and capture.grab():
            count += 1
    finally:
        capture.release()
    return count


def convert_session(session: MMISession, mmi_root: Path, out: Path, landmarks_of: LandmarkSource,
                    crop_size: int) -> List[FERAnnotation]:
    """Align the first frame and the three middle frames of a session's video.

    Args:
        session (MMISession): The session.
        mmi_root (Path): The root the landmark keys are relative to.
        out (Path): The output folder.
        landmarks_of (Callable): ``(key, image, source) -> (K, 2)`` landmarks.
        crop_size (int): Side of the aligned faces.

    Returns:
        list[FERAnnotation]: One row per expressive frame.

    Raises:
        BadSampleError: An unreadable or too short video, or missing landmarks.
    """
    num_frames = count_video_frames(session.video)
    if num_frames < NUM_EXPRESSIVE_FRAMES + 1:
        raise BadSampleError(
            f'{session.video}: unreadable video or only {num_frames} frames; need a '
            f'neutral first frame and {NUM_EXPRESSIVE_FRAMES} middle frames')
    indices = (0, *expressive_frame_indices(num_frames))
    frames = read_video_frames(session.video, indices)
    video_key = session.video.relative_to(mmi_root).as_posix()
    aligned = {}
    for index in indices:
        source = f'{session.video} frame {index}'
        aligned[index] = align_sample(frames[index],
                                      landmarks_of(f'{video_key}#{index}', frames[index], source),
                                      crop_size, source)
    sequence = session.video.stem
    neutral = write_face(out, 'neutral', f'{sequence}_{0:04d}.png', aligned[0][0])
    return [
        FERAnnotation(
            image=write_face(out, 'imgs', f'{sequence}_{index:04d}.png', aligned[index][0]),
            label=session.label,
            location=f'{session.video} frame {index}',
            subject=session.subject,
            sequence=sequence,
            neutral=neutral,
            landmarks=np.asarray(aligned[index][1])) for index in indices[1:]
    ]


def prepare_mmi(
    mmi_root: Path,
    out: Path,
    landmarks_file: Optional[Path] = None,
    num_folds: int = 10,
    crop_size: int = ALIGNED_FACE_SIZE,
    options: ConversionOptions = ConversionOptions()) -> Conversion:
    """Convert the frontal, emotion-labelled MMI videos into ``out`` (built aside, then
    swapped in).

    Args:
        mmi_root (Path): The MMI download, holding ``Sessions/<n>/session.xml``.
        out (Path): The output folder.
        landmarks_file (Path, optional): Landmarks of the frames
            (:data:`~.common.LANDMARKS_FILE_FORMAT`); None detects them with MTCNN.
        num_folds (int): Subject-independent folds. Defaults to 10.
        crop_size (int): Side of the aligned faces. Defaults to 70.
        options (ConversionOptions): ``skip_bad``, ``overwrite``, ``show_progress``
            (:class:`~.common.ConversionOptions`). Defaults to ConversionOptions().

    Returns:
        Conversion: What was written, with its summary.

    Raises:
        FileNotFoundError: ``mmi_root/Sessions`` is not a folder.
        FileExistsError: ``out`` is not empty and ``options.overwrite`` is False.
        ConversionError: Bad sessions without ``options.skip_bad``, or nothing converted; ``out``
            is unchanged.
        ValueError, RuntimeError: A bad landmarks file, too few subjects for the folds, or
            no face detector.
    """
    sessions_dir = mmi_root / 'Sessions'
    if not sessions_dir.is_dir():
        raise FileNotFoundError(f'{sessions_dir} is not a folder; MMI_ROOT must hold '
                                'Sessions/<n>/session.xml')
    landmarks_of = landmark_source(landmarks_file)
    folders = sorted((path for path in sessions_dir.iterdir() if path.is_dir()),
                     key=lambda path: (not path.name.isdigit(), int(path.name)
                                       if path.name.isdigit() else 0, path.name))
    left_out, sessions, bad = Counter(), [], {}
    for folder in folders:
        try:
            reason, session = read_session(folder)
        except BadSampleError as err:
            bad[str(folder.relative_to(mmi_root))] = str(err)
            continue
        if session is None:
            left_out[reason] += 1
        else:
            sessions.append(session)
    annotations, bad, split_files = convert_into_folder(
        out,
        sessions,
        lambda session, building: convert_session(session, mmi_root, building, landmarks_of,
                                                  crop_size),
        key_of=lambda session: str(session.folder.relative_to(mmi_root)),
        description=f'Aligning {len(sessions)} frontal labelled videos',
        what='session',
        inputs=[mmi_root],
        options=options,
        split_files_of=partial(subject_folds, num_folds=num_folds),
        bad_while_reading=bad)
    notes = [
        f'Read {len(folders)} session folders from {sessions_dir}: '
        f'{len(sessions)} frontal labelled videos' +
        ''.join(f', {count} {reason}'
                for reason, count in sorted(left_out.items())) + ' (left out).',
        f'{len({item.subject for item in annotations})} subjects, '
        f'{len({item.sequence for item in annotations})} sequences (the FMPN paper '
        'reports 624 MMI images).'
    ]
    return Conversion(out, annotations, BASIC6_CLASSES, split_files, bad, notes)
