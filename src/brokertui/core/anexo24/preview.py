"""The dry run of an interface file (issue 16, item 3): its first rows as read and every broken
rule by row, field and rule, in Spanish, checked exactly as its import checks them; nothing is
written. The TUI shows it before the user commits the import."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from brokertui.core import limits
from brokertui.core.anexo24.reader import Batch
from brokertui.core.plural import counted
from brokertui.core.progress import Progress

# One broken rule of a row: (field, rule); the field is "" when the rule is about the whole
# row ("repetida en el archivo").
Problem = tuple[str, str]
# A row's values as read and its number -> its checked values and its problems (the import's
# own check).
RowCheck = Callable[[dict[str, str], int], tuple[dict, list[Problem]]]
# After the last row: the rows (number, problems) that break a rule of the whole file (the
# import's own check of it, e.g. interfaces.RowChecker.finish).
FileCheck = Callable[[], list[tuple[int, list[Problem]]]]
# A batch of rows as read -> None unless every row is good (the import's batch check).
BatchCheck = Callable[[Batch], object]
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


def good_rows(rows: Rows, check: RowCheck, errors: limits.ErrorList) -> Iterator[dict]:
    """The checked values of each row of `rows` (as an import records them) while none is bad;
    each bad row's problems go to `errors` as a line, the rows after it are still checked for
    the listing until `errors` is full. Each row is checked after the one before it is used."""
    for number, raw in rows:
        values, problems = check(raw, number)
        if problems:
            errors.append(line(number, problems))
            if errors.full:
                return
        elif not errors:
            yield values


def run(
    batches: Iterable[Batch],
    check: RowCheck,
    *,
    name: str,
    digest: str,
    columns: tuple[str, ...],
    head: int = HEAD_ROWS,
    progress: Progress | None = None,
    batch: BatchCheck | None = None,
    finish: FileCheck | None = None,
) -> Preview:
    """Check every row of `batches` with `check` and keep what the user is shown; then, with
    `finish`, the whole file. With `batch`, a batch is checked at once while the batches are
    good, a bad one row by row."""
    found = Preview(name, digest, columns)
    for rows in batches:
        before = found.rows
        if batch and batch(rows) is not None:
            found.rows += len(rows)
            found.head.extend(rows.rows(max(head - len(found.head), 0)))
        else:
            _run_rows(found, rows.rows(), check, head)
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
