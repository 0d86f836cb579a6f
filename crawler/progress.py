"""Terminal progress bars (Rich) for long commands: the crawl, scoring a file, the score step of `run`.

The caller gives the words (from the review.i18n catalogue: this package speaks no language of its own):
a label, the count when the total is known (``{done}/{total}``) and when it is not (``{done}``, saying
so in words), and optional extra fields. The columns fit the terminal: on a narrow one only the label
and the count, then the bar, then the extra fields and the elapsed time; a line never wraps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Column

NARROW = 60  # columns below which the bar itself is left out (label and count only)
WIDE = 100  # columns from which the extra fields and the elapsed time are shown


@dataclass(frozen=True)
class BarWords:
    """What a bar says. ``count``: ``{done}``/``{total}`` placeholders; ``count_unknown``: ``{done}``;
    ``extra``: a template of the task's other fields (``{pages}`` …), shown on wide terminals."""

    label: str
    count: str = "{done}/{total}"
    count_unknown: str = "{done}"
    extra: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, str] | None) -> BarWords | None:
        """The words a caller passed across a process boundary (JSON); None when it passed none."""
        return cls(**data) if data else None


class FittedBar:
    """A Rich progress bar whose columns fit ``console``'s width, counting ``done`` of ``total``
    (``total`` None: not known, said in words)."""

    def __init__(self, words: BarWords, console: Console, *, disable: bool = False) -> None:
        self.words = words
        width = console.width
        columns: list[Any] = [
            TextColumn(words.label, table_column=Column(no_wrap=True, overflow="ellipsis")),
            TextColumn("{task.fields[count]}", table_column=Column(no_wrap=True, overflow="ellipsis")),
        ]
        if width >= NARROW:
            columns.insert(1, BarColumn(bar_width=max(10, min(40, width - 60))))
        if width >= WIDE and words.extra:
            columns.append(
                TextColumn("{task.fields[extra]}", table_column=Column(no_wrap=True, overflow="ellipsis"))
            )
        if width >= WIDE:
            columns.append(TimeElapsedColumn())
        self.progress = Progress(*columns, console=console, disable=disable, transient=False, expand=False)
        self.task: TaskID = self.progress.add_task(words.label, total=None, count="", extra="")
        self.update(0, None)

    def update(self, done: int, total: int | None, **fields: Any) -> None:
        """Show ``done`` of ``total`` (None: not known yet), and the extra fields' values."""
        if total is None:
            count = self.words.count_unknown.format(done=f"{done:,}")
        else:
            count = self.words.count.format(done=f"{done:,}", total=f"{total:,}")
        extra = self.words.extra.format(**fields) if self.words.extra and fields else ""
        self.progress.update(
            self.task,
            completed=done if total is None else min(done, total),
            total=total,
            count=count,
            extra=extra,
        )

    def __enter__(self) -> FittedBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()
