"""Hostile files, small on disk, built for the memory-limit tests and benchmarks/memory_bench.py.

Each builder writes one file into `folder` and returns its path. XLSX parts are written as raw
XML (openpyxl would refuse or take minutes to write them); zips are filled chunk by chunk so the
builder itself stays small.
"""

from __future__ import annotations

import random
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

from brokertui.core.pedimentos.datastage.build import HEADERS

MB = 1 << 20
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MATERIAL_HEADER = ("numero_parte", "descripcion", "fraccion", "umc", "umt", "factor_umt", "tipo")


def _fill(archive: zipfile.ZipFile, name: str, head: bytes, body: bytes, size: int, tail: bytes):
    """A member of `head`, then `body` repeated up to about `size` bytes, then `tail`."""
    with archive.open(name, "w") as out:
        out.write(head)
        block = body * max(1, min(size, MB) // len(body))
        written = 0
        while written < size:
            out.write(block)
            written += len(block)
        out.write(tail)


def _workbook(path: Path, sheets: dict[str, bytes], shared: bytes | None = None) -> Path:
    """An XLSX of raw sheet XML bodies (the <sheetData> content), in order."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    if shared is not None:
        overrides += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        )
    relations = "".join(
        f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" Type="{_REL}/worksheet"/>'
        for i in range(1, len(names) + 1)
    )
    if shared is not None:
        relations += (
            f'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="{_REL}/sharedStrings"/>'
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships">{relations}</Relationships>',
        )
        for i, body in enumerate(sheets.values(), start=1):
            archive.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<?xml version="1.0"?><worksheet xmlns="{_NS}"><sheetData>'.encode()
                + body
                + b"</sheetData></worksheet>",
            )
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return path


def _row(number: int, values: tuple[str, ...]) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def notes_first_workbook(folder: Path) -> Path:
    """A 'Notas' sheet first, the materiales on the second sheet."""
    data = _row(1, MATERIAL_HEADER) + _row(
        2, ("MAT-1", "Resina", "39011001", "1", "1", "1", "directo")
    )
    notes = _row(1, ("Interfaz de materiales de enero: ver la hoja Datos",))
    return _workbook(folder / "materiales.xlsx", {"Notas": notes, "Datos": data})


def notes_only_workbook(folder: Path) -> Path:
    """Only notes: no sheet has the expected headers."""
    notes = _row(1, ("Interfaz de materiales, enero",)) + _row(2, ("Sin datos",))
    return _workbook(folder / "notas.xlsx", {"Notas": notes, "Resumen": notes})


def header_only_workbook(folder: Path) -> Path:
    return _workbook(folder / "vacio.xlsx", {"Datos": _row(1, MATERIAL_HEADER)})


def xlsx_shared_string_bomb(folder: Path, size: int = 400 * MB) -> Path:
    """About 400 KB on disk: one shared string of `size` characters as a unit of measure (the
    issue's 413 KB workbook that printed a 419 MB error line)."""
    path = folder / "bomba.xlsx"
    bomb = b'<c t="s"><v>0</v></c>'
    data = _row(1, MATERIAL_HEADER) + _row(
        2, ("MAT-1", "Resina", "39011001", "@", "1", "1", "directo")
    ).replace(b'<c t="inlineStr"><is><t>@</t></is></c>', bomb)
    _workbook(path, {"Datos": data}, shared=b"")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.NameToInfo.pop("xl/sharedStrings.xml")  # replaced by the large one below
        archive.filelist = [i for i in archive.filelist if i.filename != "xl/sharedStrings.xml"]
        _fill(
            archive,
            "xl/sharedStrings.xml",
            f'<sst xmlns="{_NS}" count="1" uniqueCount="1"><si><t>'.encode(),
            b"A",
            size,
            b"</t></si></sst>",
        )
    return path


def xlsx_dimension_bomb(folder: Path) -> Path:
    """A tiny sheet that claims A1:XFD1048576 and holds a cell at the far corner."""
    body = (
        _row(1, MATERIAL_HEADER)
        + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    path = _workbook(folder / "dimension.xlsx", {"Datos": body})
    _patch_member(
        path,
        "xl/worksheets/sheet1.xml",
        b"<sheetData>",
        b'<dimension ref="A1:XFD1048576"/><sheetData>',
    )
    return path


def xlsx_sparse_cells(folder: Path, cells: int = 3_000_000) -> Path:
    """One row holding millions of empty cells (no `r`, so they run past column XFD)."""
    path = folder / "celdas.xlsx"
    _workbook(path, {"Datos": _row(1, MATERIAL_HEADER)})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.filelist = [i for i in archive.filelist if i.filename != "xl/worksheets/sheet1.xml"]
        archive.NameToInfo.pop("xl/worksheets/sheet1.xml")
        _fill(
            archive,
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_NS}"><sheetData>'.encode()
            + _row(1, MATERIAL_HEADER)
            + b'<row r="2">',
            b"<c><v>1</v></c>",
            cells * 15,
            b"</row></sheetData></worksheet>",
        )
    return path


def _patch_member(path: Path, name: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts[name] = parts[name].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)


# -- CSV ---------------------------------------------------------------------------------------


def million_error_csv(folder: Path, rows: int = 1_000_000) -> Path:
    """A materiales CSV whose every row is bad (fracción of 3 digits)."""
    path = folder / "errores.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(MATERIAL_HEADER) + "\n")
        line = "MAT-{},Resina,123,KGM,KGM,1,directo\n"
        for start in range(0, rows, 10_000):
            out.write("".join(line.format(n) for n in range(start, min(rows, start + 10_000))))
    return path


# -- Data Stage --------------------------------------------------------------------------------

ROW_501 = (
    "3953|6000001|240|1|IN|240||MAB9307148T4||18.00120|0|0|0|0|0|1.000|7|7|7|9|X|Y||1|20909|"
    "Z|AG|MEX|1|2026-01-05 17:40:22|2026-01-05 17:48:15|\r\n"
)


def _datastage(path: Path, member: str, body: bytes, size: int, level: int = 9) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("1875724_501.asc", HEADERS["501"] + "|\r\n" + ROW_501)
        _fill(
            archive, f"1875724_{member}.asc", (HEADERS[member] + "|\r\n").encode(), body, size, b""
        )
    return path


def datastage_bomb(folder: Path, size: int = 1 << 30, name: str = "bomba") -> Path:
    """551 inflating 1 GiB of one repeated line: a ratio of about 1,000:1."""
    line = b"3953|6000001|240|" + b"|" * 27 + b"\r\n"
    return _datastage(folder / f"1875724_{name}.zip", "551", line, size)


def datastage_flood(folder: Path, size: int = 600 * MB) -> Path:
    """Within a 200:1 ratio (about 3 MB for 600 MB): 551 lines of empty fields, one in 64
    with a random number so deflate cannot squeeze it further. No line is a real partida."""
    rng = random.Random(11)
    empty = "|" * HEADERS["551"].count("|") + "|\r\n"
    body = "".join(empty if i % 64 else f"{rng.randrange(10**6)}{empty}" for i in range(4096))
    return _datastage(folder / "1875724_Solicitudes.zip", "551", body.encode(), size, level=6)


def datastage_oversized(folder: Path, size: int) -> Path:
    """A 551 member whose zip directory declares it one byte over `size` (the per-member
    limit), at a believable ratio."""
    line = b"3953|6000001|240|" + b"|" * 27 + b"\r\n"
    path = _datastage(folder / "1875724_grande.zip", "551", line, MB)
    return _patch_directory(path, "1875724_551.asc", size=size + 1, compressed=size // 10)


def datastage_lying(folder: Path, size: int = 100 * MB) -> Path:
    """Blank lines (quick to skip) inflating about 1,000:1, but the zip directory claims the
    551 member is stored at 1:1, so only the bytes actually inflated give it away."""
    path = _datastage(folder / "1875724_miente.zip", "551", b" " * 8000 + b"\r\n", size)
    return lie_about_ratio(path, "1875724_551.asc")


def xlsx_lying(folder: Path, size: int = 100 * MB) -> Path:
    """A sheet padded with empty XML comments (nothing openpyxl keeps) inflating about 1,000:1,
    its zip directory claiming a 1:1 ratio."""
    path = folder / "comentarios.xlsx"
    _workbook(path, {"Datos": _row(1, MATERIAL_HEADER)})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.filelist = [i for i in archive.filelist if i.filename != "xl/worksheets/sheet1.xml"]
        archive.NameToInfo.pop("xl/worksheets/sheet1.xml")
        _fill(
            archive,
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_NS}"><sheetData>'.encode() + _row(1, MATERIAL_HEADER),
            b"<!---->",
            size,
            b"</sheetData></worksheet>",
        )
    return lie_about_ratio(path, "xl/worksheets/sheet1.xml")


def lie_about_ratio(path: Path, member: str) -> Path:
    """Rewrite the zip directory's compressed size of `member` to its real size (1:1)."""
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo(member).file_size
    return _patch_directory(path, member, compressed=size)


def _patch_directory(path: Path, member: str, *, size: int = 0, compressed: int = 0) -> Path:
    """Rewrite what the zip's central directory declares for `member` (sizes under 4 GiB)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    if compressed:
        struct.pack_into("<I", data, central + 20, compressed)
    if size:
        struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))
    return path


# -- measuring ---------------------------------------------------------------------------------

_CHILD = """
import resource, sys
from brokertui.cli import main
try:
    main(sys.argv[1:], prog_name="brokertui")
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stderr.write(f"\\n@peak_rss_kb={peak}\\n")
"""


def _address_space_cap() -> None:  # a regression fails fast instead of filling the machine
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def measured_cli(
    *args: object, timeout: float = 300, env: dict | None = None
) -> tuple[int, str, float]:
    """Run `brokertui ARGS` in a child process: its exit code, its output (stdout and
    stderr) and its peak resident memory in MB, as the child itself reports it."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_address_space_cap,
        env=env,
    )
    output, _, peak = (done.stdout + done.stderr).rpartition("\n@peak_rss_kb=")
    return done.returncode, output.strip(), int(peak.strip() or 0) / 1024


def floor_rss() -> float:
    """Peak resident memory in MB of `python -c pass`, the floor any child starts from."""
    code = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return int(done.stdout) / 1024
