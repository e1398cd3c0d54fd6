"""The Anexo 24 inventory: ERP interfaces, ajustes, bajas, entries, the FIFO engine, the
discharge ledger and the reports.

Importing the package installs the seam from pedimentos to the entries (entries.py registers
itself with the pedimentos store), so whatever uses the inventory sees every stored pedimento,
and the one from a salidas import to the activo fijo module (activo_fijo.py registers the
descargo of fixed assets' exits with interfaces.COMPLETING).
"""

from brokertui.core.anexo24 import activo_fijo, entries  # noqa: F401  (register the seams)
