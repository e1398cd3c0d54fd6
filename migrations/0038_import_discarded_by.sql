-- An unfinished import (estado 'cargando') whose process died is deleted by whoever takes it
-- over: the next import of its kind, the TUI's start or a CLI command on Anexo 24 data
-- (interfaces.discard_abandoned). discarded_by is the OS user of the process deleting it, NULL
-- while the import is being written, so that a colleague's import of the same kind meanwhile
-- is told the dead one is being deleted (and to import again in a moment), not that an
-- import is in progress (interfaces._claim).
ALTER TABLE interface_imports ADD COLUMN discarded_by TEXT;
