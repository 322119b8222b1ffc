"""Paired comparison of two k-fold runs (tools/analysis_tools/compare_kfold.py)."""
import json

import numpy as np
import pytest
from raw_ckplus_fixture import load_tool

from mmfmpn.evaluation.fold_comparison import (compare_fold_summaries, comparison_markdown,
                                               load_kfold_summary, sign_flip_p_value)

compare_kfold = load_tool('tools/analysis_tools/compare_kfold.py')


def summary(accuracies, mask_mses=None, first_fold=0):
    folds = []
    for i, accuracy in enumerate(accuracies):
        fold = dict(fold=first_fold + i, accuracy=accuracy)
        if mask_mses is not None:
            fold['motion_mask_mse'] = mask_mses[i]
        folds.append(fold)
    return dict(folds=folds)


def test_sign_flip_p_value_is_exact():
    # All 8 differences positive: only the all-+ and all-- patterns are as
    # extreme, 2 of 2**8.
    assert sign_flip_p_value(np.ones(8)) == pytest.approx(2 / 256)
    assert sign_flip_p_value(np.zeros(5)) == 1.0
    # Symmetric differences: the observed mean is 0, every pattern counts.
    assert sign_flip_p_value(np.array([1.0, -1.0])) == 1.0
    with pytest.raises(ValueError, match='1 to 20'):
        sign_flip_p_value(np.ones(21))


def test_folds_pair_by_index_and_unpaired_folds_are_reported():
    baseline = summary([50, 60, 70], [0.02, 0.02, 0.02])
    candidate = summary([62, 72], [0.01, 0.03], first_fold=1)
    comparison = compare_fold_summaries(baseline, candidate)
    assert comparison['folds'] == [1, 2]
    assert comparison['only_baseline'] == [0]
    assert comparison['only_candidate'] == []
    accuracy = comparison['metrics']['accuracy']
    assert accuracy['difference'] == [2, 2]
    assert accuracy['mean_difference'] == 2 and accuracy['std_difference'] == 0
    mask = comparison['metrics']['motion_mask_mse']
    assert mask['mean_difference'] == pytest.approx(0.0)
    assert mask['std_difference'] == pytest.approx(0.01)
    markdown = comparison_markdown(comparison, ['faithful', 'fast'])
    assert 'fast - faithful = 2.00 ± 0.00 over 2 paired folds' in markdown
    assert 'folds only in faithful, not compared: [0]' in markdown


def test_a_metric_missing_on_a_fold_is_left_out():
    comparison = compare_fold_summaries(summary([50, 60], [0.02, 0.02]), summary([50, 60]))
    assert set(comparison['metrics']) == {'accuracy'}


def test_runs_without_a_common_fold_are_refused():
    with pytest.raises(ValueError, match='share no fold'):
        compare_fold_summaries(summary([50]), summary([50], first_fold=3))


def test_bad_summaries_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='--summary-only'):
        load_kfold_summary(str(tmp_path))
    bad = tmp_path / 'summary.json'
    bad.write_text('{"predictions": []}')
    with pytest.raises(ValueError, match=str(bad)):
        load_kfold_summary(str(tmp_path))


def test_tool_prints_and_writes_the_comparison(tmp_path, capsys):
    for name, accuracies in (('a', [50, 60, 70]), ('b', [55, 65, 75])):
        (tmp_path / name).mkdir()
        (tmp_path / name / 'summary.json').write_text(
            json.dumps(summary(accuracies, [0.02, 0.02, 0.02])))
    out = tmp_path / 'cmp.json'
    compare_kfold.main([
        str(tmp_path / 'a'),
        str(tmp_path / 'b' / 'summary.json'), '--names', 'faithful', 'fast', '--out',
        str(out)
    ])
    assert 'fast - faithful = 5.00' in capsys.readouterr().out
    written = json.loads(out.read_text())
    assert written['names'] == ['faithful', 'fast']
    assert written['metrics']['accuracy']['p_value'] == pytest.approx(0.25)
    with pytest.raises(SystemExit, match='.md or .json'):
        compare_kfold.main(
            [str(tmp_path / 'a'),
             str(tmp_path / 'b'), '--out',
             str(tmp_path / 'cmp.txt')])
    with pytest.raises(SystemExit, match='No k-fold summary'):
        compare_kfold.main([str(tmp_path / 'a'), str(tmp_path / 'c')])
