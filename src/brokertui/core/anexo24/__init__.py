"""The Anexo 24 inventory: ERP interfaces, ajustes, bajas, entries, the FIFO engine, the
discharge ledger and the reports.

Importing the package installs the seam from pedimentos to the entries (entries.py registers
itself with the pedimentos store), so whatever uses the inventory sees every stored pedimento.
"""

from brokertui.core.anexo24 import entries  # noqa: F401  (registers the seam)
