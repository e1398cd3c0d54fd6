-- The allocations in force are found by index, not by aggregating the whole history (issue 14):
-- `reversed_by` is the committed run that reversed the row, NULL while it is in force. A run
-- sets it on the rows it reverses in its commit, an undo clears it on the rows its run had
-- reversed; `allocation_reversals` stays the append-only record of who reversed what, so any
-- past run can still be shown as it was. Rows of a run being written ('escribiendo') or undone
-- are left out by their run's status.

ALTER TABLE allocations ADD COLUMN reversed_by INTEGER REFERENCES discharge_runs (id);
UPDATE allocations SET reversed_by = (
    SELECT max(v.run_id) FROM allocation_reversals v
    JOIN discharge_runs r ON r.id = v.run_id AND r.status = 'committed'
    WHERE v.allocation_id = allocations.id)
WHERE id IN (SELECT v.allocation_id FROM allocation_reversals v
             JOIN discharge_runs r ON r.id = v.run_id AND r.status = 'committed');

-- By exit, by lot and by key (part number or fracción), the rows in force first; the full
-- prefixes also serve the foreign keys and the history.
DROP INDEX allocations_salida;
DROP INDEX allocations_entrada;
CREATE INDEX allocations_salida ON allocations (salida_id, reversed_by);
CREATE INDEX allocations_entrada ON allocations (entrada_id, reversed_by, cantidad_micro);
CREATE INDEX allocations_key_in_force ON allocations (numero_parte, salida_id)
    WHERE reversed_by IS NULL;
CREATE INDEX allocations_reversed_by ON allocations (reversed_by) WHERE reversed_by IS NOT NULL;

-- A correction finds the exits of a part number by index.
CREATE INDEX salidas_parte ON salidas (client_id, numero_parte, fecha);

DROP VIEW active_allocations;
CREATE VIEW active_allocations AS
SELECT a.* FROM allocations a
WHERE a.reversed_by IS NULL
  AND a.run_id IN (SELECT id FROM discharge_runs WHERE status = 'committed');
