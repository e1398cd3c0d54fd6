"""Reading an ANAM Data Stage zip defensively (formats.md §1.2, §1.3).

A delivery is a zip of pipe-delimited `.asc` members named `{folio}_{tipo}.asc`, each with a
header row, CRLF line ends, a trailing `|` and Latin-1 text. Hostile archives (path traversal,
links, encryption, absurd sizes or compression ratios) are refused before anything is read.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from brokertui.core.errors import BrokerError

MEMBER_NAME = re.compile(r"^(\d+)_([0-9A-Za-z]+)\.asc$", re.IGNORECASE)
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 1 << 30  # 1 GiB uncompressed per member
MAX_TOTAL_BYTES = 2 << 30
MAX_RATIO = 200  # uncompressed / compressed, for members above 1 MiB
KNOWN = {
    *(str(n) for n in (*range(501, 513), 520, *range(551, 559), 701, 702)),
    "INCI",
    "SEL",
    "RESUMEN",
}


class DataStageError(BrokerError):
    """The delivery cannot be imported; the message says where and why."""


@dataclass
class Member:
    """One `.asc` member: its header and its data lines as (line number, fields)."""

    name: str
    tipo: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def index(self) -> dict[str, int]:
        """Column positions by lower-cased header name."""
        return {name.strip().lower(): i for i, name in enumerate(self.header)}


@dataclass
class Delivery:
    path: Path
    sha256: str
    size: int
    content: bytes
    folio: str
    members: dict[str, Member]
    encodings: set[str]
    unknown: list[str]


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
        raise DataStageError(f"{name}: ruta fuera del archivo (path traversal); zip rechazado")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise DataStageError(f"{name}: es un enlace simbólico; zip rechazado")
    if info.flag_bits & 0x1:
        raise DataStageError(f"{name}: está cifrado; zip rechazado")
    if info.file_size > MAX_MEMBER_BYTES:
        raise DataStageError(f"{name}: {info.file_size:,} bytes descomprimido excede el límite")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1 << 20 and ratio > MAX_RATIO:
        raise DataStageError(
            f"{name}: proporción de compresión {ratio:,.0f}:1 absurda (bomba zip); zip rechazado"
        )


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: strict UTF-8 (BOM stripped), else cp1252, else Latin-1."""
    for codec, name in (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "Latin-1"


def split_lines(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank lines split on `|`, the trailing empty field dropped, with line numbers."""
    result = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("|")
        if line.endswith("|"):
            fields.pop()
        if " |" in line or "| " in line or line[0] == " ":
            fields = [f.strip() for f in fields]
        result.append((number, fields))
    return result


def sha256_of(path: Path | str) -> str:
    """The delivery's fingerprint (a zip already imported is recognised by it)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError as exc:
        raise DataStageError(f"{path}: {_why(exc)}") from None


def _why(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no existe"
    if isinstance(exc, IsADirectoryError):
        return "es una carpeta, no un archivo zip"
    if isinstance(exc, PermissionError):
        return "no tiene permiso de lectura"
    return f"no se puede leer ({exc.strerror})"


def read(path: Path | str) -> Delivery:
    """Open and check a delivery; every member decoded and split, nothing written."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DataStageError(f"{path}: {_why(exc)}") from None
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise DataStageError(f"{path.name}: no es un archivo zip válido") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise DataStageError(f"{path.name}: {len(infos)} archivos, más de {MAX_MEMBERS}")
        for info in infos:
            _check_entry(info)
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise DataStageError(f"{path.name}: el contenido descomprimido excede 2 GiB")
        members, encodings, unknown, folios = {}, set(), [], set()
        for info in infos:
            base = PurePosixPath(info.filename).name
            match = MEMBER_NAME.match(base)
            if not match:
                continue  # e.g. the pre-processed xlsx summary that sometimes comes along
            folio, tipo = match[1], match[2].upper()
            if tipo not in KNOWN:
                unknown.append(base)
                continue
            if tipo in members:
                raise DataStageError(f"{base}: el miembro {tipo} viene repetido")
            text, encoding = decode(_read_limited(archive, info))
            encodings.add(encoding)
            folios.add(folio)
            lines = split_lines(text)
            if not lines:
                raise DataStageError(f"{base}: está vacío (le falta el renglón de encabezado)")
            members[tipo] = Member(base, tipo, lines[0][1], lines[1:])
    if not members:
        raise DataStageError(f"{path.name}: no contiene miembros .asc de Data Stage")
    if len(folios) > 1:
        raise DataStageError(f"{path.name}: mezcla folios {', '.join(sorted(folios))}")
    return Delivery(
        path,
        hashlib.sha256(content).hexdigest(),
        len(content),
        content,
        folios.pop(),
        members,
        encodings,
        unknown,
    )


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read a member, refusing one that inflates past its declared size or is damaged."""
    chunks, total = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > info.file_size:
                    raise DataStageError(f"{info.filename}: descomprime más de lo declarado")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        # a bad CRC, a corrupt deflate stream, a cut member or an unknown compression method
        raise DataStageError(
            f"{info.filename}: el miembro está dañado ({exc}); zip rechazado"
        ) from None
    return b"".join(chunks)
