"""Export a trained FMPN, prior included, to ONNX and check it against PyTorch.

The graph holds the whole inference: gray conversion, the facial-motion mask
generator (FMG), the prior fusion net (PFN), normalisation of the fused image,
backbone, neck, head and softmax.

- Input ``faces``: float32 ``(N, 3, S, S)`` RGB in [0, 1] (or uint8 in
  [0, 255] with ``--uint8-input``), N free. A face must be prepared as for
  the PyTorch model: aligned (``mmfmpn.apis.FaceAligner``)
  and passed through the test pipeline's resize and crop (320 -> 299 for the
  Inception-V3 configs), channels RGB.
- Output ``scores``: float32 ``(N, num_classes)`` class probabilities.
- Output ``motion_mask`` (with ``--with-mask``): float32 ``(N, 1, S, S)`` in
  [0, 1].

Usage::

    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        [--output-file model.onnx] [--with-mask] [--input-size 299] \
        [--cfg-options KEY=VALUE ...]
"""
import argparse
import os
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from mmfmpn.apis import init_fmpn_model
from mmfmpn.utils import network_input_size
from mmfmpn.utils.cli import add_checkpoint_arguments

DEFAULT_INPUT_SIZE = 299


class FMPNForExport(nn.Module):
    """FMPN inference as a single traceable module.

    Args:
        model (FMPNClassifier): A trained model in eval mode.
        uint8_input (bool): Take uint8 faces in [0, 255] instead of float
            faces in [0, 1]. Defaults to False.
        with_mask (bool): Also return the motion mask. Defaults to False.
    """

    def __init__(self, model: nn.Module, uint8_input: bool = False, with_mask: bool = False):
        super().__init__()
        self.model = model
        self.uint8_input = uint8_input
        self.with_mask = with_mask

    def forward(self, faces: torch.Tensor):
        """Class probabilities (and motion masks) of a batch of faces.

        Args:
            faces (Tensor): ``(N, 3, H, W)`` RGB, float in [0, 1] or uint8.

        Returns:
            Tensor | tuple[Tensor, Tensor]: ``(N, num_classes)``
            probabilities, and ``(N, 1, H, W)`` masks with ``with_mask``.
        """
        if self.uint8_input:
            faces = faces.float() / 255
        motion_mask, fused = self.model.generate_prior(faces)
        logits = self.model.head(self.model.classify_fused(fused))
        scores = logits.softmax(dim=1)
        return (scores, motion_mask) if self.with_mask else scores


def square_input_size(cfg) -> int:
    """The side of the square faces the config's test pipeline gives, else 299."""
    try:
        height, width = network_input_size(cfg)
    except ValueError:
        return DEFAULT_INPUT_SIZE
    if height != width:
        raise SystemExit(f'{cfg.filename}: the test pipeline gives {height}x{width} faces; the '
                         'export takes square faces: pass --input-size SIDE.')
    return height


def export(wrapper: FMPNForExport, output_file: Path, input_size: int, opset: int) -> None:
    """Trace ``wrapper`` into ``output_file`` (written atomically)."""
    dtype = torch.uint8 if wrapper.uint8_input else torch.float32
    example = torch.zeros(2, 3, input_size, input_size, dtype=dtype)
    output_names = ['scores'] + (['motion_mask'] if wrapper.with_mask else [])
    dynamic_axes = {name: {0: 'batch'} for name in ['faces'] + output_names}
    output_file.parent.mkdir(parents=True, exist_ok=True)
    temp_name = output_file.with_name(f'.{output_file.name}.{os.getpid()}'
                                      '.tmp')
    try:
        # The TorchScript exporter: the dynamo one needs onnxscript.
        torch.onnx.export(
            wrapper, (example, ),
            str(temp_name),
            input_names=['faces'],
            output_names=output_names,
            dynamic_axes=dynamic_axes,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False)
        os.replace(temp_name, output_file)
    except BaseException:
        temp_name.unlink(missing_ok=True)
        raise


def check_parity(wrapper: FMPNForExport,
                 onnx_file: Path,
                 input_size: int,
                 batch_size: int,
                 seed: int = 0) -> dict:
    """Run the ONNX file with onnxruntime and PyTorch on the same faces.

    Args:
        wrapper (FMPNForExport): The exported module.
        onnx_file (Path): The exported file.
        input_size (int): Face side.
        batch_size (int): Faces per check (differs from the export batch of
            2, so the free batch axis is checked too).
        seed (int): Seed of the random faces. Defaults to 0.

    Returns:
        dict: Largest absolute difference per output name.
    """
    import onnx
    import onnxruntime
    onnx.checker.check_model(str(onnx_file))
    generator = torch.Generator().manual_seed(seed)
    faces = torch.rand(batch_size, 3, input_size, input_size, generator=generator)
    if wrapper.uint8_input:
        faces = (faces * 255).round().to(torch.uint8)
    with torch.no_grad():
        expected = wrapper(faces)
    expected = expected if isinstance(expected, tuple) else (expected, )
    session = onnxruntime.InferenceSession(str(onnx_file), providers=['CPUExecutionProvider'])
    outputs = session.run(None, {'faces': faces.numpy()})
    names = [output.name for output in session.get_outputs()]
    return {
        name: float(np.abs(actual - reference.numpy()).max())
        for name, actual, reference in zip(names, outputs, expected)
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Export a trained FMPN (mask generator, fusion, backbone, '
        'head, softmax) to ONNX and compare it with PyTorch. Input "faces": '
        'float32 (N, 3, S, S) RGB in [0, 1] of aligned faces after the test '
        'resize/crop (uint8 in [0, 255] with --uint8-input); output "scores" '
        '(N, classes) probabilities, and "motion_mask" (N, 1, S, S) with '
        '--with-mask.')
    add_checkpoint_arguments(parser, device=False)
    parser.add_argument(
        '--output-file', default='model.onnx', help='ONNX file to write (default: model.onnx)')
    parser.add_argument(
        '--with-mask', action='store_true', help='add the motion mask as a second output')
    parser.add_argument(
        '--input-size',
        type=int,
        help='face side in pixels (default: the crop of the config\'s test '
        f'pipeline, else {DEFAULT_INPUT_SIZE})')
    parser.add_argument(
        '--uint8-input',
        action='store_true',
        help='take uint8 RGB faces in [0, 255] instead of '
        'float32 in [0, 1]')
    parser.add_argument('--opset', type=int, default=17, help='ONNX opset (default: 17)')
    parser.add_argument(
        '--verify-batch-size',
        type=int,
        default=3,
        help='faces in the onnxruntime check (default: 3)')
    parser.add_argument(
        '--atol',
        type=float,
        default=1e-4,
        help='largest absolute difference accepted '
        '(default: 1e-4)')
    parser.add_argument(
        '--skip-verify', action='store_true', help='do not run the onnxruntime check')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    model = init_fmpn_model(
        args.config, args.checkpoint, device='cpu', cfg_options=args.cfg_options)
    if not all(hasattr(model, name) for name in ('generate_prior', 'classify_fused', 'head')):
        raise SystemExit(f'{args.config}: not an FMPNClassifier model.')
    input_size = args.input_size or square_input_size(model._config)
    wrapper = FMPNForExport(model, args.uint8_input, args.with_mask).eval()
    output_file = Path(args.output_file)
    export(wrapper, output_file, input_size, args.opset)
    print(f'exported {output_file} (input faces: '
          f'{"uint8" if args.uint8_input else "float32"} (N, 3, {input_size},'
          f' {input_size}) RGB)')
    if args.skip_verify:
        return 0
    try:
        differences = check_parity(wrapper, output_file, input_size, args.verify_batch_size)
    except ImportError as error:
        print(f'not verified: {error}; pip install onnx onnxruntime', file=sys.stderr)
        return 0
    for name, difference in differences.items():
        print(f'max abs diff onnxruntime vs PyTorch, {name}: '
              f'{difference:.3g}')
    worst = max(differences.values())
    if worst > args.atol:
        print(f'error: difference {worst:.3g} above --atol {args.atol}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
