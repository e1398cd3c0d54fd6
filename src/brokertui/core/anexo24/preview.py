"""The dry run of an interface file (issue 16, item 3): its first rows as read and every broken
rule by row, field and rule, in Spanish, checked exactly as its import checks them; nothing is
written. The TUI shows it before the user commits the import."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from brokertui.core import limits
from brokertui.core.plural import counted

# One broken rule of a row: (field, rule); the field is "" when the rule is about the whole
# row ("repetida en el archivo").
Problem = tuple[str, str]
# A row's values as read and its number -> its checked values and its problems (the import's
# own check).
RowCheck = Callable[[dict[str, str], int], tuple[dict, list[Problem]]]
# After the last row: the rows (number, problems) that break a rule of the whole file (the
# import's own check of it, e.g. interfaces.RowChecker.finish).
FileCheck = Callable[[], list[tuple[int, list[Problem]]]]
Progress = Callable[[int, int, str], None]  # done, total (0: not known), stage
# A batch of rows' values as read -> None unless every row is good (the import's batch check).
BatchCheck = Callable[[list[dict[str, str]]], object]
Rows = Iterable[tuple[int, dict[str, str]]]

HEAD_ROWS = 10  # the first rows shown as read
MAX_LISTED = 1_000  # errors kept one by one; the rest are counted (limits.MAX_COUNTED_ERRORS)
REPORT_EVERY = 5_000  # rows between two progress reports


def line(number: int, problems: Iterable[Problem]) -> str:
    """A row's problems as an import refuses them: 'fila N: campo: regla; regla'."""
    said = (f"{name}: {rule}" if name else rule for name, rule in problems)
    return f"fila {number}: " + "; ".join(said)


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    rule: str


@dataclass
class Preview:
    """What a dry run found in one file."""

    name: str  # the file's name
    digest: str  # its sha256: the import refuses a file that changed since
    columns: tuple[str, ...]
    head: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    rows: int = 0  # data rows checked
    errors: list[RowError] = field(default_factory=list)  # the first MAX_LISTED
    bad_rows: int = 0
    problems: int = 0
    stopped: bool = False  # past limits.MAX_COUNTED_ERRORS bad rows the check stops

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.bad_rows

    def summary(self) -> str:
        """One line, in Spanish."""
        if not self.rows:
            return f"{self.name}: no tiene filas de datos; nada se importará"
        if self.ok:
            return f"{self.name}: {counted(self.rows, 'fila')}, sin errores"
        stopped = " (la revisión se detuvo ahí)" if self.stopped else ""
        return (
            f"{self.name}: {self.bad_rows:,} de {counted(self.rows, 'fila')} con error{stopped}; "
            "nada se importará"
        )


def batches(rows: Rows, size: int, chars: int) -> Iterator[list[tuple[int, dict[str, str]]]]:
    """`rows` in lists of at most `size` rows and `chars` characters of text."""
    batch: list[tuple[int, dict[str, str]]] = []
    text = 0
    for row in rows:
        batch.append(row)
        text += sum(map(len, row[1].values()))
        if len(batch) >= size or text >= chars:
            yield batch
            batch, text = [], 0
    if batch:
        yield batch


def run(
    rows: Rows,
    check: RowCheck,
    *,
    name: str,
    digest: str,
    columns: tuple[str, ...],
    head: int = HEAD_ROWS,
    progress: Progress | None = None,
    batch: BatchCheck | None = None,
    size: int = 1,
    chars: int = 16 << 20,
    finish: FileCheck | None = None,
) -> Preview:
    """Check every row of `rows` with `check` and keep what the user is shown; then, with
    `finish`, the whole file. With `batch`, rows are checked `size` at a time (at most `chars`
    of text) while a batch is good, a bad batch row by row."""
    found = Preview(name, digest, columns)
    for rows_ in batches(rows, size if batch else 1, chars):
        before = found.rows
        if batch and batch([raw for _, raw in rows_]) is not None:
            found.rows += len(rows_)
            found.head.extend(rows_[: max(head - len(found.head), 0)])
        else:
            _run_rows(found, rows_, check, head)
        if found.stopped:
            break
        if progress and found.rows // REPORT_EVERY > before // REPORT_EVERY:
            progress(found.rows, 0, "Revisando")
    for number, problems in finish() if finish and not found.stopped else ():
        _found(found, number, problems)
    return found


def _run_rows(found: Preview, rows: Rows, check: RowCheck, head: int) -> None:
    for number, raw in rows:
        found.rows += 1
        if len(found.head) < head:
            found.head.append((number, raw))
        _, problems = check(raw, number)
        if problems:
            _found(found, number, problems)
            if found.stopped:
                return


def _found(found: Preview, number: int, problems: list[Problem]) -> None:
    """Row `number`'s problems kept (the first MAX_LISTED) and counted."""
    found.bad_rows += 1
    for name_, rule in problems:
        found.problems += 1
        if len(found.errors) < MAX_LISTED:
            rule = limits.clip(rule, limits.MAX_ERROR_LINE_CHARS)
            found.errors.append(RowError(number, name_, rule))
    found.stopped = found.bad_rows >= limits.MAX_COUNTED_ERRORS
