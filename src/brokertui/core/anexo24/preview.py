"""The dry run of an interface file (issue 16, item 3): its first rows as read and every broken
rule by row, field and rule, in Spanish, checked exactly as its import checks them; nothing is
written. The TUI shows it before the user commits the import."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from brokertui.core import limits

# One broken rule of a row: (field, rule); the field is "" when the rule is about the whole
# row ("repetida en el archivo").
Problem = tuple[str, str]
# A row's values as read -> its checked values and its problems (the import's own check).
RowCheck = Callable[[dict[str, str]], tuple[dict, list[Problem]]]
Progress = Callable[[int, int, str], None]  # done, total (0: not known), stage

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
            return f"{self.name}: {self.rows:,} filas, sin errores"
        stopped = " (la revisión se detuvo ahí)" if self.stopped else ""
        return (
            f"{self.name}: {self.bad_rows:,} de {self.rows:,} filas con error{stopped}; "
            "nada se importará"
        )


def run(
    rows: Iterable[tuple[int, dict[str, str]]],
    check: RowCheck,
    *,
    name: str,
    digest: str,
    columns: tuple[str, ...],
    head: int = HEAD_ROWS,
    progress: Progress | None = None,
) -> Preview:
    """Check every row of `rows` with `check` and keep what the user is shown."""
    found = Preview(name, digest, columns)
    for number, raw in rows:
        found.rows += 1
        if len(found.head) < head:
            found.head.append((number, raw))
        _, problems = check(raw)
        if problems:
            found.bad_rows += 1
            for name_, rule in problems:
                found.problems += 1
                if len(found.errors) < MAX_LISTED:
                    rule = limits.clip(rule, limits.MAX_ERROR_LINE_CHARS)
                    found.errors.append(RowError(number, name_, rule))
            if found.bad_rows >= limits.MAX_COUNTED_ERRORS:
                found.stopped = True
                break
        if progress and found.rows % REPORT_EVERY == 0:
            progress(found.rows, 0, "Revisando")
    return found
