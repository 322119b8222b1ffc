"""The size of the faces a config's network is given."""
from typing import Tuple

from mmengine.config import Config


def network_input_size(cfg: Config) -> Tuple[int, int]:
    """``(height, width)`` of the faces the network sees at test time.

    It is the size set by the last transform of the test pipeline that fixes
    one (a ``crop_size``, or the ``scale`` of a ``Resize``), transforms
    nested in wrappers such as ``MotionMaskBroadcaster`` included. Sizes
    given as pairs are read as mmcv writes them, ``(width, height)``.

    Args:
        cfg (Config): A config with ``test_dataloader.dataset.pipeline`` (or
            ``test_pipeline``).

    Returns:
        tuple[int, int]: ``(height, width)``.

    Raises:
        ValueError: The test pipeline neither crops nor resizes to a fixed
            size; the message names the config.
    """
    dataloader = cfg.get('test_dataloader') or {}
    pipeline = (dataloader.get('dataset') or {}).get('pipeline') or cfg.get('test_pipeline') or []
    sizes = []

    def visit(transforms):
        for transform in transforms:
            if 'crop_size' in transform:
                sizes.append(transform['crop_size'])
            elif str(transform.get('type', '')).split('.')[-1] == 'Resize' and 'scale' in transform:
                sizes.append(transform['scale'])
            visit(transform.get('transforms', []))

    visit(pipeline)
    if not sizes:
        raise ValueError(f'{getattr(cfg, "filename", None) or "the config"}: the test pipeline '
                         'has no crop_size nor Resize scale to take the input size from; '
                         'give the size on the command line.')
    size = sizes[-1]
    return (size, size) if isinstance(size, int) else (size[1], size[0])
