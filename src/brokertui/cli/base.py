"""What every command module shares: the `brokertui` group, the Env passed to commands, common
options and checks, and `emit` for table/JSON/CSV output. Domain modules import only this."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from brokertui.cli import spanish
from brokertui.core import clock, dates, db, export, identifiers, log, quantities, text
from brokertui.core import search as find
from brokertui.core.errors import InvalidInput, NeedsConfirmation

if TYPE_CHECKING:
    from rich.console import Console
    from sqlite_utils import Database

spanish.install()  # before any option below is declared: click words some of them at once

FORMATS = click.Choice(["table", "json", "csv"])
Decorated = TypeVar("Decorated", bound=Callable[..., Any])  # a command, under an option's decorator
V = TypeVar("V")


class Names(click.Choice):
    """A choice among a registry's names (reports.NAMES), shown and completed with hyphens as
    click's commands are ('saldos-fraccion'); the underscore spelling of older scripts is
    accepted too ('saldos_fraccion'). The value passed on is the registry's own name."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.registry = {name.replace("_", "-"): name for name in names}
        super().__init__(list(self.registry))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, str) and value.replace("_", "-") in self.registry:
            return self.registry[value.replace("_", "-")]
        return super().convert(value, param, ctx)  # refused in the user's own spelling

    def listed(self) -> str:
        return ", ".join(self.registry)


class Words(click.Choice):
    """A choice among plain words a user types ('temporal', 'activo-fijo'), any case, each
    passed on as the value it stands for (a core label such as 'Temp.'); that value itself
    is accepted too, the spelling of older scripts. Help and completion offer the words."""

    def __init__(self, words: dict[str, str]) -> None:
        self.values = {**{v.lower(): v for v in words.values()}, **words}
        super().__init__(list(words))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, str) and value.strip().lower() in self.values:
            return self.values[value.strip().lower()]
        return super().convert(value, param, ctx)  # refused in the user's own spelling


@dataclass
class Env:
    """What every command shares: where the database is and what day it is."""

    db_path: Path
    on_anexo24: bool = False  # the command reads or writes Anexo 24 data (ANEXO24_COMMANDS)
    _db: Database | None = field(default=None, repr=False)

    @property
    def today(self) -> date:
        return clock.today()  # `--today`, pinned for the whole process

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = db.connect(self.db_path)
            if self.on_anexo24:
                _discard_abandoned(self._db, self.db_path)
        return self._db

    def close(self) -> None:
        """Close the database (and so let go of its open-lock, core/dblock.py)."""
        if self._db is not None:
            self._db.close()
            self._db = None


class Failure(click.ClickException):
    """A failure already worded as the one line the user reads (exit status 1)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, file=file, err=file is None)


def _check_text_params(command: click.Command, ctx: click.Context) -> None:
    """Every text a command's options and arguments carry is checked like any entered value
    (core/text.py), also where no model sees it (--search): a control character is refused
    naming the option; a tab only in free text (--motivo, --reason, --descripcion). A file's
    path is not text to store: any name opens, and messages show it through text.shown_name."""
    for param in command.params:
        value = ctx.params.get(param.name or "")
        for item in value if isinstance(value, tuple) else (value,):
            if not isinstance(item, str):  # a file's name is shown escaped (text.shown_name)
                continue
            try:
                text.check_text(item, free_text=param.name in text.FREE_TEXT)
            except ValueError as exc:
                name = param.opts[0] if param.opts else param.human_readable_name
                raise InvalidInput(name, str(exc)) from None


# The help of an option most commands share, where a command gives it none.
COMMON_HELP = {"rfc": "RFC del cliente."}


def _common_help(param: click.Option) -> str | None:
    """The help an option has without its own: --rfc's, or --format's choices."""
    if param.name == "fmt" and isinstance(param.type, click.Choice):
        *first, last = param.type.choices
        named = f"{', '.join(map(str, first))} o {last}"
        return f"Formato de salida: {named} (por omisión, {param.default})."
    return COMMON_HELP.get(param.name or "")


class BrokerCommand(click.Command):
    """A command whose options' text is checked before it runs (_check_text_params), its help
    in Spanish (cli/spanish.py), --rfc and --format explained where it does not say more."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # click.Command's
        kwargs.setdefault("options_metavar", spanish.OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)
        spanish.spanish_metavars(self)
        for param in self.params:
            if isinstance(param, click.Option) and not param.help:
                param.help = _common_help(param)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        _check_text_params(self, ctx)
        return rest


class Whole(click.ParamType):
    """A whole number in ASCII digits within [minimum, maximum] (quantities.parse_integer)."""

    def __init__(self, name: str, minimum: int, maximum: int = quantities.INT64_MAX) -> None:
        self.name, self.minimum, self.maximum = name, minimum, maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return quantities.parse_integer(value, minimum=self.minimum, maximum=self.maximum)
        except ValueError as exc:
            raise InvalidInput(param.opts[0] if param else self.name, str(exc)) from None


# A year of the app's date window (identifiers.DATE_WINDOW).
YEAR = Whole("año", identifiers.DATE_WINDOW[0].year, identifiers.DATE_WINDOW[1].year)


def expect_version_option(command: Decorated) -> Decorated:
    """--expect-version N: update the record only if it is still at version N (the one the
    user read, shown by show/list); else refuse with what changed since (StaleRecord)."""
    return click.option(
        "--expect-version",
        "expected_version",
        type=Whole("versión", 0),
        help="Rechaza el cambio si el registro ya no está en esta versión (nada se pierde).",
    )(command)


class BrokerGroup(BrokerCommand, click.Group):
    """Turns every exception (not click's own) into one line on stderr and exit status 1:
    a domain error's text, a named disk or I/O problem, or "Error interno" with the path of
    the log that holds its trace (core/log.py). No traceback reaches the user. It checks its
    options' text as its commands and subgroups do (BrokerCommand)."""

    command_class = BrokerCommand
    group_class: type[click.Group] | type[type] | None = type  # subgroups are BrokerGroups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # click.Group's
        optional = kwargs.get("invoke_without_command", False)
        kwargs.setdefault(
            "subcommand_metavar",
            spanish.OPTIONAL_SUBCOMMAND_METAVAR if optional else spanish.SUBCOMMAND_METAVAR,
        )
        super().__init__(*args, **kwargs)

    def main(self, *args: Any, **kwargs: Any) -> Any:  # click's
        try:
            return super().main(*args, **kwargs)
        except SystemExit as exit:
            # click ends a usage error (bad option or value, missing argument) with status 2;
            # for brokertui every user error is status 1
            if exit.code == click.UsageError.exit_code:
                sys.exit(1)
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # raised while click parsed the group's own options
            if not kwargs.get("standalone_mode", True):
                raise
            Failure(_failure_line(exc, None)).show()
            sys.exit(1)

    def invoke(self, ctx: click.Context) -> Any:  # the command's result, as click's
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise  # click's own; a closed pipe (`| head`) ends quietly, as click does
        except Exception as exc:
            env = ctx.find_object(Env)
            raise Failure(_failure_line(exc, env.db_path if env else None)) from None


class RootGroup(BrokerGroup):
    """The `brokertui` group, whose commands live in the domain modules, imported only when a
    command is run (a cold start pays only for the command it runs). `--help` lists them from
    COMMANDS without importing any (tests/cli/test_cold_start.py checks the list against the
    real commands)."""

    group_class = BrokerGroup  # its subgroups (import, reconcile) list their own commands

    # Command -> (modules of brokertui.cli that define it or its subcommands, first help line).
    COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
        "activo-fijo": (
            ("activo_fijo",),
            "Activo fijo: sus movimientos (retorno, transferencia, cambio de régimen, donación, "
            "destrucción, cambio de domicilio), saldos y permanencia.",
        ),
        "ajuste": (
            ("anexo24",),
            "Registra un ajuste: faltante, merma, sobrante o recuperación por desensamble.",
        ),
        "backup": (
            ("backup",),
            "Respaldos de la base de datos: crear, verificar, restaurar y el respaldo diario.",
        ),
        "baja": (
            ("anexo24",),
            "Da de baja un registro de un catálogo del Anexo 24; se conserva con su fecha de baja.",
        ),
        "calendar": (("registry",), "Calendario de días hábiles: días inhábiles adicionales."),
        "catalog": (
            ("pedimentos",),
            "Catálogos del Anexo 22 incluidos en brokertui (el usuario puede reemplazarlos).",
        ),
        "check": (
            ("anexo24",),
            "Verifica el libro de descargos (ningún lote descargado de más, cada salida contada).",
        ),
        "client": (("registry",), "Clientes (contribuyentes)."),
        "config": (
            ("config",),
            "Muestra el archivo de preferencias (tema y teclas), su contenido y las teclas "
            "vigentes.",
        ),
        "dashboard": (
            ("dashboard",),
            "Obligaciones RAOCE e importaciones temporales por vencer, la más urgente primero.",
        ),
        "datastage": (
            ("datastage",),
            "Entregas de Data Stage por cliente y mes, y los RFC apartados.",
        ),
        "deadlines": (
            ("registry",),
            "Obligaciones RAOCE de cada cliente al día de hoy, la más urgente primero.",
        ),
        "demo": (("demo",), "Llena la base con datos de demostración realistas."),
        "discharge": (("anexo24",), "Descargo PEPS de las importaciones temporales (Anexo 24)."),
        "import": (
            ("anexo24", "pedimentos", "activo_fijo"),
            "Importa archivos: entregas Data Stage de ANAM e interfaces del ERP.",
        ),
        "oficio": (
            ("datastage",),
            "Oficios de matriz de seguridad de ANAM (sin uno vigente no llega Data Stage).",
        ),
        "pedimento": (
            ("pedimentos",),
            "Pedimentos: listar, mostrar, capturar desde un archivo JSON.",
        ),
        "program": (("registry",), "Programas de comercio exterior (IMMEX, PROSEC, ALTEX, ECEX)."),
        "raoce": (("raoce",), "RAOCE (reporte anual): hoja de trabajo y presentaciones."),
        "reconcile": (
            ("anexo24", "pedimentos"),
            "Cruces contra Data Stage: los pedimentos capturados, las entradas del Anexo 24.",
        ),
        "report": (
            ("anexo24",),
            "Un reporte del Anexo 24, encabezado con la razón social, el RFC y el periodo "
            "del cliente.",
        ),
        "rules": (
            ("pedimentos",),
            "Muestra o cambia las reglas de pedimento del cliente (sensibles, garantia, "
            "petroliferos, textiles) y su patrón de número de parte.",
        ),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.COMMANDS.keys() | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module in self.COMMANDS.get(cmd_name, ((),))[0]:
            importlib.import_module(f"brokertui.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands from COMMANDS, worded as click words it (no import)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [
            (name, click.Command(name, help=self.COMMANDS[name][1]).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section(spanish.gettext("Commands")):
            formatter.write_dl(rows)


def _failure_line(exc: Exception, db_path: Path | None) -> str:
    if isinstance(exc, NeedsConfirmation):
        return f"Error: {exc}; repita con --force para aceptarlo"
    return log.user_error(exc, db_path).line()


def parse_date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback: an optional AAAA-MM-DD option as a date."""
    if value is None:
        return None
    try:
        return identifiers.parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def checked_date(name: str, value: str) -> date:
    """A date option's value (AAAA-MM-DD), or a one-line error naming the option."""
    try:
        return identifiers.parse_date(value)
    except ValueError as exc:
        raise click.ClickException(f"{name}: {exc}") from None


def period_options(command: Decorated) -> Decorated:
    """--from / --to: a range of payment dates."""
    command = click.option("--to", "hasta", help="Fecha de pago hasta (AAAA-MM-DD).")(command)
    return click.option("--from", "desde", help="Fecha de pago desde (AAAA-MM-DD).")(command)


def period(desde: str | None, hasta: str | None) -> tuple[date | None, date | None]:
    """The --from / --to dates given (None when not)."""
    return ordered(
        checked_date("--from", desde) if desde else None,
        checked_date("--to", hasta) if hasta else None,
    )


def required_period(desde: str, hasta: str) -> tuple[date, date]:
    """The --from / --to dates of a command that requires both."""
    start, end = checked_date("--from", desde), checked_date("--to", hasta)
    ordered(start, end)
    return start, end


def ordered(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """(start, end) of a period, refused when it ends before it starts (it would list
    nothing, as if there were nothing)."""
    if start and end and end < start:
        raise click.ClickException(f"--to: {end} es anterior a --from ({start})")
    return start, end


def during(start: date | None, end: date | None) -> str:
    """A period as a sentence ends with it: ' del 2026-01-01 al 2026-03-31', ' desde …',
    ' hasta …', or '' for no period."""
    if start and end:
        return f" del {start} al {end}"
    return f" desde {start}" if start else f" hasta {end}" if end else ""


def rfc_shown(rfc: str) -> str:
    """An --rfc as the registry writes it (upper case, no spaces around), for a message."""
    return rfc.strip().upper()


def of_client(rfc: str | None) -> str:
    """' de RFC' for an --rfc given (rfc_shown), else ''."""
    return f" de {rfc_shown(rfc)}" if rfc else ""


def given(**values: V | None) -> dict[str, V]:
    """The options the user gave (not None)."""
    return {k: v for k, v in values.items() if v is not None}


SEARCH_HELP = (
    "Sólo las filas que contienen este texto, sin importar mayúsculas ni acentos; un número "
    "con o sin espacios o guiones; una fecha AAAA-MM-DD o un rango AAAA-MM-DD..AAAA-MM-DD."
)


def search_option(command: Decorated) -> Decorated:
    """--search TEXT (core/search.py), the same on every command that lists."""
    return click.option("--search", help=SEARCH_HELP)(command)


def matching(rows: list[dict], search: str | None, date_key: str | None = None) -> list[dict]:
    """The rows (of a list the core does not search) matching `search` in any value, and in
    `date_key`'s date for a date range."""
    wanted = find.parse(search)
    if not wanted:
        return rows
    if (wanted.desde or wanted.hasta) and date_key is None:
        raise InvalidInput("search", "esta lista no tiene fecha; busque sin AAAA-MM-DD")
    return [
        row
        for row in rows
        if find.matches(row.values(), wanted, _day(row.get(date_key)) if date_key else None)
    ]


def _day(value: object) -> date | None:
    """A date's value, or a stored UTC stamp's day in the office (Mexico City, core/dates.py)."""
    if isinstance(value, date) or value is None:
        return value
    try:
        text = str(value)
        return dates.local(text).date() if "T" in text else date.fromisoformat(text[:10])
    except ValueError:
        return None


# A table's headers as the user reads them, in Spanish (JSON and CSV keep the keys, which the
# README documents): the keys not named here with spaces for their underscores.
HEADERS = {
    "razon_social": "razón social",
    "numero": "número",
    "tipo_operacion": "tipo de operación",
    "baja_date": "baja",
    "type": "tipo",
    "number": "número",
    "authorized_on": "autorizado",
    "status": "estado",
    "sectors": "sectores",
    "program": "programa",
    "due_date": "vence",
    "final_date": "último día",
    "next_event": "próximo",
    "next_event_date": "fecha",
    "days_left": "días",
    "day": "día",
    "authority": "autoridad",
    "reason": "motivo",
    "source": "fuente",
    "name": "nombre",
    "entries": "registros",
    "as_of": "vigente al",
    "origin": "origen",
    "accion": "acción",
    "started_at": "inicio",
    "os_user": "usuario",
    "demands": "demandas",
    "allocations": "asignaciones",
    "shortfalls": "faltantes",
    "reversed": "revertidas",
    "proximo": "próximo",
    "dias": "días",
    "dias_habiles": "días hábiles",
    "limite": "límite",
    "ultimo_movimiento": "último movimiento",
    "limite_permanencia": "límite de permanencia",
    "numero_exterior": "número exterior",
    "numero_interior": "número interior",
    "codigo_postal": "código postal",
    "rfc_check_warning": "aviso de dígito verificador",
    "descargo_modo": "modo de descargo",
    "descargo_nivel": "nivel de descargo",
    "version": "versión",
    "kind": "tipo",
    "fraccion": "fracción",
    "numero_parte": "número de parte",
    "descripcion": "descripción",
    "anexo24": "Anexo 24",
    "datastage": "Data Stage",
    "ledger": "brokertui",
}


def header(column: str) -> str:
    """A column's header in a table (HEADERS, else its key with spaces for underscores)."""
    return HEADERS.get(column, column.replace("_", " "))


# Columns of free text, which a table wraps between words to fit the terminal. Any other
# value (a code, a date, a number, a state) and every word of a header is never broken: a
# table that cannot fit so is shown a row at a time ("campo  valor" lines, `_records`).
FREE_TEXT = frozenset(
    {
        "razon_social",
        "nombre",
        "detalle",
        "descripcion",
        "motivo",
        "reason",
        "fuente",
        "source",
        "note",
        "domicilio",
        "calle",
        "colonia",
        "municipio",
        "accion",
        "entregas",
    }
)

# A table's border and padding: a rule at each side and between columns, a space each side.
_EDGES, _PER_COLUMN = 1, 3


def emit(
    rows: list[dict],
    columns: list[str],
    fmt: str,
    title: str | None = None,
    *,
    empty: str,
    search: str | None = None,
) -> None:
    """Print rows as a table (or a row at a time where it does not fit the terminal), JSON
    (list of objects) or CSV. No row is said in a table as the one line `empty` (what there
    is none of, for whom and when: 'MNB050315K70 no tiene activos fijos registrados', and the
    --search text the rows had to contain); JSON is then `[]`, CSV the header line."""
    if fmt == "json":
        click.echo(export.to_json(rows))
    elif fmt == "csv":
        click.echo(export.to_csv(rows, columns), nl=False)
    elif not rows:
        click.echo(f"{empty} que contengan «{search}»." if search else f"{empty}.")
    else:
        from rich.console import Console  # on use: most commands never print a table

        headers = list(map(header, columns))
        cells = [[_shown(row.get(c)) for c in columns] for row in rows]
        console = Console()
        room = console.width - _EDGES - _PER_COLUMN * len(columns)
        widths = fitted(headers, cells, [c in FREE_TEXT for c in columns], room)
        if widths is None:
            _records(console, headers, cells, title)
        else:
            _table(console, headers, cells, widths, title)


def emit_record(record: dict) -> None:
    """Print one record for a person: each key's header (HEADERS) and its value, a line each."""
    from rich.console import Console

    headers = list(map(header, record))
    _records(Console(), headers, [[_shown(v) for v in record.values()]], None)


def _shown(value: object) -> str:
    """A value as a person reads it: stored data as plain text (never Rich markup or terminal
    control, text.clean), a flag as sí/no."""
    if isinstance(value, bool):
        return "sí" if value else "no"
    return text.clean(value)


def fitted(
    headers: list[str], cells: list[list[str]], wraps: list[bool], room: int
) -> list[int] | None:
    """Each column's width for a table of `room` characters of content: its widest line when
    all fit, else the widest columns narrowed a character at a time, first down to their
    values' width (only a header longer than its values then wraps: 'entidad federativa' over
    'COA'), then never below a column's longest word (of its header, and of its values where
    they wrap; its longest value where they do not). None when even that does not fit."""
    from rich.cells import cell_len

    natural, values_wide, least = [], [], []
    for n, header in enumerate(headers):
        values = [row[n] for row in cells]
        words = [w for v in values for w in (v.split(" ") if wraps[n] else [v])]
        natural.append(max(map(cell_len, [header, *values])))
        least.append(max(map(cell_len, [*header.split(" "), *words])))
        values_wide.append(max([least[n], *map(cell_len, values)]))
    if sum(least) > room:
        return None
    widths = natural
    excess = sum(widths) - room
    for bound in (values_wide, least):
        while excess > 0 and (wider := [n for n, w in enumerate(widths) if w > bound[n]]):
            widths[max(wider, key=widths.__getitem__)] -= 1
            excess -= 1
    return widths


def _table(
    console: Console,
    headers: list[str],
    cells: list[list[str]],
    widths: list[int],
    title: str | None,
) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, header_style="bold")
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, width=width, overflow="fold")
    for row in cells:  # stored data: plain text, never Rich markup or terminal control
        table.add_row(*(Text(value, end="") for value in row))
    console.print(table)


def _records(
    console: Console, headers: list[str], cells: list[list[str]], title: str | None
) -> None:
    """A table too wide for the terminal, a row at a time: each column's header and value on
    a line of its own, the value wrapped under itself, a blank line between rows (psql's
    expanded display)."""
    from rich.cells import cell_len
    from rich.text import Text

    indent = max(map(cell_len, headers)) + 2
    labels = [h + " " * (indent - cell_len(h)) for h in headers]
    lines: list[Text] = []
    if title:
        lines += [Text(title, style="italic"), Text()]
    for n, row in enumerate(cells):
        if n:
            lines.append(Text())
        for label, value in zip(labels, row, strict=True):
            wrapped = Text(value).wrap(console, max(console.width - indent, 1), overflow="fold")
            for k, part in enumerate(wrapped or [Text()]):
                line = Text.assemble((label if k == 0 else " " * indent, "bold"), part)
                line.rstrip()
                lines.append(line)
    console.print(Text("\n").join(lines), soft_wrap=True)


@click.group(cls=RootGroup, invoke_without_command=True)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="BROKERTUI_DB",
    help="Archivo de la base de datos (por omisión, el de la carpeta de datos del usuario).",
)
@click.option(
    "--today",
    callback=parse_date_option,
    envvar="BROKERTUI_TODAY",
    help="Toma esta fecha (AAAA-MM-DD) como hoy.",
)
@click.option(
    "--crear",
    is_flag=True,
    help="Crea la base de --db si no existe (sin esto se rechaza, o la TUI pregunta).",
)
@click.version_option(package_name="brokertui")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, today: date | None, crear: bool) -> None:
    """brokertui: vencimientos, pedimentos e inventario del Anexo 24 para agencias aduanales."""
    if db_path is not None and not crear and not db_path.exists():
        _missing_database(ctx, db_path)
    on_anexo24 = ctx.invoked_subcommand in ANEXO24_COMMANDS
    ctx.obj = Env(db_path or db.default_db_path(), on_anexo24)
    ctx.call_on_close(ctx.obj.close)
    ctx.with_resource(clock.pinned_today(today))  # what it records is stamped on that day
    if ctx.invoked_subcommand != "backup":
        _daily_backup(ctx.obj.db_path, background=ctx.invoked_subcommand is None)
    if ctx.invoked_subcommand is None:
        from brokertui.app import BrokerApp

        # Open (and migrate) before the screen takes over, so errors print plainly.
        BrokerApp(ctx.obj.db, today=today).run()


# Commands that make a database where there was none.
CREATES = ("demo", "backup")


def _missing_database(ctx: click.Context, path: Path) -> None:
    """A --db typed on the command line that names no file is most likely a typo: a command
    refuses it, the TUI asks first (issue 16, item 9). BROKERTUI_DB and the default path still
    create the database on first use, as do `demo` and `backup restore`."""
    typed = ctx.get_parameter_source("db_path") == click.core.ParameterSource.COMMANDLINE
    if not typed or ctx.invoked_subcommand in CREATES:
        return
    if ctx.invoked_subcommand is None and sys.stdin.isatty():
        answer = click.prompt(
            f"La base {path} no existe. ¿Crearla? [s/N]", default="", show_default=False
        )
        if answer.strip().lower() in ("s", "si", "sí"):
            return
        raise click.exceptions.Exit(1)
    raise Failure(f"Error: --db: no existe {path}; repita con --crear para crear una base nueva")


# The commands that read or write Anexo 24 data (their modules import core.anexo24 already).
ANEXO24_COMMANDS = (
    "activo-fijo",
    "ajuste",
    "baja",
    "check",
    "dashboard",
    "discharge",
    "import",
    "reconcile",
    "report",
)


def _discard_abandoned(database: Database, db_path: Path) -> None:
    """Before a command on Anexo 24 data: the imports of entradas or salidas whose process
    died while writing them (a kill -9, a dropped SSH link) deleted, as the TUI's start does
    (interfaces.discard_abandoned), each named on standard error as its deletion starts
    (seconds for 200,000 rows): while one is there the saldos are read much slower, until the
    next import of its kind. One query when there is none; a colleague's live import is never
    touched. A failure is a warning: the command goes on (readers leave such an import out)."""
    from brokertui.core.anexo24 import interfaces

    def deleting(found: interfaces.Abandoned) -> None:
        click.echo(f"Borrando {found} ({found.why})…", err=True)

    try:
        interfaces.discard_abandoned(database, deleting)
    except Exception as exc:
        problem = log.user_error(exc, db_path)
        click.echo(f"Aviso: no se borró una importación interrumpida: {problem}", err=True)


def _daily_backup(db_path: Path, background: bool) -> None:
    """The automatic daily backup (core/backup.py): before a command, or on a thread of its
    own while the TUI runs. A failure is a warning (logged when unexpected), never the
    command's failure."""

    from brokertui.core import backup

    def run() -> None:
        try:
            backup.daily(db_path)
        except Exception as exc:
            problem = log.user_error(exc, db_path)
            if not background:
                click.echo(f"Aviso: no se hizo el respaldo diario: {problem}", err=True)

    if background:
        threading.Thread(target=run, name="respaldo-diario", daemon=True).start()
    else:
        run()


pass_env = click.make_pass_decorator(Env)


@main.group("import")
def import_group() -> None:
    """Importa archivos: entregas Data Stage de ANAM e interfaces del ERP."""


@main.group("reconcile", invoke_without_command=True)
@click.option("--rfc", help="El cliente (para `reconcile --rfc RFC` sin subcomando).")
@period_options
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def reconcile_group(
    ctx: click.Context, rfc: str | None, desde: str | None, hasta: str | None, fmt: str
) -> None:
    """Cruces contra Data Stage: los pedimentos capturados, las entradas del Anexo 24.

    `reconcile --rfc RFC` a secas es `reconcile pedimentos --rfc RFC`; `entradas` cruza el
    Anexo 24, `tolerancia` fija su tolerancia en valor USD, `partes` lista los números de
    parte que ningún catálogo conoce, `descargos` cruza los descargos 512 con los de
    brokertui."""
    if ctx.invoked_subcommand is None:
        if not rfc:
            raise click.UsageError("--rfc: es obligatorio")
        command = reconcile_group.commands["pedimentos"]
        ctx.invoke(command, rfc=rfc, desde=desde, hasta=hasta, fmt=fmt)
