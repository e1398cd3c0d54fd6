"""Reading an ANAM Data Stage zip defensively and in bounded memory (formats.md §1.2, §1.3).

A delivery is a zip of pipe-delimited `.asc` members named `{folio}_{tipo}.asc`, each with a
header row, CRLF line ends, a trailing `|` and Latin-1 text. Hostile archives (path traversal,
links, encryption, absurd sizes or compression ratios) are refused before anything is read;
members are then streamed line by line, every inflated byte counted against the same limits
(limits.Meter: a zip directory can lie), so no delivery is ever held in memory whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from brokertui.core import limits
from brokertui.core.errors import BrokerError
from brokertui.core.text import shown_name, strip_controls

MEMBER_NAME = re.compile(r"^(\d+)_([0-9A-Za-z]+)\.asc$", re.IGNORECASE)
# Limits of one delivery (README, "Data Stage"). A real monthly delivery of 12,853 partidas
# inflates to about 10 MB; these leave room for years of a large exporter while every check
# below stays cheap. Memory does not grow with them (members are streamed); the counts of
# pedimentos and partidas the importer keeps in memory have their own limits (importer.py).
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 1 << 30  # 1 GiB inflated per member
MAX_TOTAL_BYTES = 2 << 30  # 2 GiB inflated in all
MAX_LINE_BYTES = 16 << 10  # one line: real ones are under 1 KB (a 551 with its description)
BLOCK = 1 << 16  # bytes read and decoded at a time (whole lines of them), as Meter buffers
KNOWN = {
    *(str(n) for n in (*range(501, 513), 520, *range(551, 559), 701, 702)),
    "INCI",
    "SEL",
    "RESUMEN",
}
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
_CONTROL_IN_LINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # what strip_controls removes
_ORDINARY = bytes([*range(0x20, 0x7F), *range(0xA0, 0x100), 0x0A])  # the others: those
_ENCODINGS = ("UTF-8", "Windows-1252", "Latin-1")


class DataStageError(BrokerError):
    """The delivery cannot be imported; the message says where and why."""


@dataclass
class Member:
    """One `.asc` member: its header; `rows()` streams its data lines."""

    name: str
    tipo: str
    header: list[str]
    size: int  # inflated bytes, as the zip declares them
    _open: Callable[[], IO[bytes]] = field(repr=False)
    encoding: str = "UTF-8"  # the widest one its lines needed, known once they are read

    def index(self) -> dict[str, int]:
        """Column positions by lower-cased header name."""
        return {name.strip().lower(): i for i, name in enumerate(self.header)}

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields) of every data line, read from the zip as they are needed."""
        for first, lines, _ in self.blocks():
            for number, text in enumerate(lines, first):
                fields = split_line(text)
                if fields is not None:
                    yield number, fields

    def blocks(self) -> Iterator[tuple[int, list[str], bool]]:
        """The data lines (the header left out) a block at a time: (number of its first line,
        its lines, whether they are plain). Blank lines are included (split_line tells them);
        in a plain block no line starts with a space or has one beside a `|`, so each line's
        fields are `line.split("|")` as they are (the importer splits such blocks at once)."""
        header = False
        for first, lines, plain in self._texts():
            if not header:
                at = next((n for n, t in enumerate(lines) if split_line(t) is not None), None)
                if at is None:
                    continue
                header, lines, first = True, lines[at + 1 :], first + at + 1
            if lines:
                yield first, lines, plain

    def _lines(self) -> Generator[tuple[int, list[str]], None, None]:
        """(line number, fields) of every line but blank ones."""
        for first, lines, _ in self._texts():
            for number, text in enumerate(lines, first):
                fields = split_line(text)
                if fields is not None:
                    yield number, fields

    def _texts(self) -> Generator[tuple[int, list[str], bool], None, None]:
        """(number of the first line, lines, plain) of every block of lines, their ends and
        control characters removed (the ANAM's delivery cannot be corrected by the user: they
        are removed, not refused; the zip is kept unchanged). Read in blocks of whole lines,
        each decoded at once: per line, the same work took most of the import's time."""
        number, rest, cr_only = 0, b"", None
        with self._open() as stream:
            while True:
                chunk = stream.read(BLOCK)
                if cr_only is None:
                    cr_only = _cr_only(chunk)
                if cr_only:  # CR never occurs inside a character in these encodings
                    chunk = chunk.replace(b"\r", b"\n")
                data = rest + chunk
                cut = data.rfind(b"\n") + 1 if chunk else len(data)
                data, rest = data[:cut], data[cut:]
                raws = data.split(b"\n") if data else []
                if raws and not raws[-1]:
                    raws.pop()  # the end of the last line
                longest = max(map(len, raws), default=0)
                if longest >= MAX_LINE_BYTES or len(rest) >= MAX_LINE_BYTES:
                    at = next((n for n, r in enumerate(raws) if len(r) >= MAX_LINE_BYTES), None)
                    raise DataStageError(
                        f"{self.name}:{number + 1 + (len(raws) if at is None else at)}: "
                        f"la línea tiene más de {MAX_LINE_BYTES:,} bytes"
                    )
                if not raws:
                    if not chunk:
                        return
                    continue  # a short read: the line goes on in the next chunk
                text = self._decode(data, raws, number == 0)
                lines, clean = _lines(text, len(raws))
                plain = clean and not (
                    " |" in text or "| " in text or "\n " in text or text[:1] == " "
                )
                yield number + 1, lines, plain
                number += len(raws)

    def _decode(self, data: bytes, raws: list[bytes], first: bool) -> str:
        """A block of whole lines as text: strict UTF-8 (a BOM stripped), else cp1252, else
        Latin-1; the member's encoding is the widest its lines needed (formats.md §1.3 step
        3). The block where it widens is decoded line by line, each as it needs."""
        try:
            if self.encoding == "UTF-8":
                return data.decode("utf-8-sig" if first else "utf-8")
            if self.encoding == "Windows-1252" and not any(b in data for b in _CP1252_UNDEFINED):
                return data.decode("cp1252")
            if self.encoding == "Latin-1":
                return data.decode("latin-1")
        except UnicodeDecodeError:
            pass
        return "\n".join(self._decode_line(raw, first and n == 0) for n, raw in enumerate(raws))

    def _decode_line(self, raw: bytes, first: bool) -> str:
        """One line as text: strict UTF-8 (a BOM stripped), else cp1252, else Latin-1; the
        member's encoding is the widest its lines needed (formats.md §1.3 step 3)."""
        if self.encoding == "UTF-8":
            try:
                return raw.decode("utf-8-sig" if first else "utf-8")
            except UnicodeDecodeError:
                self.encoding = "Windows-1252"
        if self.encoding == "Windows-1252" and not any(b in raw for b in _CP1252_UNDEFINED):
            return raw.decode("cp1252")
        self.encoding = "Latin-1"
        return raw.decode("latin-1")


def _cr_only(start: bytes) -> bool:
    """Whether a member whose first bytes are `start` ends its lines with CR alone (a file
    re-saved with classic Mac line ends): its first CR is not followed by LF, and comes
    before any LF."""
    cr, lf = start.find(b"\r"), start.find(b"\n")
    return cr >= 0 and (lf < 0 or cr < lf) and start[cr + 1 : cr + 2] != b"\n"


def _lines(text: str, count: int) -> tuple[list[str], bool]:
    """A block's `count` lines without their ends (CRLF or LF) and control characters, and
    whether it had none. Its controls are found by deleting every other byte of its Latin-1
    form (ten times faster than a regex search), else by the regex."""
    try:
        others = text.encode("latin-1").translate(None, _ORDINARY)
    except UnicodeEncodeError:  # a character above U+00FF
        others = None
    if others is not None and others.count(b"\r") == len(others):  # no control but CR
        if not others:
            return text.split("\n")[:count], True
        if text.count("\r\n") == len(others) == text.count("\n"):  # each CR ends a line
            return text.split("\r\n")[:count], True
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")[:count]
    if _CONTROL_IN_LINE.search(text):
        return [strip_controls(line) for line in lines], False
    return lines, True


def split_line(line: str) -> list[str] | None:
    """A line split on `|`, None for a blank line. A trailing `|` leaves an empty last field:
    the header drops it (`Member.header`), a row's is dropped once its width is known (a row
    may end in an empty field, with or without the trailing `|`)."""
    if line[-1:] == "\r":
        line = line.rstrip("\r")
    if not line or line.isspace():
        return None
    fields = line.split("|")
    if " |" in line or "| " in line or line[0] == " ":
        fields = [f.strip() for f in fields]
    return fields


@dataclass
class Delivery:
    path: Path
    sha256: str
    size: int
    folio: str
    members: dict[str, Member]
    unknown: list[str]

    @property
    def encodings(self) -> set[str]:
        """The encodings the members read so far needed."""
        return {m.encoding for m in self.members.values()}


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
        raise DataStageError(f"{name}: ruta fuera del archivo (path traversal); zip rechazado")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise DataStageError(f"{name}: es un enlace simbólico; zip rechazado")
    if info.flag_bits & 0x1:
        raise DataStageError(f"{name}: está cifrado; zip rechazado")


def sha256_of(path: Path | str) -> str:
    """The delivery's fingerprint (a zip already imported is recognised by it), read in
    chunks."""
    limits.check_regular(Path(path), DataStageError)
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise DataStageError(f"{path}: {_why(exc)}") from None
    return digest.hexdigest()


def _why(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no existe"
    if isinstance(exc, IsADirectoryError):
        return "es una carpeta, no un archivo zip"
    if isinstance(exc, PermissionError):
        return "no tiene permiso de lectura"
    return f"no se puede leer ({exc.strerror})"


@contextlib.contextmanager
def read(path: Path | str, sha256: str | None = None) -> Iterator[Delivery]:
    """Open and check a delivery (`sha256`: its fingerprint when already known): its zip
    directory and every member's header; the rows are read later, through `Member.rows()`,
    while the delivery is open. Nothing is written."""
    path = Path(path)
    digest = sha256 or sha256_of(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, NotImplementedError):  # e.g. a damaged version field
        raise DataStageError(f"{shown_name(path)}: no es un archivo zip válido") from None
    except OSError as exc:
        raise DataStageError(f"{path}: {_why(exc)}") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise DataStageError(f"{shown_name(path)}: {len(infos)} archivos, más de {MAX_MEMBERS}")
        for info in infos:
            _check_entry(info)
        limits.check_directory(
            infos,
            shown_name(path),
            DataStageError,
            member_limit=lambda info: MAX_MEMBER_BYTES,
            total_limit=MAX_TOTAL_BYTES,
        )
        meter = limits.Meter(path, DataStageError, MAX_TOTAL_BYTES)
        members, unknown, folios = {}, [], set()
        for info in infos:
            base = PurePosixPath(info.filename.replace("\\", "/")).name  # Windows tools
            match = MEMBER_NAME.match(base)
            if not match:
                continue  # e.g. the pre-processed xlsx summary that sometimes comes along
            folio, tipo = match[1], match[2].upper()
            if tipo not in KNOWN:
                unknown.append(base)
                continue
            if tipo in members:
                raise DataStageError(f"{base}: el miembro {tipo} viene repetido")
            member = Member(base, tipo, [], info.file_size, _opener(meter, archive, info))
            with contextlib.closing(member._lines()) as lines:
                first = next(lines, None)
            if first is None:
                raise DataStageError(f"{base}: está vacío (le falta el renglón de encabezado)")
            member.header = first[1][:-1] if first[1][-1] == "" else first[1]
            members[tipo] = member
            folios.add(folio)
        if not members:
            inner = [i.filename for i in infos if i.filename.lower().endswith(".zip")]
            raise DataStageError(
                f"{shown_name(path)}: no contiene miembros .asc de Data Stage"
                + (f" sino otro zip ({inner[0]}); extráigalo e impórtelo" if inner else "")
            )
        if len(folios) > 1:
            raise DataStageError(f"{shown_name(path)}: mezcla folios {', '.join(sorted(folios))}")
        yield Delivery(path, digest, path.stat().st_size, folios.pop(), members, unknown)


def _opener(
    meter: limits.Meter, archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> Callable[[], io.BufferedReader]:
    return lambda: meter.open(archive, info, MAX_MEMBER_BYTES)
