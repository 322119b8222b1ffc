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

import cv2
from mmpretrain.utils import progress as mmpretrain_progress
from rich.progress import Progress

from mmfmpn.apis import FMPNInferencer
from mmfmpn.utils.cli import add_checkpoint_arguments
from mmfmpn.visualization import annotate_frame

#: Output frame rate when the source does not report one (cameras).
DEFAULT_FPS = 15.0


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
    add_checkpoint_arguments(parser)
    parser.add_argument(
        '--out-file', default='demo_result.mp4', help='output video (default: demo_result.mp4)')
    parser.add_argument(
        '--face-source',
        choices=('detector', 'aligned'),
        default='detector',
        help='find the largest face with MTCNN, or treat each frame as an '
        'aligned face crop (default: detector)')
    parser.add_argument(
        '--min-face-size',
        type=int,
        default=40,
        help='smallest face side in pixels; larger is faster '
        '(default: 40)')
    parser.add_argument(
        '--max-frames',
        type=int,
        help='stop after this many frames (default: all; a '
        'camera runs until q or Ctrl-C)')
    parser.add_argument(
        '--show', action='store_true', help='also show the frames in a window (q quits)')
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
                speed = 1 / elapsed if frames == 0 else (0.9 * speed + 0.1 / elapsed)
                annotated = annotate_frame(frame, result, inferencer.classes, speed)
                if writer is None:
                    height, width = annotated.shape[:2]
                    writer = cv2.VideoWriter(
                        str(temp_path), cv2.VideoWriter_fourcc(*'mp4v'), out_fps, (width, height))
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
        print(f'error: no frame could be read from {args.source}', file=sys.stderr)
        return 1
    os.replace(temp_path, out_path)
    print(f'{frames} frames, a face in {faces}, {speed:.1f} fps; '
          f'video: {out_path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
