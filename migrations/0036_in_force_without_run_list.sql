-- The rows in force are read by index with no lookup per row among the committed runs (issue 14,
-- item 2: after 20 corrections reads are as fast as after the first). The view listed every
-- committed run and SQLite sought each exit's (or lot's) allocations once per run in that list
-- (`allocations_salida (salida_id, reversed_by, run_id)`): F5's first page read 21 index
-- ranges per exit after 20 corrections, 2 after the first. It now leaves out the few runs whose
-- own rows are unmarked and not in force: one being written ('escribiendo') and an undone one
-- whose rows are still to be retired (pending_marks; core/anexo24/ledger.py, _tidy_client).
-- An undone run with no marks owed has every row reversed_by (migrations 0031, 0034), so the
-- rows kept are the same. Both lists, and the reversals that hide their rows while a committed
-- run's marks are owed, are read by the index below, whatever the number of runs.

CREATE INDEX discharge_runs_unsettled ON discharge_runs (status, pending_marks);

DROP VIEW active_allocations;
CREATE VIEW active_allocations AS
SELECT a.* FROM allocations a
WHERE a.reversed_by IS NULL
  -- pending_marks is 0, 1 or 2: `> 0` is a range of the index, `<> 0` would not be
  AND a.run_id NOT IN (SELECT id FROM discharge_runs WHERE status = 'escribiendo'
                       UNION ALL
                       SELECT id FROM discharge_runs WHERE status = 'undone' AND pending_marks > 0)
  AND a.id NOT IN (SELECT v.allocation_id FROM discharge_runs r
                   JOIN allocation_reversals v ON v.run_id = r.id
                   WHERE r.status = 'committed' AND r.pending_marks > 0);
