"""Write a CK+ tree (cohn-kanade-images/, Emotion/, Landmarks/) of real people's expressions.

Real neutral photos (the London Set crops shipped in ``assets/london_faces``, CC BY 4.0) are
moved through the seven CK+ expressions by the face model's FACS landmark motion, a mesh warp
and rendered mouth interiors, creases and lighting; each person's real smiling photo ends an
extra happy sequence. Convert it like the real set::

    python tools/dataset_converters/make_real_face_ckplus.py data/real_face_ckplus
    python tools/dataset_converters/prepare_ckplus.py data/real_face_ckplus data/ckplus_real_faces
"""
import argparse
import os
import sys
import time

from mmfmpn.synthesis.real_faces.ckplus import DEFAULT_FACES_DIR, generate_real_face_ckplus


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write expressive sequences of real faces in the raw CK+ layout: gray '
        'frames from neutral to apex, 68-point landmark files and emotion files (codes 1-7).',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('out', help='output folder (must be empty or new unless --overwrite)')
    parser.add_argument(
        '--faces',
        default=str(DEFAULT_FACES_DIR),
        help='face folder with faces.json (make_london_face_assets.py)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--workers',
        type=int,
        default=min(2,
                    os.cpu_count() or 1),
        help='processes rendering sequences in parallel')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='write into a non-empty OUT, replacing its cohn-kanade-images/, '
        'Emotion/ and Landmarks/ folders')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Generate the set and print a one-line summary."""
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        summary = generate_real_face_ckplus(
            args.out,
            faces_dir=args.faces,
            seed=args.seed,
            overwrite=args.overwrite,
            num_workers=args.workers,
            show_progress=True)
    except (OSError, ValueError) as error:
        sys.exit(f'error: {error}')
    class_counts = ', '.join(f'{name} {count}' for name, count in summary['class_counts'].items())
    print(f'\nWrote {args.out}: subjects {summary["subjects"]}, sequences '
          f'{summary["sequences"]} ({class_counts}; {summary["real_smiles"]} real smiles), '
          f'frames {summary["frames"]}, in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
