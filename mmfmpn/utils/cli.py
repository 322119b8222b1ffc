"""What the command lines of the project share: their config options.

The tools and demos parse their own arguments; the options every one of them
spells the same way are defined here once.
"""
import argparse
from pathlib import Path
from typing import Optional, Sequence, Tuple

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

from .file_io import write_json_atomic
from .input_size import network_input_size


def add_cfg_options_argument(parser: argparse.ArgumentParser, trained_with: bool = False) -> None:
    """Add ``--cfg-options KEY=VALUE ...`` (mmengine's ``DictAction``).

    Args:
        parser (ArgumentParser): The tool's parser.
        trained_with (bool): The config is the one a checkpoint was trained
            with: the help says to repeat that run's overrides. Defaults to
            False.
    """
    what = ('settings of the config the checkpoint was trained with, as that training run did'
            if trained_with else 'config settings')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        metavar='KEY=VALUE',
        help=f'override {what}, e.g. model.mask_generator.working_size=70')


def add_checkpoint_arguments(parser: argparse.ArgumentParser, device: bool = True) -> None:
    """Add ``config checkpoint [--device] [--cfg-options]``: a trained model.

    Args:
        parser (ArgumentParser): The tool's parser.
        device (bool): Also add ``--device`` (default ``cpu``). Defaults to
            True.
    """
    parser.add_argument('config', help='the config the checkpoint was trained with')
    parser.add_argument('checkpoint', help='checkpoint file')
    if device:
        parser.add_argument(
            '--device', default='cpu', help='device, e.g. cpu or cuda:0 (default: cpu)')
    add_cfg_options_argument(parser, trained_with=True)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``tools/train.py`` and ``tools/test.py`` that say where and how to run.

    ``--work-dir``, ``--fold``, ``--data-root``, ``--cfg-options``,
    ``--launcher`` and ``--local-rank``, as MMPretrain's tools name them (plus
    the fold and data root), read by :func:`mmfmpn.engine.load_run_config`.

    Args:
        parser (ArgumentParser): The tool's parser.
    """
    parser.add_argument(
        '--work-dir',
        help='where logs and checkpoints go (default: work_dirs/CONFIG_NAME[/fold_K])')
    parser.add_argument('--fold', type=int, help='cross-validation fold of every split')
    parser.add_argument('--data-root', help='dataset folder of every split')
    add_cfg_options_argument(parser)
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(config_file: str, cfg_options: Optional[dict] = None) -> Config:
    """Read a config, apply ``--cfg-options`` and set its default scope.

    Args:
        config_file (str): The config file.
        cfg_options (dict, optional): Overrides, as ``DictAction`` parses
            them. Defaults to None.

    Returns:
        Config: The config.
    """
    cfg = Config.fromfile(config_file)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    return cfg


def add_json_argument(parser: argparse.ArgumentParser, what: str = 'the results') -> None:
    """Add ``--json OUT``: also write what the tool reports to a JSON file.

    Args:
        parser (ArgumentParser): The tool's parser.
        what (str): What the file holds, for the help. Defaults to 'the results'.
    """
    parser.add_argument(
        '--json', type=Path, metavar='OUT', help=f'also write {what} to this JSON file')


def write_json_output(path: Optional[Path], result: dict) -> None:
    """Write a tool's result to its ``--json`` file, if one was given, and say so.

    Args:
        path (Path, optional): The ``--json`` value; None writes nothing.
        result (dict): JSON-serialisable result (written atomically).
    """
    if path is not None:
        write_json_atomic(path, result)
        print(f'Wrote {path}')


class _InputSizeAction(argparse.Action):
    """Store ``HEIGHT [WIDTH]``; more values are a usage error."""

    def __call__(self, parser, namespace, values, option_string=None):
        if len(values) > 2:
            parser.error(f'{option_string} takes HEIGHT [WIDTH], got {len(values)} values')
        setattr(namespace, self.dest, values)


def add_input_size_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--input-size HEIGHT [WIDTH]`` (read with :func:`parse_input_size`)."""
    parser.add_argument(
        '--input-size',
        type=int,
        nargs='+',
        action=_InputSizeAction,
        metavar='SIZE',
        help='input HEIGHT [WIDTH] (default: the crop of the test pipeline)')


def parse_input_size(values: Optional[Sequence[int]], cfg: Config) -> Tuple[int, int]:
    """``--input-size HEIGHT [WIDTH]``, else the config's network input size.

    Args:
        values (Sequence[int], optional): The option's one or two values.
        cfg (Config): The config (see
            :func:`mmfmpn.utils.network_input_size`).

    Returns:
        tuple[int, int]: ``(height, width)``.

    Raises:
        ValueError: No value given and no size in the config.
    """
    if values is None:
        return network_input_size(cfg)
    return values[0], values[-1]
