"""The Anexo 24 inventory: ERP interfaces, ajustes, bajas, entries, the FIFO engine, the
discharge ledger and the reports."""
