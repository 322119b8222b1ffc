"""Write a synthetic data set in the JAFFE layout (KA.AN1.39.tiff ..., landmarks.csv).

The real JAFFE is licence-restricted; this folder has its file names, gray 256x256 TIFFs and
a landmarks file with the 68 exact points, so it converts like the real set::

    python tools/dataset_converters/make_synthetic_jaffe.py data/synthetic_jaffe
    python tools/dataset_converters/prepare_jaffe.py data/synthetic_jaffe data/jaffe \\
        --landmarks data/synthetic_jaffe/landmarks.csv
"""
import argparse
import sys
import time

from mmfmpn.synthesis import generate_synthetic_jaffe


def main(argv=None) -> int:
    """Generate the set and print a one-line summary."""
    parser = argparse.ArgumentParser(
        description='Write a synthetic JAFFE-layout folder: 10 posers x 7 expressions x '
        '2-4 takes as gray 256x256 TIFFs named like JAFFE, and landmarks.csv.')
    parser.add_argument('out', help='output folder (files of the same names are replaced)')
    parser.add_argument('--seed', type=int, default=0, help='random seed (default: %(default)s)')
    parser.add_argument(
        '--posers', type=int, default=10, help='number of posers, 1-10 (default: %(default)s)')
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        counts = generate_synthetic_jaffe(args.out, seed=args.seed, num_posers=args.posers)
    except ValueError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    images, posers = counts.pop('images'), counts.pop('posers')
    print(f'Wrote {args.out}: {images} images of {posers} posers (' +
          ', '.join(f'{name} {count}' for name, count in counts.items()) +
          f'), landmarks.csv, in {time.perf_counter() - start:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
