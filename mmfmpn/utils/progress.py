"""The project's one progress bar: rich's, drawn on stderr so that stdout stays for results."""
from typing import Iterable, Iterator, Optional, TypeVar

from rich.console import Console
from rich.progress import track

Item = TypeVar('Item')


def track_progress(items: Iterable[Item],
                   description: str,
                   total: Optional[int] = None,
                   enabled: bool = True) -> Iterator[Item]:
    """Iterate over ``items`` with a progress bar on stderr.

    Args:
        items (Iterable): What to iterate over.
        description (str): Text in front of the bar.
        total (int, optional): Number of items, when ``items`` has no ``len``.
        enabled (bool): Draw the bar; False iterates silently (library calls, tests).
            Defaults to True.

    Yields:
        The items of ``items``, in order.
    """
    yield from track(
        items,
        description=description,
        total=total,
        console=Console(stderr=True),
        disable=not enabled)
