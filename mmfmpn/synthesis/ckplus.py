"""Write a synthetic data set in the raw CK+ layout, the project's stand-in for the licensed CK+.

::

    OUT/cohn-kanade-images/S005/001/S005_001_00000001.png      gray 640x490, neutral ... peak
    OUT/Emotion/S005/001/S005_001_00000008_emotion.txt         '   5.0000000e+00', peak frame,
                                                               labelled sequences only
    OUT/Landmarks/S005/001/S005_001_00000001_landmarks.txt     68 lines '   x   y', every frame

Like the real set, every subject poses several expressions, each sequence runs from a neutral
first frame to the peak at its last frame, and some sequences carry no emotion label (their
``Emotion`` folder exists but is empty). Everything is drawn from random streams keyed by
``(seed, subject, sequence)``, so a sequence's bytes do not depend on what else is generated.
"""
import dataclasses
import functools
import multiprocessing
import shutil
from contextlib import nullcontext
from pathlib import Path
from types import MappingProxyType
from typing import (Callable, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional,
                    Sequence, Tuple, TypeVar)

import cv2
import numpy as np

from mmfmpn.datasets.categories import CKPLUS_CLASSES
from mmfmpn.utils.file_io import write_bytes_atomic
from mmfmpn.utils.progress import track_progress
from .face_model import (EXPRESSION_ACTION_UNITS, CaptureSetup, FaceIdentity, SensorNoise,
                         build_face, render_frame, sample_expression_action_units)

#: Labelled sequences per class in the real CK+ (327 of its 593 sequences).
CKPLUS_LABELLED_SEQUENCES: Mapping[str, int] = MappingProxyType({
    'anger': 45,
    'contempt': 18,
    'disgust': 59,
    'fear': 25,
    'happy': 69,
    'sadness': 28,
    'surprise': 83
})

#: The folders this generator owns inside its output folder.
CKPLUS_FOLDERS = ('cohn-kanade-images', 'Emotion', 'Landmarks')

_UNLABELLED_FRACTION = 0.12
# Share of the real CK+ class frequencies in the class mix, the rest is uniform, so that rare
# classes (contempt) still get enough sequences in a small set.
_CKPLUS_FREQUENCY_SHARE = 0.5
_SEQUENCES_PER_SUBJECT = (3, 7)
_FRAMES_PER_SEQUENCE = (6, 10)
_PEAK_INTENSITY = (0.6, 1.0)
_FIRST_SUBJECT_NUMBER = 5
_MAX_SUBJECT_NUMBER = 999
# Fast PNG settings: sensor noise makes LZ77 matching cost time without saving space.
_PNG_PARAMS = (cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY,
               cv2.IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY, cv2.IMWRITE_PNG_FILTER,
               cv2.IMWRITE_PNG_FILTER_UP)
#: A sequence plan, as :func:`write_sequences` passes it on.
Plan = TypeVar('Plan')
#: A rendered frame: the ``(H, W)`` uint8 gray image and its ``(68, 2)`` landmarks ``(x, y)``.
Frame = Tuple[np.ndarray, np.ndarray]

# Independent random streams (first key after the seed).
_STREAM_SUBJECT_NUMBERS, _STREAM_SUBJECT, _STREAM_SEQUENCE = 0, 1, 2


class SequencePlan(NamedTuple):
    """What to render for one sequence; the rest is drawn from its own random stream.

    Args:
        seed (int): Seed of the whole set.
        subject_number (int): e.g. 5 for ``S005``.
        sequence_number (int): e.g. 1 for ``001``.
        identity (FaceIdentity): The subject's face.
        expression (str | None): CK+ class name, None for an unlabelled sequence.
    """
    seed: int
    subject_number: int
    sequence_number: int
    identity: FaceIdentity
    expression: Optional[str]

    @property
    def emotion_code(self) -> Optional[int]:
        """CK+ emotion code 1-7, None for an unlabelled sequence."""
        return None if self.expression is None else CKPLUS_CLASSES.index(self.expression) + 1


def subject_numbers(num_subjects: int, seed: int) -> List[int]:
    """CK+-like subject numbers: 5 upwards in irregular steps (S005, S010, S011, S014 ...).

    Args:
        num_subjects (int): How many subjects.
        seed (int): Seed of the set.

    Returns:
        list[int]: Increasing numbers, at most 999 so that ``S%03d`` holds them.
    """
    rng = np.random.default_rng([seed, _STREAM_SUBJECT_NUMBERS])
    steps = rng.integers(1, 8, size=num_subjects - 1)
    numbers = _FIRST_SUBJECT_NUMBER + np.concatenate([[0], np.cumsum(steps)])
    if numbers[-1] > _MAX_SUBJECT_NUMBER:
        raise ValueError(f'{num_subjects} subjects do not fit the S001..S999 ids of CK+; '
                         'ask for fewer subjects (up to about 200)')
    return [int(number) for number in numbers]


def plan_subject(seed: int, subject_number: int) -> List[SequencePlan]:
    """Draw one subject's identity and the expressions of their sequences.

    A subject poses each expression at most once (as in CK+) until all seven are used.

    Args:
        seed (int): Seed of the set.
        subject_number (int): e.g. 5 for ``S005``.

    Returns:
        list[SequencePlan]: The subject's sequences, numbered from 1.
    """
    rng = np.random.default_rng([seed, _STREAM_SUBJECT, subject_number])
    identity = FaceIdentity.sample(rng)
    num_sequences = int(rng.integers(_SEQUENCES_PER_SUBJECT[0], _SEQUENCES_PER_SUBJECT[1] + 1))
    is_labelled = rng.random(num_sequences) >= _UNLABELLED_FRACTION
    frequencies = np.array([CKPLUS_LABELLED_SEQUENCES[name] for name in CKPLUS_CLASSES], float)
    class_weights = (
        _CKPLUS_FREQUENCY_SHARE * frequencies / frequencies.sum() +
        (1 - _CKPLUS_FREQUENCY_SHARE) / len(CKPLUS_CLASSES))
    expressions: List[str] = []
    while len(expressions) < is_labelled.sum():
        count = min(len(CKPLUS_CLASSES), int(is_labelled.sum()) - len(expressions))
        picked = rng.choice(len(CKPLUS_CLASSES), size=count, replace=False, p=class_weights)
        expressions.extend(CKPLUS_CLASSES[index] for index in picked)
    labels = iter(expressions)
    return [
        SequencePlan(seed, subject_number, index + 1, identity,
                     next(labels) if labelled else None)
        for index, labelled in enumerate(is_labelled)
    ]


def _ambiguous_action_units(rng: np.random.Generator) -> Dict[str, float]:
    """A blend of two expressions, standing in for CK+'s sequences that match no prototype."""
    first, second = (
        str(name) for name in rng.choice(sorted(EXPRESSION_ACTION_UNITS), size=2, replace=False))
    weight = rng.uniform(0.35, 0.65)
    intensity = rng.uniform(0.5, 0.9)
    blend: Dict[str, float] = {}
    for name, share in ((first, weight), (second, 1 - weight)):
        for unit, value in sample_expression_action_units(name, intensity, rng).items():
            blend[unit] = min(1.0, blend.get(unit, 0.0) + share * value)
    return blend


def _onset(progress: float) -> float:
    """Expression intensity at a point in the sequence: slow start, peak held at the end."""
    ramp = min(1.0, progress / 0.8)
    return ramp * ramp * (3 - 2 * ramp)


def format_landmarks(landmarks: np.ndarray) -> str:
    """CK+ landmark file text: one ``'   x   y'`` line per point, MATLAB ``%16.7e`` style.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` image coordinates ``(x, y)`` in pixels.

    Returns:
        str: 68 lines.
    """
    return ''.join(f'{x:16.7e}{y:16.7e}\n' for x, y in landmarks)


def format_emotion(code: int) -> str:
    """CK+ emotion file text, e.g. ``'   5.0000000e+00\\n'`` for happy."""
    return f'{float(code):16.7e}\n'


def render_sequence(plan: SequencePlan) -> Iterator[Frame]:
    """Render one sequence, a frame at a time (a sequence is never held whole).

    Args:
        plan (SequencePlan): The sequence.

    Yields:
        Frame: From neutral to peak, the ``(490, 640)`` uint8 frame and its landmarks.
    """
    rng = np.random.default_rng(
        [plan.seed, _STREAM_SEQUENCE, plan.subject_number, plan.sequence_number])
    setup = CaptureSetup.sample(rng)
    num_frames = int(rng.integers(_FRAMES_PER_SEQUENCE[0], _FRAMES_PER_SEQUENCE[1] + 1))
    if plan.expression is None:
        peak_action_units = _ambiguous_action_units(rng)
    else:
        peak_action_units = sample_expression_action_units(plan.expression,
                                                           rng.uniform(*_PEAK_INTENSITY), rng)
    # The head drifts a little during a sequence, as in CK+, so frames need aligning; the
    # exposure drifts too, so still regions differ smoothly, not by sensor noise alone.
    drift = dict(
        center_x=rng.uniform(-2.5, 2.5),
        center_y=rng.uniform(-2.5, 2.5),
        roll_deg=rng.uniform(-1, 1),
        yaw_deg=rng.uniform(-1, 1),
        pixels_per_unit=setup.pixels_per_unit * rng.uniform(-0.015, 0.015),
        light_gain=setup.light_gain * rng.uniform(-0.04, 0.04),
        light_gradient_x=rng.uniform(-0.04, 0.04),
        light_gradient_y=rng.uniform(-0.03, 0.03))
    noise = SensorNoise(rng)
    for index in range(num_frames):
        progress = index / (num_frames - 1)
        intensity = _onset(progress)
        action_units = {name: value * intensity for name, value in peak_action_units.items()}
        frame_setup = dataclasses.replace(
            setup, **{
                name: getattr(setup, name) + change * progress
                for name, change in drift.items()
            })
        yield render_frame(build_face(plan.identity, action_units), frame_setup, noise.next_field())


def write_ckplus_sequence(plan: Plan, render: Callable[[Plan], Iterable[Frame]], out_dir: Path,
                          png_params: Sequence[int]) -> int:
    """Render one planned sequence and write it in the CK+ layout: its frames, their landmark
    files and, when it is labelled, the emotion file of its last frame.

    Args:
        plan (Plan): The sequence: its ``subject_number`` (``S005``), ``sequence_number``
            (``001``) and ``emotion_code`` (CK+ code 1-7; None writes no emotion file).
        render (Callable[[Plan], Iterable[Frame]]): ``plan`` -> its frames, neutral to peak.
        out_dir (Path): Root of the CK+ tree.
        png_params (Sequence[int]): ``cv2.imencode`` PNG parameters.

    Returns:
        int: Number of frames written.

    Raises:
        RuntimeError: OpenCV cannot encode a frame.
    """
    subject, number = f'S{plan.subject_number:03d}', f'{plan.sequence_number:03d}'
    relative = Path(subject) / number
    folders = {name: out_dir / name / relative for name in CKPLUS_FOLDERS}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    stem = f'{subject}_{number}_'
    num_frames = 0
    for num_frames, (image, landmarks) in enumerate(render(plan), start=1):
        frame_name = f'{stem}{num_frames:08d}'
        ok, png = cv2.imencode('.png', image, png_params)
        if not ok:
            raise RuntimeError(f'cv2 could not encode {frame_name}.png')
        write_bytes_atomic(folders['cohn-kanade-images'] / f'{frame_name}.png', png.tobytes())
        write_bytes_atomic(folders['Landmarks'] / f'{frame_name}_landmarks.txt',
                           format_landmarks(landmarks).encode())
    if plan.emotion_code is not None:
        write_bytes_atomic(folders['Emotion'] / f'{stem}{num_frames:08d}_emotion.txt',
                           format_emotion(plan.emotion_code).encode())
    return num_frames


def write_sequences(render: Callable[[Plan], Iterable[Frame]], plans: Sequence[Plan], out_dir: Path,
                    png_params: Sequence[int], num_workers: int, show_progress: bool) -> int:
    """Render and write every sequence (:func:`write_ckplus_sequence`), in parallel processes
    when asked.

    Args:
        render (Callable): A plan -> its frames; picklable when ``num_workers > 1``.
        plans (Sequence): The sequence plans.
        out_dir (Path): Root of the CK+ tree.
        png_params (Sequence[int]): ``cv2.imencode`` PNG parameters.
        num_workers (int): Processes; 1 renders in this process.
        show_progress (bool): Show a progress bar over the sequences.

    Returns:
        int: Frames written in all.
    """
    write = functools.partial(
        write_ckplus_sequence, render=render, out_dir=out_dir, png_params=png_params)
    with (multiprocessing.Pool(num_workers) if num_workers > 1 else nullcontext()) as pool:
        return sum(
            track_progress(
                pool.imap(write, plans) if pool else map(write, plans),
                f'Rendering {len(plans)} sequences',
                total=len(plans),
                enabled=show_progress))


def prepare_out_dir(out_dir: Path, overwrite: bool) -> None:
    """Refuse a non-empty output folder unless asked to overwrite, then clear our folders."""
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(f'{out_dir} exists and is not a folder; choose another OUT')
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f'{out_dir} is not empty; choose an empty or new folder, or pass '
                f'overwrite=True (--overwrite) to replace its {", ".join(CKPLUS_FOLDERS)}')
        # Stale sequences from an earlier, larger run would otherwise mix into this set.
        for name in CKPLUS_FOLDERS:
            if (out_dir / name).is_dir():
                shutil.rmtree(out_dir / name)
    out_dir.mkdir(parents=True, exist_ok=True)


def generate_synthetic_ckplus(out_dir: str,
                              num_subjects: int = 40,
                              seed: int = 0,
                              overwrite: bool = False,
                              num_workers: int = 1,
                              show_progress: bool = False) -> dict:
    """Write a synthetic CK+ tree: faces with known landmarks posing the seven CK+ emotions.

    The default 40 subjects give about 200 sequences (about 175 labelled) and 1,600 frames.

    Args:
        out_dir (str): Output folder; it must be empty or new unless ``overwrite``.
        num_subjects (int): Number of subjects (3-7 sequences each). Defaults to 40.
        seed (int): Seed; the same seed gives byte-identical files. Defaults to 0.
        overwrite (bool): Write into a non-empty folder, deleting the ``cohn-kanade-images``,
            ``Emotion`` and ``Landmarks`` folders already there. Defaults to False.
        num_workers (int): Processes rendering sequences in parallel. Defaults to 1.
        show_progress (bool): Show a progress bar over the sequences. Defaults to False.

    Returns:
        dict: ``subjects``, ``sequences``, ``labelled_sequences`` and ``frames`` counts, and
        ``class_counts`` (labelled sequences per CK+ class, in CK+ code order).
    """
    if num_subjects < 1:
        raise ValueError(f'num_subjects must be at least 1, got {num_subjects}')
    if seed < 0:
        raise ValueError(f'seed must be a non-negative integer, got {seed}')
    if num_workers < 1:
        raise ValueError(f'num_workers must be at least 1, got {num_workers}')
    root = Path(out_dir)
    prepare_out_dir(root, overwrite)

    plans = [
        plan for number in subject_numbers(num_subjects, seed)
        for plan in plan_subject(seed, number)
    ]
    frames = write_sequences(render_sequence, plans, root, _PNG_PARAMS, num_workers, show_progress)

    class_counts = {name: sum(plan.expression == name for plan in plans) for name in CKPLUS_CLASSES}
    return dict(
        subjects=num_subjects,
        sequences=len(plans),
        labelled_sequences=sum(class_counts.values()),
        frames=frames,
        class_counts=class_counts)
