"""Test a checkpoint on a config's test split.

Usage: python tools/test.py CONFIG CHECKPOINT [--fold K] [--out preds.json]

The options of MMPretrain's tools/test.py, plus --fold and --data-root; the
checkpoint loads strictly (``FMPNRunner``): one that does not fit the model
is an error naming the file.
"""
import argparse
import copy
import os

import mmengine
from mmengine.config import Config, ConfigDict

from mmfmpn.engine import build_runner, load_run_config, setup_cpu_distributed, shutdown_distributed
from mmfmpn.utils.cli import add_run_arguments


def parse_args():
    parser = argparse.ArgumentParser(description='Test a checkpoint.')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out',
        help='write per-sample predictions here: .json (img_path, gt_label, '
        'pred_label, pred_score; read by tools/kfold.py) or .pkl '
        "(mmengine's dump); with --out-item metrics, the metrics")
    parser.add_argument(
        '--out-item', choices=['metrics', 'pred'], help='what --out holds (default: pred)')
    parser.add_argument('--amp', action='store_true', help='test with automatic mixed precision')
    parser.add_argument('--show-dir', help='save the visualised predictions here')
    parser.add_argument('--show', action='store_true', help='show the predictions in a window')
    parser.add_argument('--interval', type=int, default=1, help='visualise every N-th sample')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='seconds each window stays (--show)')
    parser.add_argument(
        '--no-pin-memory', action='store_true', help='disable pin_memory of the test dataloader')
    parser.add_argument(
        '--tta',
        action='store_true',
        help='test-time augmentation: the config\'s tta_model and '
        'tta_pipeline, else the average score of the face and its mirror')
    add_run_arguments(parser)
    args = parser.parse_args()
    if args.out_item is not None and args.out is None:
        parser.error('--out-item needs --out.')
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def use_flip_tta(cfg: Config) -> None:
    """Wrap the model for test-time augmentation, as MMPretrain's tool."""
    if 'tta_model' not in cfg:
        cfg.tta_model = dict(type='mmpretrain.AverageClsScoreTTA')
    if 'tta_pipeline' not in cfg:
        test_pipeline = cfg.test_dataloader.dataset.pipeline
        cfg.tta_pipeline = copy.deepcopy(test_pipeline)
        cfg.tta_pipeline[-1] = dict(
            type='TestTimeAug',
            transforms=[[dict(type='RandomFlip', prob=1.),
                         dict(type='RandomFlip', prob=0.)], [test_pipeline[-1]]])
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline


def merge_args(args) -> Config:
    """The config with the command line applied."""
    cfg = load_run_config(args.config, args.cfg_options, args.work_dir, args.fold, args.data_root,
                          args.launcher)
    cfg.load_from, cfg.resume = args.checkpoint, False
    if args.amp:
        cfg.test_cfg.fp16 = True
    if args.show or args.show_dir is not None:
        if 'visualization' not in cfg.get('default_hooks', {}):
            raise SystemExit(f'--show / --show-dir: {args.config} sets no '
                             'default_hooks.visualization; add '
                             "visualization=dict(type='VisualizationHook').")
        cfg.default_hooks.visualization.update(
            enable=True,
            show=args.show,
            wait_time=args.wait_time,
            out_dir=args.show_dir,
            interval=args.interval)
    if args.tta:
        use_flip_tta(cfg)
    if args.no_pin_memory:
        cfg.test_dataloader.pin_memory = False
    if args.out and args.out_item in (None, 'pred'):
        dump = (
            dict(type='DumpPredictionsJSON', out_file=args.out)
            if args.out.endswith('.json') else dict(type='DumpResults', out_file_path=args.out))
        evaluators = cfg.test_evaluator
        cfg.test_evaluator = (list(evaluators) if isinstance(evaluators,
                                                             (list,
                                                              tuple)) else [evaluators]) + [dump]
    setup_cpu_distributed(cfg)
    return cfg


def main():
    args = parse_args()
    cfg = merge_args(args)
    metrics = build_runner(cfg).test()
    if args.out and args.out_item == 'metrics':
        mmengine.dump(metrics, args.out)
    shutdown_distributed()


if __name__ == '__main__':
    main()
