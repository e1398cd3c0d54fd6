-- Record versions (no lost updates): each record a user edits carries the version it is at;
-- its owning module adds 1 on every update and refuses a save made from an older version.
-- The audit row of an update names the version it produced, so the changes since the version
-- a user read are the audit rows of that record with a higher one.

ALTER TABLE clients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE programs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pedimentos ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE raoce_worksheets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE audit_log ADD COLUMN version INTEGER;  -- the version an update produced (else NULL)
