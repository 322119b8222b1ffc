"""Writing files and folders atomically: build beside the destination, then rename.

An interrupted run leaves either the old output or the new one, never half of one. Every
writer of the project goes through :func:`atomic_output_path` (files) or
:func:`atomic_output_folder` (whole folders).
"""
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Union

PathLike = Union[str, Path]


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


@contextmanager
def atomic_output_path(path: PathLike) -> Iterator[Path]:
    """A unique temporary path beside ``path``, renamed onto it when the block succeeds.

    Write the file to the yielded path (with ``open``, ``cv2.imwrite``, ``savefig``,
    ``torch.onnx.export`` ...). On success it gets the permissions a new file would get
    (``0o666`` less the umask) and replaces ``path`` in one rename; on any error the
    temporary file is removed and ``path`` is left as it was.

    Args:
        path (str | Path): The destination; its parent folders are created.

    Yields:
        Path: The temporary path, in the destination's folder (so the rename is atomic),
        ending in the destination's suffix (so writers that choose the format by suffix
        work).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f'.{path.stem}.', suffix=f'.tmp{path.suffix}')
    os.close(handle)
    temporary = Path(temporary)
    try:
        yield temporary
        # mkstemp creates the file owner-only (0600); give it the usual permissions.
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes_atomic(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_output_path`).

    Args:
        path (str | Path): The destination; its parent folders are created.
        data (bytes): The file content.
    """
    with atomic_output_path(path) as temporary:
        temporary.write_bytes(data)


def write_text_atomic(path: PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_output_path`).

    Args:
        path (str | Path): The destination.
        text (str): The file content.
    """
    write_bytes_atomic(path, text.encode('utf-8'))


def write_json_atomic(path: PathLike, obj, indent: int = 2) -> None:
    """Write ``obj`` as JSON (ending in a newline) to ``path`` atomically.

    Args:
        path (str | Path): The destination; its parent folders are created.
        obj: A JSON-serialisable object.
        indent (int): Indentation. Defaults to 2.
    """
    write_text_atomic(path, json.dumps(obj, indent=indent) + '\n')


@contextmanager
def atomic_output_folder(folder: PathLike, replace: bool = False) -> Iterator[Path]:
    """A new temporary folder beside ``folder``, swapped in for it when the block succeeds.

    Build the whole output in the yielded folder. On success an existing ``folder`` is
    renamed aside, the new one renamed into its place and the old one deleted, so that
    nothing of the old folder (files the new run would not write, such as masks derived
    from old folds) survives. On any error, or an interruption, the temporary folder is
    deleted and ``folder`` is left whole.

    Args:
        folder (str | Path): The destination folder.
        replace (bool): Allow replacing a non-empty ``folder``. Defaults to False.

    Yields:
        Path: The temporary folder, empty, in the destination's parent folder.

    Raises:
        NotADirectoryError: ``folder`` exists and is not a folder.
        FileExistsError: ``folder`` is not empty and ``replace`` is False.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f'{folder} exists and is not a folder; choose another '
                                 'output folder')
    if not replace and folder.is_dir() and any(folder.iterdir()):
        raise FileExistsError(f'{folder} is not empty; choose an empty or new folder, '
                              'or pass --overwrite to replace it as a whole')
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(
        tempfile.mkdtemp(dir=folder.parent, prefix=f'.{folder.name}.', suffix='.partial'))
    try:
        yield building
        os.chmod(building, 0o777 & ~_current_umask())
        if folder.exists():
            old = Path(
                tempfile.mkdtemp(dir=folder.parent, prefix=f'.{folder.name}.', suffix='.old'))
            os.replace(folder, old / folder.name)
            os.replace(building, folder)
            shutil.rmtree(old)
        else:
            os.replace(building, folder)
    finally:
        if building.exists():
            shutil.rmtree(building)
