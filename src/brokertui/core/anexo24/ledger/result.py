"""What a run did (RunResult), as the CLI and F5 tell it, and how it reports its progress."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from brokertui.core.plural import counted


@dataclass
class RunResult:
    run_id: int | None
    desde: str | None
    hasta: str
    demands: int = 0
    allocations: int = 0
    shortfalls: int = 0
    vencidos: int = 0
    reversed: int = 0
    entries_added: int = 0
    dry_run: bool = False
    shortfall_parts: list[str] = field(default_factory=list)
    modo: str = "cantidad"
    sin_valor: int = 0  # value mode: exits left pending, a material without a valued entry
    sin_valor_parts: list[str] = field(default_factory=list)
    # A dry run: the first PREVIEW rows it would write, shaped as allocations() rows
    preview: list[dict] = field(default_factory=list)
    # The run of the client whose process died (who ran it, since when), taken over: its rows
    # purged, this run did its work
    retomada: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """What the run did, in Spanish (the CLI and F5 say the same)."""
        head = "Vista previa (nada se guardó)" if self.dry_run else f"Corrida {self.run_id}"
        since = f" desde {self.desde}" if self.desde else ""
        return (
            f"{head}: {counted(self.demands, 'demanda')}, "
            f"{counted(self.allocations, 'asignación', 'asignaciones')}, "
            f"{counted(self.shortfalls, 'faltante')}, "
            f"{counted(self.vencidos, 'de lote vencido', 'de lotes vencidos')}, "
            f"{counted(self.reversed, 'revertida')} (salidas hasta {self.hasta}{since})."
            + (f" Retomó la corrida interrumpida de {self.retomada}." if self.retomada else "")
        )

    def pending(self) -> str:
        """The exits that value mode left pending, and the materials without a valued entry
        that held them ('' when none)."""
        if not self.sin_valor:
            return ""
        left = counted(self.sin_valor, "salida queda pendiente", "salidas quedan pendientes")
        return f"{left}: sin entradas con valor_usd de " + ", ".join(self.sin_valor_parts)
