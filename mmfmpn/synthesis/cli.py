"""The command lines of the CK+-layout generators (``tools/dataset_converters/make_*_ckplus.py``):
their shared arguments and their one report.

The generators print nothing; :func:`run_ckplus_generator` prints the one-line summary to
stdout, or ends the process with ``error: ...`` on stderr and exit status 1.
"""
import argparse
import os
import sys
import time
from typing import Callable


def ckplus_generator_parser(description: str) -> argparse.ArgumentParser:
    """A generator's parser with ``out``, ``--seed``, ``--workers`` and ``--overwrite``.

    Args:
        description (str): What the tool writes, for ``--help``.

    Returns:
        argparse.ArgumentParser: Help texts show the defaults; the tool adds its own options.
    """
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('out', help='output folder (must be empty or new unless --overwrite)')
    parser.add_argument(
        '--seed', type=int, default=0, help='random seed; the same seed writes the same files')
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
    return parser


def run_ckplus_generator(generate: Callable[..., dict], args: argparse.Namespace,
                         **options) -> None:
    """Run a generator and print its summary, or exit with its error.

    Args:
        generate (Callable[..., dict]): ``generate_*_ckplus``; returns counts with
            ``subjects``, ``sequences``, ``labelled_sequences``, ``frames``,
            ``class_counts`` and, for real faces, ``real_smiles``.
        args (argparse.Namespace): From :func:`ckplus_generator_parser`.
        **options: The generator's own keyword arguments.

    Raises:
        SystemExit: With ``error: ...`` (exit status 1) when the generator refuses its
            input or output folder.
    """
    start = time.perf_counter()
    try:
        counts = generate(
            args.out,
            seed=args.seed,
            overwrite=args.overwrite,
            num_workers=args.workers,
            show_progress=True,
            **options)
    except (OSError, ValueError) as error:
        sys.exit(f'error: {error}')
    labelled = f'labelled {counts["labelled_sequences"]}: ' + ', '.join(
        f'{name} {count}' for name, count in counts['class_counts'].items())
    if counts.get('real_smiles'):
        labelled += f'; {counts["real_smiles"]} real smiles'
    print(f'\nWrote {args.out}: subjects {counts["subjects"]}, sequences {counts["sequences"]} '
          f'({labelled}), frames {counts["frames"]}, in {time.perf_counter() - start:.1f} s')
