"""Parameters and FLOPs of each part of an FMPN, per image.

The parts are the mask generator (FMG), the fusion net (PFN) and the
classification network (backbone, neck and head: the same network as the
config's classifier without the prior). FLOPs follow mmengine's (fvcore's)
convention: a multiply-add is one FLOP, and element-wise operations (norms,
activations, resizes) are not counted. The models are built without their
pretrained initialisation, so nothing is downloaded.

Usage:
    python tools/analysis_tools/get_flops.py configs/fmpn/fmpn_inceptionv3_ckplus.py
"""
import argparse
import sys
from typing import Dict, Optional, Sequence

import torch
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmpretrain.registry import MODELS
from rich.console import Console
from rich.table import Table

from mmfmpn.models import bare_classifier_cfg
from mmfmpn.utils.cli import (add_cfg_options_argument, add_input_size_argument, add_json_argument,
                              load_config, parse_input_size, write_json_output)

PART_LABELS = dict(
    mask_generator='mask generator',
    fusion='fusion net',
    classifier='backbone + neck + head',
    fmpn_total='FMPN total')


def part_complexity(model_cfg: dict, input_size: Sequence[int]) -> Dict[str, dict]:
    """Parameters and FLOPs of one image through each part of an FMPN.

    Args:
        model_cfg (dict): ``cfg.model`` of an ``FMPNClassifier`` config.
        input_size (Sequence[int]): ``(height, width)``.

    Returns:
        dict[str, dict]: ``mask_generator``, ``fusion``, ``classifier`` and
        ``fmpn_total``, each with ``params`` and ``flops`` (per image).
    """
    fmpn = MODELS.build(model_cfg).eval()
    classifier = MODELS.build(bare_classifier_cfg(model_cfg)).eval()
    rgb, gray = torch.rand(1, 3, *input_size), torch.rand(1, 1, *input_size)
    parts = dict(
        mask_generator=(fmpn.mask_generator, (gray, )),
        fusion=(fmpn.fusion, (rgb, gray)),
        classifier=(classifier, (rgb, )))
    result = dict()
    for name, (module, inputs) in parts.items():
        analyzer = FlopAnalyzer(module, inputs)
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        result[name] = dict(params=parameter_count(module)[''], flops=analyzer.total())
    result['fmpn_total'] = {
        key: sum(result[name][key] for name in parts)
        for key in ('params', 'flops')
    }
    return result


def complexity_table(complexity: Dict[str, dict]) -> Table:
    """The rows of :func:`part_complexity` as a table, with each part's share."""
    table = Table(title='Parameters and FLOPs per image (a multiply-add is one FLOP)')
    for column in ('part', 'params', 'GFLOPs', 'share of FLOPs'):
        table.add_column(column, justify='left' if column == 'part' else 'right')
    total = complexity['fmpn_total']['flops']
    for name, label in PART_LABELS.items():
        part = complexity[name]
        params = part['params']
        table.add_row(label, f'{params / 1e6:.3f} M' if params >= 1e4 else str(params),
                      f'{part["flops"] / 1e9:.3f}', f'{100 * part["flops"] / total:.1f}%')
    return table


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Parameters and FLOPs per image of the parts of an FMPN.')
    parser.add_argument('config', help='an FMPNClassifier config file')
    add_input_size_argument(parser)
    add_json_argument(parser)
    add_cfg_options_argument(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    input_size = parse_input_size(args.input_size, cfg)
    complexity = part_complexity(cfg.model, input_size)
    console = Console()
    console.print(f'{args.config}  {input_size[0]}x{input_size[1]}')
    console.print(complexity_table(complexity))
    write_json_output(args.json,
                      dict(config=args.config, input_size=list(input_size), complexity=complexity))
    return 0


if __name__ == '__main__':
    sys.exit(main())
