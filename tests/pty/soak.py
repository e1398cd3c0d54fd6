"""A multi-user soak (issue 12, item 6), shared by tests/pty/test_soak.py (short, in CI) and
benchmarks/soak_bench.py (minutes): on one database, app processes on ptys (harness.py) create
clients through the form, each form typed as one burst with no pause, while CLI writer
processes add and edit their own clients, import a small materiales interface, run and undo
the discharge of a demo client and draw reports.

`run_soak` returns a `Soak`: what every app typed and every writer wrote (to compare with the
database afterwards: `lost_keystrokes`, `lost_writes`), every failure with the screen or output
that shows it, and the latency of every save (app: from Ctrl+S to the saved client on screen;
CLI: the command's wall time).
"""

from __future__ import annotations

import os
import random
import sqlite3
import string
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from stdnum.mx import rfc as stdnum_rfc

from tests.pty.harness import FORBIDDEN, Terminal, command, keys

DEMO_CLIENT = "MNB050315K70"  # the demo client with Anexo 24 inventory to discharge
FORM_FIELDS = (  # the client form's fields, in Tab order (screens/client_forms.py)
    "rfc",
    "razon_social",
    "calle",
    "numero_exterior",
    "numero_interior",
    "colonia",
    "municipio",
    "codigo_postal",
    "entidad_federativa",
)
BUSY = "ocupada por otro usuario"  # db.busy_error: a write refused after the busy timeout
NOT_SAVED = ("Corrija los campos", "¿Guardar de todos modos?", BUSY)  # the form did not save
# A discharge run or undo may be refused for what another writer did meanwhile; told so, it is
# no lost write.
REFUSALS = ("no tiene descargos que deshacer", "en curso por", "nada se guardó, córralo de nuevo")
TIME_PARTS = ("on a CPU", "waiting for a CPU", "asleep (locks, disk, idle)")
# What the apps and writers type: accents, ñ, ü, punctuation.
SAMPLE = """Industria Peñón Álamo Güero Río Bravo Nogal Ébano Ñandú Cañada San José de la Luz
Norte Sur Oriente Acero Plásticos Técnica Av. Blvd. Col. #12 3-B S.A. C.V. Pérez Ünica O'Hara
Lote/4"""
WORDS = SAMPLE.split()
ENTIDADES = ("AGU", "BCN", "CHH", "COA", "JAL", "NLE", "QUE", "SON", "TAM", "YUC", "CMX", "MEX")


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 and max of `values` in seconds (nearest rank), and how many."""
    ordered = sorted(values)
    if not ordered:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "max": 0.0}

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered) + 0.5) - 1))]

    return {"n": len(ordered), "p50": rank(0.50), "p95": rank(0.95), "max": ordered[-1]}


class Values:
    """Random, valid, already-normalized values; RFCs unique per `worker` (0-35)."""

    def __init__(self, worker: int, seed: int) -> None:
        self.worker = worker
        self.random = random.Random(seed * 100 + worker)
        self.count = 0

    def rfc(self) -> str:
        """A persona moral RFC with its check digit: the worker in the homoclave, a serial
        number in the date (one day apart), random letters."""
        self.count += 1
        born = date(1960, 1, 1) + timedelta(days=self.count)
        homoclave = (
            string.digits[self.worker // 10]
            + (string.digits + "ABCDEFGHIJ")[self.worker % 10 + 10 * (self.count % 2)]
        )
        while True:
            letters = "".join(self.random.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
            base = f"{letters}{born:%y%m%d}{homoclave}"
            value = base + stdnum_rfc.calc_check_digit(base)
            if stdnum_rfc.is_valid(value):
                return value

    def words(self, low: int, high: int) -> str:
        return " ".join(self.random.choice(WORDS) for _ in range(self.random.randint(low, high)))

    def client(self) -> dict[str, str]:
        r = self.random
        return {
            "rfc": self.rfc(),
            "razon_social": self.words(2, 6),
            "calle": self.words(1, 4),
            "numero_exterior": str(r.randint(1, 99999)),
            "numero_interior": r.choice(("", "A", "4-B", str(r.randint(1, 300)))),
            "colonia": self.words(1, 3),
            "municipio": self.words(1, 3),
            "codigo_postal": f"{r.randint(1000, 99999):05d}",
            "entidad_federativa": r.choice(ENTIDADES),
        }


@dataclass
class Soak:
    """Everything a soak did and saw."""

    typed: list[dict] = field(default_factory=list)  # clients typed in an app, saved or not
    written: dict[str, dict] = field(default_factory=dict)  # rfc -> values a writer stored
    materiales: dict[tuple[str, str], str] = field(default_factory=dict)  # (rfc, parte) -> desc
    app_saves: list[float] = field(default_factory=list)
    cli_saves: dict[str, list[float]] = field(default_factory=dict)  # operation -> wall times
    # How the save latencies went, part by part (TIME_PARTS; _schedstat): the CLI commands'
    # whole process, the apps' main thread (the one that saves) from Ctrl+S to the screen.
    cli_time: dict[str, list[float]] = field(default_factory=lambda: _parts())
    app_time: dict[str, list[float]] = field(default_factory=lambda: _parts())
    unsaved: list[str] = field(default_factory=list)  # app forms that did not save: the screen
    failures: list[str] = field(default_factory=list)  # anything else that went wrong
    problems: list[str] = field(default_factory=list)  # forbidden text in any output
    refusals: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)

    def cli_latencies(self) -> list[float]:
        return [t for times in self.cli_saves.values() for t in times]


def prepare(db_path: Path, today: date) -> None:
    """A demo database at `db_path` (through the CLI, as a user would)."""
    done = subprocess.run(command(db_path, today, "demo"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def run_soak(
    db_path: Path,
    today: date,
    *,
    apps: int,
    writers: int,
    seconds: float,
    seed: int = 12,
    first_worker: int = 0,
    soak: Soak | None = None,
    pace: float = 0.0,
) -> Soak:
    """Run `apps` app processes and `writers` CLI writer loops on `db_path` for `seconds`;
    add what they did to `soak` (a new one by default) and return it. Workers are numbered
    from `first_worker` (their RFCs differ from other runs' on the same database). An app
    types each form as one burst, or with `pace` > 0 a burst per field, `pace` s apart."""
    soak = soak or Soak()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_app_loop,
            args=(db_path, today, Values(first_worker + n, seed), deadline, soak, pace),
        )
        for n in range(apps)
    ]
    threads += [
        threading.Thread(
            target=_writer_loop,
            args=(db_path, today, Values(first_worker + apps + n, seed), deadline, soak),
        )
        for n in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return soak


# Apps -----------------------------------------------------------------------------------------


def _app_loop(
    db_path: Path, today: date, values: Values, deadline: float, soak: Soak, pace: float
) -> None:
    """Create clients until the deadline; after one that did not save, or an app that did
    not show its Clientes screen, start a new app."""
    while time.monotonic() < deadline:
        term = Terminal(db_path, today=today, size=(100, 30))
        try:
            if _open_clients(term, soak):
                while time.monotonic() < deadline and _create_client(term, values, soak, pace):
                    pass
        finally:
            _close(term, soak)


def _close(term: Terminal, soak: Soak) -> None:
    status = term.close()
    with soak.lock:
        soak.problems.extend(term.problems)
        if status != 0:
            soak.failures.append(f"an app ended with status {status}:\n{term.screen_text()}")


def _open_clients(term: Terminal, soak: Soak) -> bool:
    try:
        term.wait_for("F3 Clientes")
        term.press("f3")
        term.wait_for("o ordena")
    except AssertionError as exc:
        soak.fail(f"the app did not show its Clientes screen: {exc}")
        time.sleep(1)  # an app that cannot start is not restarted in a busy loop
        return False
    return True


def _create_client(term: Terminal, values: Values, soak: Soak, pace: float) -> bool:
    """Type one client into the form (one burst, or a burst per field `pace` s apart), save,
    wait for its detail, go back to the list. False (the screen in soak.unsaved, or a failure)
    when it did not."""
    term.press("a")
    try:
        term.wait_for("Cliente nuevo")
    except AssertionError as exc:
        soak.fail(f"the client form did not open: {exc}")
        return False
    client = values.client()
    with soak.lock:
        soak.typed.append(client)
    if pace:  # each field and its Tab one burst, `pace` seconds apart
        for name in FORM_FIELDS:
            term.send(client[name], keys("tab"))
            time.sleep(pace)
    else:
        term.send(keys("tab").join(client[name].encode() for name in FORM_FIELDS))
    before = _schedstat(term.process.pid)
    started = time.monotonic()
    term.press("ctrl+s")
    saved = f"RFC {client['rfc']} ·"
    try:
        screen = term.wait_for(
            lambda screen: saved in screen or any(text in screen for text in NOT_SAVED)
        )
    except AssertionError as exc:
        screen = str(exc)
    if saved not in screen:
        how = f"with {pace} s after each Tab" if pace else "in one burst"
        with soak.lock:
            soak.unsaved.append(f"typed {client} {how}, then Ctrl+S; the screen shows:\n{screen}")
        return False
    elapsed = time.monotonic() - started
    after = _schedstat(term.process.pid)
    with soak.lock:
        soak.app_saves.append(elapsed)
        _split(soak.app_time, elapsed, after[0] - before[0], after[1] - before[1])
    term.press("escape")
    try:
        term.wait_for(lambda screen: "Cliente nuevo" not in screen and "o ordena" in screen)
    except AssertionError as exc:
        soak.fail(f"Esc on the client detail: {exc}")
        return False
    return True


# CLI writers ----------------------------------------------------------------------------------


def _writer_loop(db_path: Path, today: date, values: Values, deadline: float, soak: Soak) -> None:
    mine: list[str] = []
    workdir = db_path.parent / f"writer-{values.worker}"
    workdir.mkdir(exist_ok=True)
    steps = (_add, _edit, _import, _discharge, _undo, _report)
    index = 0
    while time.monotonic() < deadline:
        steps[index % len(steps)](db_path, today, values, mine, workdir, soak)
        index += 1


def _cli(
    db_path: Path, today: date, soak: Soak, operation: str, *args: str, refusable: bool = False
) -> str | None:
    """Run one command, time it, check its output; its stdout, or None when it failed."""
    started = time.monotonic()
    returncode, stdout, stderr, (on_cpu, runnable) = _run(command(db_path, today, *args))
    elapsed = time.monotonic() - started
    output = stdout + stderr
    seen = [word for word in FORBIDDEN if word in output]
    with soak.lock:
        if seen:
            soak.problems.append(f"brokertui {' '.join(args)}:\n{output}")
        if returncode == 0:
            soak.cli_saves.setdefault(operation, []).append(elapsed)
            _split(soak.cli_time, elapsed, on_cpu, runnable)
            return stdout
        if refusable and BUSY not in output and any(r in output for r in REFUSALS):
            soak.refusals.append(stderr.strip())
            return None
        soak.failures.append(f"brokertui {' '.join(args)} ended {returncode}:\n{output}")
        return None


def _schedstat(pid: int) -> tuple[float, float]:
    """Seconds a process's main thread has spent on a CPU and waiting for one (Linux)."""
    on_cpu, runnable, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
    return int(on_cpu) / 1e9, int(runnable) / 1e9


def _parts() -> dict[str, list[float]]:
    return {part: [] for part in TIME_PARTS}


def _split(parts: dict[str, list[float]], wall: float, on_cpu: float, runnable: float) -> None:
    for part, seconds in zip(TIME_PARTS, (on_cpu, runnable, wall - on_cpu - runnable), strict=True):
        parts[part].append(seconds)


def _run(line: list[str]) -> tuple[int, str, str, tuple[float, float]]:
    """Exit status, stdout and stderr of a command, and its _schedstat (read before it is
    reaped)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(line, stdout=out, stderr=err)
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        times = _schedstat(process.pid)
        _, status = os.waitpid(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (
            process.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            times,
        )


def _add(db_path, today, values, mine, workdir, soak) -> None:
    client = values.client()
    options = [f"--{name.replace('_', '-')}={client[name]}" for name in FORM_FIELDS]
    if _cli(db_path, today, soak, "client add", "client", "add", *options) is not None:
        mine.append(client["rfc"])
        with soak.lock:
            soak.written[client["rfc"]] = client


def _edit(db_path, today, values, mine, workdir, soak) -> None:
    if not mine:
        return
    rfc = values.random.choice(mine)
    change = {"calle": values.words(1, 4), "colonia": values.words(1, 3)}
    options = [f"--{name}={value}" for name, value in change.items()]
    args = ("client", "edit", f"--rfc={rfc}", *options)
    if _cli(db_path, today, soak, "client edit", *args) is not None:
        with soak.lock:
            soak.written[rfc] = {**soak.written[rfc], **change}


def _import(db_path, today, values, mine, workdir, soak) -> None:
    if not mine:
        return
    rfc = values.random.choice(mine)
    values.count += 1
    rows = {f"S{values.worker}-{values.count}-{n}": values.words(1, 3).upper() for n in range(3)}
    path = workdir / "materiales.csv"
    lines = ["numero_parte,descripcion,fraccion,umc,umt,factor_umt,tipo"]
    lines += [f'{parte},"{desc}",85389099,6,1,1,directo' for parte, desc in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ("import", "materiales", str(path), f"--rfc={rfc}")
    if _cli(db_path, today, soak, "import materiales", *args) is not None:
        with soak.lock:
            soak.materiales.update({(rfc, parte): desc for parte, desc in rows.items()})


def _discharge(db_path, today, values, mine, workdir, soak) -> None:
    args = ("discharge", "run", f"--rfc={DEMO_CLIENT}")
    _cli(db_path, today, soak, "discharge run", *args, refusable=True)


def _undo(db_path, today, values, mine, workdir, soak) -> None:
    args = ("discharge", "undo", f"--rfc={DEMO_CLIENT}")
    _cli(db_path, today, soak, "discharge undo", *args, refusable=True)


def _report(db_path, today, values, mine, workdir, soak) -> None:
    args = ("report", "saldos", f"--rfc={DEMO_CLIENT}", "--format=json")
    _cli(db_path, today, soak, "report", *args)


# Checks ---------------------------------------------------------------------------------------


def _stored_clients(db_path: Path) -> dict[str, dict]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(f"SELECT {', '.join(FORM_FIELDS)} FROM clients").fetchall()
    return {row["rfc"]: dict(row) for row in rows}


def lost_keystrokes(db_path: Path, soak: Soak) -> list[str]:
    """Every client typed in an app whose stored values differ from what was typed (or that
    was not stored), field by field."""
    stored = _stored_clients(db_path)
    return [
        _difference(typed, stored.get(typed["rfc"]))
        for typed in soak.typed
        if (stored.get(typed["rfc"]) != typed)
    ]


def lost_writes(db_path: Path, soak: Soak) -> list[str]:
    """Every writer's client or materiales row missing or not as it last wrote it."""
    stored = _stored_clients(db_path)
    lost = [
        _difference(values, stored.get(rfc))
        for rfc, values in soak.written.items()
        if stored.get(rfc) != values
    ]
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT c.rfc, m.numero_parte, m.descripcion FROM materiales m "
            "JOIN clients c ON c.id = m.client_id"
        ).fetchall()
    found = {(rfc, parte): desc for rfc, parte, desc in rows}
    lost += [
        f"materiales {key}: wrote {desc!r}, stored {found.get(key)!r}"
        for key, desc in soak.materiales.items()
        if found.get(key) != desc
    ]
    return lost


def _difference(typed: dict, stored: dict | None) -> str:
    if stored is None:
        return f"{typed['rfc']}: not stored (typed {typed})"
    fields = [f"{k}: typed {v!r}, stored {stored[k]!r}" for k, v in typed.items() if stored[k] != v]
    return f"{typed['rfc']}: " + "; ".join(fields)


def ledger_check(db_path: Path, today: date) -> str | None:
    """`brokertui check` of the demo client's discharge ledger: None when correct, else what
    it printed."""
    done = subprocess.run(
        command(db_path, today, "check", f"--rfc={DEMO_CLIENT}"), capture_output=True, text=True
    )
    return None if done.returncode == 0 else done.stdout + done.stderr
