"""FMPN end to end on a CK+-layout set of real faces, on a CPU, in minutes (``make demo``).

Steps, each skipped when its output exists (so a re-run resumes):

1. ``tools/dataset_converters/make_real_face_ckplus.py`` (default: 30 real London people,
   ``assets/london_faces``, posing the seven expressions, plus their real smiles) or, with
   ``--faces drawn``, ``make_synthetic_ckplus.py`` (drawn faces): raw CK+ tree
   (frames, landmarks, emotion files) -> ``OUT/raw``
2. ``tools/dataset_converters/prepare_ckplus.py``: aligned 70x70 faces and
   subject-independent folds -> ``OUT/ckplus``
3. ``tools/make_masks.py``: each fold's ground-truth motion masks from its
   training subjects -> ``OUT/ckplus/imgs_res/K``
4. ``tools/kfold.py``: stage 1 (mask generator), stage 2 (FMPN) and the test
   on the fold's held-out subjects -> ``OUT/kfold``

Usage::

    python tools/demo_ckplus.py --out-dir work_dirs/demo
"""
import argparse
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
import time
from typing import List, Optional, Sequence

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO_STAGE1 = osp.join(REPO_ROOT, 'configs', 'demo', 'fmg_inceptionv3_synthetic-ckplus.py')
DEMO_STAGE2 = osp.join(REPO_ROOT, 'configs', 'demo', 'fmpn_inceptionv3_synthetic-ckplus.py')
NUM_CLASSES = 7
#: Lines of the training output echoed to the console (all go to the log).
_ECHOED = ('[fold', 'Epoch(', 'accuracy', 'Summary:', 'Confusion matrix:', 'Error:', 'Traceback')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate a CK+-layout set (real or drawn faces), prepare it, build the motion '
        'masks, train and test FMPN on held-out subjects. Finished steps are '
        'skipped on a re-run.')
    parser.add_argument(
        '--out-dir',
        default='work_dirs/demo',
        help='where everything goes (default: work_dirs/demo, the folder '
        'the demo configs point at)')
    parser.add_argument(
        '--folds',
        type=int,
        nargs='+',
        default=[0],
        help='cross-validation folds to run, of 10 (default: 0)')
    parser.add_argument(
        '--faces',
        choices=('real', 'drawn'),
        default='real',
        help='real: expressions made from the real London faces shipped in '
        'assets/london_faces (30 people, 240 sequences); drawn: the parametric '
        'synthetic faces (default: real)')
    parser.add_argument(
        '--subjects',
        type=int,
        default=40,
        help='drawn faces only: synthetic subjects (default: 40, about 520 '
        'expressive images)')
    parser.add_argument('--seed', type=int, default=0, help='synthetic data seed (default: 0)')
    parser.add_argument(
        '--stage1',
        default=DEMO_STAGE1,
        help='stage-1 config (default: configs/demo/'
        f'{osp.basename(DEMO_STAGE1)})')
    parser.add_argument(
        '--stage2',
        default=DEMO_STAGE2,
        help='stage-2 config (default: configs/demo/'
        f'{osp.basename(DEMO_STAGE2)})')
    return parser.parse_args(argv)


def run_step(command: List[str], log_file: Optional[str] = None) -> None:
    """Run a repository tool with this interpreter; exit if it fails.

    Args:
        command (list[str]): The tool (relative to the repository) and its
            arguments.
        log_file (str, optional): Write all output there and echo only the
            progress lines. Defaults to None (show everything).
    """
    print('+ python ' + ' '.join(command), flush=True)
    full_command = [sys.executable, '-W', 'ignore', osp.join(REPO_ROOT, command[0]), *command[1:]]
    if log_file is None:
        result = subprocess.run(full_command)
        if result.returncode != 0:
            sys.exit(f'error: {command[0]} failed ({result.returncode}).')
        return
    with open(log_file, 'a') as log, subprocess.Popen(
            full_command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1) as process:
        for line in process.stdout:
            log.write(line)
            if any(marker in line for marker in _ECHOED):
                print(line, end='', flush=True)
    if process.returncode != 0:
        sys.exit(f'error: {command[0]} failed ({process.returncode}); see '
                 f'{log_file}.')


def build_in_place(final_dir: str, command_for) -> None:
    """Run a tool writing ``final_dir`` into a scratch folder, then rename it,
    so an interrupted step leaves nothing that looks finished.

    Args:
        final_dir (str): The finished output folder.
        command_for (callable): Scratch folder -> the tool's command.
    """
    scratch = final_dir + '.partial'
    shutil.rmtree(scratch, ignore_errors=True)
    run_step(command_for(scratch))
    os.replace(scratch, final_dir)


def check_subject_independence(data_root: str, fold: int) -> List[str]:
    """The fold's test subjects, after checking none is in its training set.

    Returns:
        list[str]: The test subjects, e.g. ``['S005', 'S010']``.
    """

    def subjects(split: str) -> set:
        with open(osp.join(data_root, f'{split}_ids_{fold}.csv')) as file:
            return {line.split('_')[0] for line in file if line.strip()}

    test_subjects, train_subjects = subjects('test'), subjects('train')
    shared = test_subjects & train_subjects
    if shared:
        sys.exit(f'error: fold {fold} trains on its test subjects '
                 f'{sorted(shared)}; the folds are not subject independent.')
    return sorted(test_subjects)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    start = time.perf_counter()
    out_dir = osp.abspath(args.out_dir)
    raw_dir, data_root = osp.join(out_dir, 'raw'), osp.join(out_dir, 'ckplus')
    work_dir = osp.join(out_dir, 'kfold')
    os.makedirs(out_dir, exist_ok=True)

    print(f'[1/4] raw CK+ of {args.faces} faces -> {raw_dir}', flush=True)
    if osp.isdir(raw_dir):
        print('      exists, skipped')
    elif args.faces == 'real':
        build_in_place(
            raw_dir, lambda scratch: [
                'tools/dataset_converters/make_real_face_ckplus.py', scratch, '--seed',
                str(args.seed)
            ])
    else:
        build_in_place(
            raw_dir, lambda scratch: [
                'tools/dataset_converters/make_synthetic_ckplus.py', scratch, '--subjects',
                str(args.subjects), '--seed',
                str(args.seed)
            ])

    print(f'[2/4] aligned faces and folds -> {data_root}', flush=True)
    if osp.isdir(data_root):
        print('      exists, skipped')
    else:
        build_in_place(
            data_root,
            lambda scratch: ['tools/dataset_converters/prepare_ckplus.py', raw_dir, scratch])

    montages = {
        fold: osp.join(data_root, 'imgs_res', str(fold), 'montage.png')
        for fold in args.folds
    }
    print(f'[3/4] motion masks of folds {args.folds}', flush=True)
    # make_masks writes the montage after the fold's class masks.
    missing = [fold for fold, path in montages.items() if not osp.isfile(path)]
    if missing:
        # Real faces: the real smiles are separate photos, registered beyond five points.
        run_step([
            'tools/make_masks.py', data_root, '--folds', *map(str, missing), '--no-all-subjects',
            '--overwrite'
        ] + (['--refine-registration'] if args.faces == 'real' else []))
    else:
        print('      exist, skipped')

    print(
        f'[4/4] FMPN stage 1 + stage 2, test on held-out subjects -> '
        f'{work_dir} (full log: {work_dir}.log)',
        flush=True)
    run_step([
        'tools/kfold.py', '--stage1', args.stage1, '--stage2', args.stage2, '--folds',
        *map(str, args.folds), '--data-root', data_root, '--work-dir', work_dir, '--no-validate'
    ],
             log_file=work_dir + '.log')

    with open(osp.join(work_dir, 'summary.json')) as file:
        summary = json.load(file)
    print('\nResults on subjects never seen in training:')
    for fold in summary['folds']:
        test_subjects = check_subject_independence(data_root, fold['fold'])
        print(f'  fold {fold["fold"]}: test accuracy {fold["accuracy"]:.2f} % '
              f'({fold["num_correct"]}/{fold["num_samples"]} images of '
              f'{len(test_subjects)} held-out subjects '
              f'{", ".join(test_subjects)})')
    spread = (f' ± {summary["std_accuracy"]:.2f} % (mean ± std over '
              f'{len(summary["folds"])} folds)' if len(summary['folds']) > 1 else ' %')
    print(f'Test accuracy on held-out subjects: '
          f'{summary["mean_accuracy"]:.2f}{spread}; chance is '
          f'{100 / NUM_CLASSES:.2f} %')
    print(f'Motion masks montage: '
          f'{", ".join(montages[f["fold"]] for f in summary["folds"])}')
    print(f'Confusion matrix: {osp.join(work_dir, "confusion_matrix.png")}')
    print(f'Summary: {osp.join(work_dir, "summary.md")}')
    print(f'Wall time: {time.perf_counter() - start:.0f} s')


if __name__ == '__main__':
    main()
