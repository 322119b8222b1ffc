"""Write a CK+ tree (cohn-kanade-images/, Emotion/, Landmarks/) of real people's expressions.

Real neutral photos (the London Set crops shipped in ``assets/london_faces``, CC BY 4.0) are
moved through the seven CK+ expressions by the face model's FACS landmark motion, a mesh warp
and rendered mouth interiors, creases and lighting; each person's real smiling photo ends an
extra happy sequence. Convert it like the real set::

    python tools/dataset_converters/make_real_face_ckplus.py data/real_face_ckplus
    python tools/dataset_converters/prepare_ckplus.py data/real_face_ckplus data/ckplus_real_faces
"""
import argparse

from mmfmpn.synthesis.cli import ckplus_generator_parser, run_ckplus_generator
from mmfmpn.synthesis.real_faces.ckplus import DEFAULT_FACES_DIR, generate_real_face_ckplus


def parse_args(argv=None) -> argparse.Namespace:
    parser = ckplus_generator_parser(
        'Write expressive sequences of real faces in the raw CK+ layout: gray frames from '
        'neutral to apex, 68-point landmark files and emotion files (codes 1-7).')
    parser.add_argument(
        '--faces',
        default=str(DEFAULT_FACES_DIR),
        help='face folder with faces.json (make_london_face_assets.py)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Generate the set and print a one-line summary."""
    args = parse_args(argv)
    run_ckplus_generator(generate_real_face_ckplus, args, faces_dir=args.faces)


if __name__ == '__main__':
    main()
