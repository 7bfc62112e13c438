"""`usco update`'s progress on a terminal: one Rich bar per download, on stderr."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from usco.importers import Importer
from usco.user.fetch import Progress


@contextmanager
def bars() -> Iterator[Callable[[Importer], Progress | None]]:
    """A function giving each importer its own bar's progress callback, while the bars are shown."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, TextColumn, TransferSpeedColumn
    from rich.progress import Progress as Bars

    with Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as shown:

        def for_importer(importer: Importer) -> Progress:
            task = shown.add_task(importer.name, total=None)

            def advance(received: int, total: int | None) -> None:
                shown.update(task, completed=received, total=total)

            return advance

        yield for_importer
