"""``FMPNRunner``: mmengine's runner with the project's safeguards, so that
MMPretrain's stock ``tools/train.py`` / ``test.py`` (which build
``RUNNERS.build(cfg)`` when a config sets ``runner_type``) behave as ours."""
import copy
import glob
import logging
import os.path as osp
import re
from typing import List, Optional

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.registry import RUNNERS
from mmengine.runner import Runner
from mmengine.runner.checkpoint import find_latest_checkpoint

from .checkpoint_loading import (UnreadableCheckpointError, check_state_dict_matches,
                                 checkpoint_state_dict, read_checkpoint)
from .config_validation import check_config_values
from .runner_setup import apply_fold

#: The checkpoint files of mmengine's CheckpointHook.
_CHECKPOINT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def check_training_work_dir(work_dir: str, resume: bool) -> None:
    """Refuse to start a new training in a work dir that holds one.

    Args:
        work_dir (str): The run's work dir.
        resume (bool): Whether the run resumes what the work dir holds.

    Raises:
        FileExistsError: ``work_dir`` has a ``last_checkpoint`` and the run
            does not resume: its checkpoints would be overwritten or mixed.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    if resume or not osp.isfile(pointer):
        return
    with open(pointer) as file:
        last = file.read().strip()
    raise FileExistsError(f'Work dir {work_dir} already holds a training run (last checkpoint '
                          f'{last}); starting a new one there would overwrite its checkpoints. '
                          'Pass --resume (resume=True) to continue it, or another --work-dir '
                          '(work_dir=...) to train from scratch.')


def earlier_checkpoints(work_dir: str, checkpoint: str) -> List[str]:
    """The checkpoints of ``work_dir`` before ``checkpoint``, latest first."""

    def step(path: str) -> int:
        match = _CHECKPOINT_NAME.match(osp.basename(path))
        return int(match.group(2)) if match else -1

    limit = step(checkpoint)
    candidates = [
        path for path in glob.glob(osp.join(work_dir, '*.pth')) if 0 <= step(path) < limit
    ]
    return sorted(candidates, key=step, reverse=True)


@RUNNERS.register_module()
class FMPNRunner(Runner):
    """mmengine's ``Runner`` that checks what it is given.

    - builds from a config whose values can work
      (:func:`check_config_values`) and whose ``{fold}`` placeholders are
      filled in (:func:`apply_fold`: stage 2's stage-1 checkpoint);
    - does not train into a work dir that holds a run unless resuming
      (:func:`check_training_work_dir`);
    - loads every checkpoint (``load_from``, ``--resume``) strictly through
      :mod:`mmfmpn.engine.checkpoint_loading`: an unreadable file or weights
      that do not fit are an error naming the file and the fix;
    - resuming the latest checkpoint of the work dir, it falls back to the
      one before when the latest cannot be read (a save cut short), with a
      warning.

    Registered in mmengine's root registry, where tools look runners up
    before any scope is set. Arguments: see ``mmengine.runner.Runner``.
    """

    @classmethod
    def from_cfg(cls, cfg: Config) -> 'FMPNRunner':
        cfg = copy.deepcopy(cfg)
        check_config_values(cfg)
        apply_fold(cfg)
        return super().from_cfg(cfg)

    def train(self):
        check_training_work_dir(self.work_dir, self._resume)
        return super().train()

    def load_or_resume(self) -> None:
        if self._has_loaded or not (self._resume and self._load_from is None):
            return super().load_or_resume()
        latest = find_latest_checkpoint(self.work_dir)
        if latest is None:
            return
        first_error: Optional[Exception] = None
        for candidate in [latest] + earlier_checkpoints(self.work_dir, latest):
            try:
                self.resume(candidate)
            except (UnreadableCheckpointError, FileNotFoundError) as error:
                first_error = first_error or error
                continue
            if candidate != latest:
                print_log(
                    f'{first_error} Resuming from the previous checkpoint '
                    f'{candidate} instead.',
                    logger='current',
                    level=logging.WARNING)
            self.logger.info(f'Auto resumed from {candidate}.')
            self._has_loaded = True
            return
        raise UnreadableCheckpointError(
            f'{first_error} No earlier checkpoint of {self.work_dir} can be '
            'read either: train from scratch in another --work-dir.')

    def load_checkpoint(self,
                        filename: str,
                        map_location='cpu',
                        strict: bool = True,
                        revise_keys: Optional[list] = None) -> dict:
        """Load a checkpoint into the model, always strictly.

        Args:
            filename (str): The checkpoint.
            map_location (str | callable): As ``torch.load``.
            strict (bool): Ignored: a checkpoint that does not fit the model
                is always an error, never half-loaded.
            revise_keys (list, optional): Ignored; DDP's ``module.`` is
                removed.

        Returns:
            dict: The checkpoint.
        """
        checkpoint = read_checkpoint(filename, map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model
        # DDP and --tta's test-time-augmentation model wrap the model.
        while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
            model = model.module
        state = checkpoint_state_dict(checkpoint, filename)
        config = getattr(self.cfg, 'filename', None) or 'the config'
        check_state_dict_matches(
            model, state, filename, f'the model of {config}',
            'Use the config the checkpoint was trained with (a copy lies in '
            'its work dir), including its --cfg-options.')
        model.load_state_dict(state, strict=True)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint


def build_runner(cfg: Config) -> Runner:
    """The runner of a config: its ``runner_type``, else ``FMPNRunner``."""
    if 'runner_type' not in cfg:
        cfg = copy.deepcopy(cfg)
        cfg.runner_type = 'FMPNRunner'
    return RUNNERS.build(cfg)
