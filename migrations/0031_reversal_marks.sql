-- Reversals written in turns, and undone runs out of the index of rows in force (issue 14,
-- item 2). A run's reversals (allocation_reversals, written in turns before its commit) hide
-- their rows as soon as its commit flips its status, through `pending_marks`: set by the
-- commit, while its rows do not carry `reversed_by` yet, which it then writes in turns and
-- clears the flag (core/anexo24/ledger.py). An undo sets the flag again, clears `reversed_by`
-- in turns (the rows stay hidden), then flips its run's status, so they come back at once,
-- and marks its own rows reversed_by = their run: they leave the index of rows in force.

ALTER TABLE discharge_runs ADD COLUMN pending_marks INTEGER NOT NULL DEFAULT 0;

-- Rows of the runs undone so far leave the index of rows in force.
UPDATE allocations SET reversed_by = run_id
WHERE reversed_by IS NULL AND run_id IN (SELECT id FROM discharge_runs WHERE status = 'undone');

DROP VIEW active_allocations;
CREATE VIEW active_allocations AS
SELECT a.* FROM allocations a
WHERE a.reversed_by IS NULL
  AND a.run_id IN (SELECT id FROM discharge_runs WHERE status = 'committed')
  AND a.id NOT IN (SELECT v.allocation_id FROM discharge_runs r
                   JOIN allocation_reversals v ON v.run_id = r.id
                   WHERE r.status = 'committed' AND r.pending_marks);
