"""The one atomic writer: same-folder temporary file or folder, then rename."""
import os
import stat

import pytest

from mmfmpn.utils.file_io import atomic_output_folder, atomic_output_path, write_text_atomic


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_written_file_has_the_umask_permissions_and_no_temporary_left(tmp_path):
    old_umask = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / 'sub' / 'a.txt', 'one')
        assert mode_of(tmp_path / 'sub' / 'a.txt') == 0o644
        os.umask(0o077)
        write_text_atomic(tmp_path / 'sub' / 'a.txt', 'two')
        assert mode_of(tmp_path / 'sub' / 'a.txt') == 0o600
    finally:
        os.umask(old_umask)
    assert (tmp_path / 'sub' / 'a.txt').read_text() == 'two'
    assert os.listdir(tmp_path / 'sub') == ['a.txt']


def test_an_error_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / 'figure.png'
    target.write_text('old')
    with pytest.raises(RuntimeError):
        with atomic_output_path(target) as temporary:
            assert temporary.parent == tmp_path and temporary.suffix == '.png'
            temporary.write_text('half')
            raise RuntimeError('interrupted')
    assert target.read_text() == 'old'
    assert os.listdir(tmp_path) == ['figure.png']


def test_temporary_names_are_unique(tmp_path):
    with atomic_output_path(tmp_path / 'x.json') as first, \
            atomic_output_path(tmp_path / 'x.json') as second:
        assert first != second
        first.write_text('1')
        second.write_text('2')
    assert (tmp_path / 'x.json').read_text() == '1'


def test_folder_is_swapped_in_whole_or_not_at_all(tmp_path):
    out = tmp_path / 'dataset'
    (out / 'imgs_res').mkdir(parents=True)
    (out / 'old.txt').write_text('old')
    with pytest.raises(FileExistsError, match='--overwrite'):
        with atomic_output_folder(out):
            pass
    with pytest.raises(KeyboardInterrupt):
        with atomic_output_folder(out, replace=True) as building:
            (building / 'new.txt').write_text('new')
            raise KeyboardInterrupt
    assert sorted(os.listdir(out)) == ['imgs_res', 'old.txt']
    assert os.listdir(tmp_path) == ['dataset']
    with atomic_output_folder(out, replace=True) as building:
        (building / 'new.txt').write_text('new')
    assert os.listdir(out) == ['new.txt']
    assert os.listdir(tmp_path) == ['dataset']
