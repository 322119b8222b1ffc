"""Score a trained FMPN on real neutral/smiling photo pairs of the London Set.

Runs the inference API (MTCNN five points -> aligned face -> model) on each person's neutral and
smiling photo and reports the smile-vs-neutral ROC AUC of P(happy), the smile->happy rate and
per-person scores. By default only the people the ``make demo`` data leaves out
(``HELD_OUT_SUBJECTS``), so the figures are on people the model never saw::

    python tools/analysis_tools/london_smile_check.py \\
        configs/demo/fmpn_inceptionv3_synthetic-ckplus.py \\
        work_dirs/demo/kfold/fold_0/stage2/epoch_12.pth \\
        --london-root ../shared/reference/london-faces

Photos: Face Research Lab London Set (DeBruine & Jones, 2017), CC BY 4.0.
"""
import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from mmfmpn.apis import FMPNInferencer
from mmfmpn.evaluation.smile_check import PairScores, smile_check_summary
from mmfmpn.synthesis.real_faces.london_assets import HELD_OUT_SUBJECTS
from mmfmpn.utils.cli import add_checkpoint_arguments, add_json_argument, write_json_output


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Smile-vs-neutral AUC of P(happy) on real London photo pairs.')
    add_checkpoint_arguments(parser)
    parser.add_argument(
        '--london-root',
        type=Path,
        default=Path('../shared/reference/london-faces'),
        help='folder with annotations.json, neutral/ and smiling/')
    parser.add_argument(
        '--subjects',
        nargs='+',
        default=list(HELD_OUT_SUBJECTS),
        help='people to score (default: the held-out '
        f'{" ".join(HELD_OUT_SUBJECTS)})')
    add_json_argument(parser, 'the figures and scores')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    index = args.london_root / 'annotations.json'
    if not index.is_file():
        print(f'error: {index}: missing; pass --london-root', file=sys.stderr)
        return 2
    people = {
        str(person['subject']): person
        for person in json.loads(index.read_text(encoding='utf-8'))
    }
    unknown = sorted(set(args.subjects) - set(people))
    if unknown:
        print(f'error: subjects {unknown} are not in {index}', file=sys.stderr)
        return 2
    inferencer = FMPNInferencer(
        args.config,
        args.checkpoint,
        device=args.device,
        face_source='detector',
        largest_face=True,
        cfg_options=args.cfg_options)
    happy = inferencer.classes.index('happy')
    pairs = []
    for subject in args.subjects:
        results = inferencer(
            [str(args.london_root / people[subject][kind]) for kind in ('neutral', 'smiling')])
        failed = [result for result in results if result['error']]
        if failed:
            print(f"error: {failed[0]['error']}", file=sys.stderr)
            return 1
        neutral, smiling = results
        pairs.append(
            PairScores(subject, float(neutral['pred_scores'][happy]),
                       float(smiling['pred_scores'][happy]), neutral['pred_class'],
                       smiling['pred_class']))
        print(f'{subject}: P(happy) neutral {pairs[-1].neutral_happy:.3f} '
              f"({neutral['pred_class']}), smiling {pairs[-1].smiling_happy:.3f} "
              f"({smiling['pred_class']})")
    summary = smile_check_summary(pairs)
    print(f'{summary["num_people"]} people: smile-vs-neutral AUC of P(happy) '
          f'{summary["auc"]:.3f}; smile scored above own neutral {summary["pair_accuracy"]:.0%}; '
          f'smiles called happy {summary["smile_to_happy"]:.0%}, neutral faces called happy '
          f'{summary["neutral_to_happy"]:.0%}')
    write_json_output(args.json, dict(summary, pairs=[pair._asdict() for pair in pairs]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
