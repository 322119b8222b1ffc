"""The command lines of the dataset converters: their shared arguments and their one report.

Every tool in ``tools/dataset_converters/`` that runs a ``prepare_*`` converter builds its
parser here, adds its dataset's own arguments, and hands the run to :func:`run_conversion`,
which owns what the user sees: the summary on stdout (exit status 0), or the error on stderr
with exit status 1 (bad samples, :class:`~.common.ConversionError`) or 2 (a missing or bad
input, a non-empty output folder). The converters themselves print nothing.
"""
import argparse
import sys
from pathlib import Path
from typing import Callable, Optional

from mmfmpn.masks.alignment import ALIGNED_FACE_SIZE
from .common import LANDMARKS_FILE_FORMAT, Conversion, ConversionError, ConversionOptions

#: Exit status of a conversion stopped by bad samples (listed on stderr).
EXIT_BAD_SAMPLES = 1
#: Exit status of a conversion that could not start or finish (a bad input or output folder).
EXIT_ERROR = 2


def converter_parser(description: str,
                     source: str,
                     source_help: str,
                     landmarks_key: Optional[str] = None,
                     landmarks_needed: str = '',
                     folds: Optional[str] = None,
                     crop_size: Optional[int] = ALIGNED_FACE_SIZE,
                     samples: str = 'samples') -> argparse.ArgumentParser:
    """A converter's parser: the raw dataset, ``out`` and the options converters share.

    Each argument parses to the name of the converter's parameter it is passed to, except
    ``--skip-bad`` and ``--overwrite``, which go into its
    :class:`~.common.ConversionOptions` (see :func:`run_conversion`). The options every
    converter takes (``--crop-size``, ``--skip-bad``, ``--overwrite``) form their own group,
    which ``--help`` lists after the others; the tool adds its dataset's own options to the
    returned parser.

    Args:
        description (str): What the tool does, for ``--help``.
        source (str): Name of the raw-dataset argument, e.g. ``'mmi_root'``.
        source_help (str): Its help text.
        landmarks_key (str, optional): A row key of the dataset's landmarks file, e.g.
            ``'KA.AN1.39.tiff'``, for ``--landmarks FILE`` (parsed to ``landmarks_file``;
            format: :data:`~.common.LANDMARKS_FILE_FORMAT`); None: no ``--landmarks``.
        landmarks_needed (str): Which frames need landmarks, a sentence ending in ``'. '``;
            empty when every image does. Defaults to ''.
        folds (str, optional): What ``--num-folds`` counts, for its help text, e.g.
            ``'subject-independent folds'``; None: no ``--num-folds``.
        crop_size (int, optional): Default of ``--crop-size``; None leaves the option out
            (a converter whose crop is fixed). Defaults to 70 (:data:`ALIGNED_FACE_SIZE`).
        samples (str): What ``--skip-bad`` leaves out, e.g. ``'labelled sequences'``.
            Defaults to ``'samples'``.

    Returns:
        argparse.ArgumentParser: Paths parse to :class:`~pathlib.Path`.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(source, type=Path, help=source_help)
    parser.add_argument('out', type=Path, help='output folder')
    if landmarks_key is not None:
        parser.add_argument(
            '--landmarks',
            type=Path,
            dest='landmarks_file',
            metavar='LANDMARKS',
            help=f'landmarks file: {LANDMARKS_FILE_FORMAT}, e.g. "{landmarks_key},x1,y1,...". '
            f'{landmarks_needed}Default: detect five points with MTCNN')
    if folds is not None:
        parser.add_argument(
            '--num-folds', type=int, default=10, help=f'{folds} (default: %(default)s)')
    shared = parser.add_argument_group('options of every converter')
    if crop_size is not None:
        shared.add_argument(
            '--crop-size',
            type=int,
            default=crop_size,
            help='side of the aligned faces in pixels; keep 70 to use CK+ masks, '
            'which are 70x70 (default: %(default)s)')
    shared.add_argument(
        '--skip-bad',
        action='store_true',
        help=f'leave out {samples} that cannot be converted and list them in '
        'OUT/skipped.txt (default: stop with an error naming them)')
    shared.add_argument(
        '--overwrite',
        action='store_true',
        help='replace a non-empty OUT as a whole, once the new dataset is complete '
        '(its masks too: they were built for the old folds)')
    return parser


def run_conversion(convert: Callable[..., Conversion], args: argparse.Namespace) -> int:
    """Run a converter on the parsed command line and report the outcome.

    Args:
        convert (Callable[..., Conversion]): A ``prepare_*`` function.
        args (argparse.Namespace): From a :func:`converter_parser`. ``skip_bad`` and
            ``overwrite`` go into ``convert``'s ``options``
            (:class:`~.common.ConversionOptions`, with ``show_progress=True``); every other
            attribute is a keyword argument of ``convert`` (the tool names its arguments so).

    Returns:
        int: The exit status: 0 after printing the summary to stdout,
        :data:`EXIT_BAD_SAMPLES` or :data:`EXIT_ERROR` after printing the error to stderr.
    """
    arguments = dict(vars(args))
    options = ConversionOptions(
        skip_bad=arguments.pop('skip_bad'),
        overwrite=arguments.pop('overwrite'),
        show_progress=True)
    try:
        conversion = convert(**arguments, options=options)
    except ConversionError as err:
        print('\n'.join(err.report_lines()), file=sys.stderr)
        return EXIT_BAD_SAMPLES
    except (OSError, ValueError, RuntimeError) as err:
        print(f'error: {err}', file=sys.stderr)
        return EXIT_ERROR
    print('\n'.join(conversion.summary()))
    return 0
