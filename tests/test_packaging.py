"""What an installed mmfmpn offers beyond its modules: the model zoo in
MMPretrain's model hub, the files the wheel carries, a quiet import."""
import fnmatch
import os
import subprocess
import sys
from pathlib import Path

import mmpretrain
from mmpretrain.apis import ModelHub
from modelindex.load_model_index import load

import mmfmpn
from mmfmpn.utils.model_zoo import package_files_root, register_model_zoo

REPO = Path(__file__).resolve().parents[1]
#: Config folders (all but _base_): each has a metafile.yml listing its configs.
ZOO_FOLDERS = sorted(
    p.name for p in (REPO / 'configs').iterdir() if p.is_dir() and p.name != '_base_')


def zoo_entries():
    """(name, config path) of every model of model-index.yml."""
    index = load(str(REPO / 'model-index.yml'))
    index.build_models_with_collections()
    return [(model.name, model.config) for model in index.models]


def test_model_index_lists_every_config_once():
    entries = zoo_entries()
    names = [name for name, _ in entries]
    assert len(names) == len(set(names))
    listed = {Path(config) for _, config in entries}
    for path in listed:
        assert (REPO / path).is_file(), f'{path} is in a metafile.yml only'
    for folder in ZOO_FOLDERS:
        for config in (REPO / 'configs' / folder).glob('*.py'):
            relative = config.relative_to(REPO)
            assert relative in listed, (f'{relative}: add it to configs/{folder}/metafile.yml '
                                        '(a new metafile.yml also goes into model-index.yml)')
    # Names are the config names, as in MMPretrain's zoo.
    assert all(Path(config).stem == name for name, config in entries)


def test_model_zoo_entries_publish_no_weights():
    index = load(str(REPO / 'model-index.yml'))
    for model in index.models:
        assert model.weights is None, model.name
        # Stage 1 (fmg*) trains the mask generator alone: no classifier.
        task = 'Motion Mask Generation' if model.name.startswith('fmg') else 'Image Classification'
        assert [result.task for result in model.results] == [task], model.name


def test_import_registers_the_zoo_with_mmpretrain():
    assert mmfmpn.__version__
    names = mmpretrain.list_models('*fmpn*')
    assert 'fmpn_inceptionv3_ckplus' in names
    classifiers = mmpretrain.list_models(task='Image Classification')
    assert 'fmpn_inceptionv3_synthetic-ckplus' in classifiers
    assert 'fmg_inceptionv3_synthetic-ckplus' not in classifiers
    # The configs of this checkout, not stale copies in mmfmpn/.mim.
    assert package_files_root() == str(REPO)
    config = ModelHub.get('fmpn_inceptionv3_ckplus').config
    assert Path(config.filename) == REPO / 'configs' / 'fmpn' / 'fmpn_inceptionv3_ckplus.py'
    # A second registration (a reloaded module) is a no-op, not a clash.
    assert register_model_zoo() == str(REPO / 'model-index.yml')


def test_get_model_builds_a_zoo_entry_without_weights():
    model = mmpretrain.get_model('fmg-fast_inceptionv3_synthetic-ckplus')
    assert type(model).__name__ == 'MotionMaskGeneratorModel'
    assert model.mask_generator.working_size == (70, 70)
    assert not model.training


def test_wheel_carries_every_tool_and_config():
    """MANIFEST.in takes *.py, *.sh and *.yml of configs/ and tools/ into
    mmfmpn/.mim: a file of another kind would be missing from the wheel."""
    patterns = ('*.py', '*.sh', '*.yml')
    for folder in ('configs', 'tools'):
        for path in (REPO / folder).rglob('*'):
            if path.is_file() and '__pycache__' not in path.parts:
                shipped = any(fnmatch.fnmatch(path.name, p) for p in patterns)
                assert shipped, f'{path.relative_to(REPO)}: add its pattern to MANIFEST.in'


def test_import_prints_no_warning():
    env = dict(os.environ)
    env.pop('PYTHONWARNINGS', None)
    result = subprocess.run([sys.executable, '-c', 'import mmfmpn'],
                            capture_output=True,
                            text=True,
                            env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'mmcv-lite' not in result.stderr
    assert 'Warning' not in result.stderr, result.stderr[-2000:]
