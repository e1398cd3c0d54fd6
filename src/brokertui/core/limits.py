"""Bounded memory for every import (issue 11, item 6): the one capped list of row errors, the
clipping of values quoted in messages, and the zip checks shared by Data Stage deliveries and
XLSX workbooks (both are zips: a small file can inflate to gigabytes).

A zip is checked twice: its directory before anything is read (sizes and compression ratio as
declared), and every byte as it is inflated (`Meter`), because a directory can lie.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from brokertui.core.errors import BrokerError
from brokertui.core.plural import counted
from brokertui.core.text import shown_name

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

T = TypeVar("T")

MIB = 1 << 20

# -- input files ------------------------------------------------------------------------------


def check_regular(path: Path, error: type[BrokerError]) -> None:
    """Refuse an input path that exists but is neither a regular file nor a folder: a device
    (/dev/zero) never ends and a named pipe waits for a writer, so reading one never finished.
    A missing path or a folder is left to the caller's own message."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise error(
            f"{shown_name(path)}: no es un archivo regular (es un dispositivo o una tubería, "
            "que no termina)"
        )


# -- error lists ------------------------------------------------------------------------------

# A refused import lists this many errors and counts the rest ("y 4,210 errores más"): the first
# ones show what is wrong with the file, a million lines would not be read and cost memory.
MAX_LISTED_ERRORS = 50
# A value quoted in a message is cut to this many characters (a 32,767-character cell once made
# a 419 MB error line).
MAX_QUOTED_CHARS = 80
# Whatever an error line quotes, it is cut to this length.
MAX_ERROR_LINE_CHARS = 400
# Past this many errors a file is plainly not what was expected: checking stops (counting 20
# million bad lines of a 3 MB zip took two minutes).
MAX_COUNTED_ERRORS = 100_000


def clip(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """`value` as text of at most `limit` characters, '…' marking a cut."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ErrorList:
    """The errors of one import: counted up to MAX_COUNTED_ERRORS, the first
    MAX_LISTED_ERRORS kept (each clipped to MAX_ERROR_LINE_CHARS). Behaves as the list of
    lines it replaces; an import stops checking once it is `full`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def append(self, line: str) -> None:
        self.count += 1
        if len(self.lines) < MAX_LISTED_ERRORS:
            self.lines.append(clip(line, MAX_ERROR_LINE_CHARS))

    @property
    def full(self) -> bool:
        return self.count >= MAX_COUNTED_ERRORS

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def heading(self, one: str, many: str) -> str:
        """'4,260 filas con error' ('1 fila con error'), said to be where the check stopped
        when it is full."""
        stopped = " (la revisión se detuvo ahí)" if self.full else ""
        return f"{counted(self.count, one, many)} con error{stopped}"

    def listing(self) -> str:
        """The kept lines, then how many more there are."""
        more = self.count - len(self.lines)
        tail = [f"y {counted(more, 'error', 'errores')} más"] if more else []
        return "\n".join(self.lines + tail)


# -- zips -------------------------------------------------------------------------------------

# Real data deflates 3:1 to 20:1 (a Data Stage delivery about 8:1, an XLSX sheet about 10:1);
# zip bombs are built at 1,000:1. Members under RATIO_FLOOR are too small to matter.
MAX_RATIO = 200
RATIO_FLOOR = MIB


def check_directory(
    infos: list[zipfile.ZipInfo],
    name: str,
    error: type[BrokerError],
    *,
    member_limit: Callable[[zipfile.ZipInfo], int],
    total_limit: int,
    prefix: str = "",
) -> None:
    """Refuse a zip (`name`) whose directory declares a member past its limit, a total past
    `total_limit` or an absurd compression ratio; nothing is inflated. A message about one
    member starts with `prefix` and the member's name."""
    for info in infos:
        limit = member_limit(info)
        if info.file_size > limit:
            raise error(
                f"{prefix}{info.filename}: descomprime {info.file_size:,} bytes, más que el "
                f"límite de {limit:,}; archivo rechazado"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size / max(info.compress_size, 1)
            raise error(
                f"{prefix}{info.filename}: proporción de compresión {ratio:,.0f}:1, más de "
                f"{MAX_RATIO}:1 (bomba zip); archivo rechazado"
            )
    total = sum(i.file_size for i in infos)
    if total > total_limit:
        raise error(
            f"{name}: descomprime {total:,} bytes en total, más que el límite de "
            f"{total_limit:,}; archivo rechazado"
        )


class Meter:
    """Counts what is inflated from one zip file, whatever its directory says: a member past
    its limit, a total past `total_limit` or more than MAX_RATIO times the file's size on disk
    is refused as it is read, and a damaged member is refused by name (after `prefix`)."""

    def __init__(self, path: Path, error: type[BrokerError], total_limit: int, prefix: str = ""):
        self.name = shown_name(path)
        self.error = error
        self.prefix = prefix
        self.total_limit = total_limit
        self.ratio_limit = MAX_RATIO * max(path.stat().st_size, 1)
        self.total = 0

    def open(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int
    ) -> io.BufferedReader:
        """A binary stream of one member, metered."""
        return io.BufferedReader(_Metered(self, archive, info, limit), 1 << 16)

    def count(self, info: zipfile.ZipInfo, inflated: int, limit: int, added: int) -> None:
        self.total += added
        if inflated > limit:
            raise self.error(
                f"{self.prefix}{info.filename}: descomprime más de {limit:,} bytes; "
                "archivo rechazado"
            )
        if self.total > self.total_limit:
            raise self.error(
                f"{self.name}: descomprime más de {self.total_limit:,} bytes en total; "
                "archivo rechazado"
            )
        if self.total > RATIO_FLOOR and self.total > self.ratio_limit:
            raise self.error(
                f"{self.name}: descomprime más de {MAX_RATIO} veces su tamaño (bomba zip, "
                "aunque el directorio del zip declare otra cosa); archivo rechazado"
            )


class _Metered(io.RawIOBase):
    def __init__(self, meter: Meter, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
        self.meter, self.info, self.limit = meter, info, limit
        self.inflated = 0
        opened = self._guard(lambda: archive.open(info))  # a ZipExtFile, typed IO[bytes]
        self.raw = cast(zipfile.ZipExtFile, opened)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        size = self._guard(lambda: self.raw.readinto(buffer))
        self.inflated += size
        self.meter.count(self.info, self.inflated, self.limit, size)
        return size

    def close(self) -> None:
        self.raw.close()
        super().close()

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            OSError,
        ) as exc:
            # a bad CRC, a corrupt deflate stream, a cut member, an unknown compression method,
            # an encrypted member or an offset outside the file
            raise self.meter.error(
                f"{self.meter.prefix}{self.info.filename}: el miembro está dañado ({clip(exc)}); "
                "archivo rechazado"
            ) from None
