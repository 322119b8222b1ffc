"""Compare two tools/kfold.py runs fold by fold (paired), e.g. the fast mask
generator against the faithful one on the same folds and data.

Prints (and with ``--out`` writes) a per-fold table of accuracy and motion-mask
MSE, the mean ± std of the differences (candidate - baseline) and the exact
sign-flip test's p-value. Usage::

    python tools/analysis_tools/compare_kfold.py work_dirs/fmg-designs/faithful \\
        work_dirs/fmg-designs/fast --names faithful fast [--out cmp.md|cmp.json]
"""
import argparse
import json
from pathlib import Path
from typing import List, Optional

from mmfmpn.evaluation.fold_comparison import (compare_fold_summaries, comparison_markdown,
                                               load_kfold_summary)
from mmfmpn.utils.file_io import write_text_atomic


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('baseline', help='k-fold work dir or summary.json')
    parser.add_argument('candidate', help='k-fold work dir or summary.json')
    parser.add_argument(
        '--names',
        nargs=2,
        default=['baseline', 'candidate'],
        metavar=('BASELINE', 'CANDIDATE'),
        help='names in the table')
    parser.add_argument(
        '--out', help='also write the comparison (.md or '
        '.json)')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if args.out and Path(args.out).suffix not in ('.md', '.json'):
        raise SystemExit(f'--out {args.out}: use a .md or .json file.')
    try:
        comparison = compare_fold_summaries(
            load_kfold_summary(args.baseline), load_kfold_summary(args.candidate))
    except (FileNotFoundError, ValueError) as error:
        raise SystemExit(f'error: {error}')
    markdown = comparison_markdown(comparison, args.names)
    print(markdown, end='')
    if args.out:
        text = (
            json.dumps(dict(names=args.names, **comparison), indent=2)
            if args.out.endswith('.json') else markdown)
        write_text_atomic(args.out, text)


if __name__ == '__main__':
    main()
