"""Annotate a video or camera stream with FMPN expression predictions.

Each frame gets the face region, the predicted expression, a bar chart of the
class probabilities, the generated motion mask and the processing speed in
frames per second.

Usage::

    python demo/video_demo.py VIDEO_OR_CAMERA_INDEX CONFIG CHECKPOINT \
        --out-file OUT.mp4 [--device cpu] [--max-frames N] [--show] \
        [--cfg-options KEY=VALUE ...]
"""
import argparse
import os
import sys
import time
from pathlib import Path

# Run from a checkout without installing the package; the drawing helpers
# live in image_demo.py next to this file.
REPO_ROOT = Path(__file__).resolve().parents[1]
for _path in (REPO_ROOT, Path(__file__).resolve().parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from mmengine.config import DictAction  # noqa: E402
from mmpretrain.utils import progress as mmpretrain_progress  # noqa: E402
from rich.progress import Progress  # noqa: E402

from image_demo import (draw_face_region, mask_heat_overlay,  # noqa: E402
                        probability_bars)
from mmfmpn.apis import FMPNInferencer  # noqa: E402

#: Output frame rate when the source does not report one (cameras).
DEFAULT_FPS = 15.0
NO_FACE_COLOUR = (40, 40, 230)


def annotate_frame(frame: np.ndarray, result: dict,
                   classes, frames_per_second: float) -> np.ndarray:
    """Draw one prediction onto a copy of its frame.

    Args:
        frame (np.ndarray): ``(H, W, 3)`` uint8 BGR frame.
        result (dict): Its prediction by ``FMPNInferencer``, possibly an
            error.
        classes (Sequence[str]): Class names in score order.
        frames_per_second (float): Processing speed to print.

    Returns:
        np.ndarray: The annotated ``(H, W, 3)`` uint8 BGR frame.
    """
    annotated = frame.copy()
    height, width = frame.shape[:2]
    scale = max(height / 720, 0.4)
    if result['error'] is None:
        draw_face_region(annotated, result, max(1, round(height / 360)))
        inset = max(width // 5, 48)
        bars = probability_bars(classes, result['pred_scores'], inset,
                                min(inset, height // 2))
        annotated[:bars.shape[0], width - inset:] = bars
        mask = cv2.resize(
            mask_heat_overlay(result['face'], result['motion_mask']),
            (inset, inset))
        top = min(bars.shape[0], height - inset)
        annotated[top:top + inset, width - inset:] = mask
    else:
        cv2.putText(annotated, 'no face', (8, int(70 * scale)),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, NO_FACE_COLOUR, 2,
                    cv2.LINE_AA)
    cv2.putText(annotated, f'{frames_per_second:.1f} fps',
                (8, int(30 * scale)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), 2, cv2.LINE_AA)
    return annotated


def open_source(source: str) -> cv2.VideoCapture:
    """Open a video file, or a camera when ``source`` is an integer index."""
    capture = cv2.VideoCapture(int(source) if source.isdigit() else source)
    if not capture.isOpened():
        what = 'camera' if source.isdigit() else 'video file'
        raise SystemExit(f'Cannot open {what} {source}; check that it exists '
                         'and that OpenCV can decode it.')
    return capture


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Annotate a video or camera stream with FMPN facial '
        'expression predictions.')
    parser.add_argument('source', help='video file, or camera index (0)')
    parser.add_argument('config', help='config the checkpoint was trained '
                        'with')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out-file', default='demo_result.mp4',
                        help='output video (default: demo_result.mp4)')
    parser.add_argument('--device', default='cpu',
                        help='device, e.g. cpu or cuda:0 (default: cpu)')
    parser.add_argument(
        '--face-source',
        choices=('detector', 'aligned'),
        default='detector',
        help='find the largest face with MTCNN, or treat each frame as an '
        'aligned face crop (default: detector)')
    parser.add_argument('--min-face-size', type=int, default=40,
                        help='smallest face side in pixels; larger is faster '
                        '(default: 40)')
    parser.add_argument('--max-frames', type=int,
                        help='stop after this many frames (default: all; a '
                        'camera runs until q or Ctrl-C)')
    parser.add_argument('--show', action='store_true',
                        help='also show the frames in a window (q quits)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config the checkpoint was trained '
        'with, as that training run did, e.g. '
        'model.mask_generator.working_size=70')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    inferencer = FMPNInferencer(
        args.config,
        args.checkpoint,
        device=args.device,
        face_source=args.face_source,
        largest_face=True,
        min_face_size=args.min_face_size,
        cfg_options=args.cfg_options)
    # One bar for the whole video, not mmpretrain's one per frame.
    mmpretrain_progress.disable_progress_bar = True
    capture = open_source(args.source)
    source_fps = capture.get(cv2.CAP_PROP_FPS)
    out_fps = source_fps if source_fps and source_fps > 0 else DEFAULT_FPS
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None
    if args.max_frames is not None:
        total = min(total or args.max_frames, args.max_frames)
    out_path = Path(args.out_file)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # Written next to the output and renamed at the end: an interrupted run
    # leaves no half video under the output name.
    temp_path = out_path.with_name(f'.{out_path.stem}.{os.getpid()}.tmp'
                                   f'{out_path.suffix}')
    writer = None
    frames, faces, speed = 0, 0, 0.0
    try:
        with Progress(transient=True) as progress:
            task = progress.add_task('frames', total=total)
            while args.max_frames is None or frames < args.max_frames:
                ok, frame = capture.read()
                if not ok:
                    break
                start = time.perf_counter()
                result = inferencer(frame)[0]
                elapsed = time.perf_counter() - start
                # Exponential moving average, steady but quick to follow.
                speed = 1 / elapsed if frames == 0 else (0.9 * speed +
                                                         0.1 / elapsed)
                annotated = annotate_frame(frame, result, inferencer.classes,
                                           speed)
                if writer is None:
                    height, width = annotated.shape[:2]
                    writer = cv2.VideoWriter(
                        str(temp_path), cv2.VideoWriter_fourcc(*'mp4v'),
                        out_fps, (width, height))
                    if not writer.isOpened():
                        raise SystemExit(f'Cannot write {out_path}; use a '
                                         '.mp4 or .avi file name.')
                writer.write(annotated)
                frames += 1
                faces += result['error'] is None
                progress.advance(task)
                if args.show:
                    cv2.imshow('FMPN', annotated)
                    if cv2.waitKey(1) & 0xFF == ord('q'):
                        break
    except KeyboardInterrupt:
        print('interrupted; keeping the frames so far', file=sys.stderr)
    finally:
        capture.release()
        if writer is not None:
            writer.release()
        if args.show:
            cv2.destroyAllWindows()
    if frames == 0:
        print(f'error: no frame could be read from {args.source}',
              file=sys.stderr)
        return 1
    os.replace(temp_path, out_path)
    print(f'{frames} frames, a face in {faces}, {speed:.1f} fps; '
          f'video: {out_path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
