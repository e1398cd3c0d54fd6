-- The index of rows in force holds only them (issue 14, item 2). An undo whose marks were cut
-- short (it failed or died after flipping its run's status) left the undone run's own rows in
-- it: they are marked reversed_by = their run, as migration 0031 did. An undone run's
-- pending_marks now means its own rows are still to be marked (core/anexo24/ledger.py,
-- _tidy_client); any other value an earlier undo left on it is cleared. A committed run whose
-- undo left pending_marks = 2 has no holder: the next commit or undo marks its reversals again.

UPDATE allocations SET reversed_by = run_id
WHERE reversed_by IS NULL AND run_id IN (SELECT id FROM discharge_runs WHERE status = 'undone');

UPDATE discharge_runs SET pending_marks = 0 WHERE status = 'undone' AND pending_marks <> 0;
