-- The in-force test of an allocation (reversed_by, and its run committed) read from the index
-- alone, for the lookups by exit and by lot that runs, reports and the dashboard make (issue 14):
-- each lookup used to fetch every row it matched from the table to read its run.
DROP INDEX allocations_salida;
DROP INDEX allocations_entrada;
CREATE INDEX allocations_salida ON allocations (salida_id, reversed_by, run_id);
CREATE INDEX allocations_entrada ON allocations (entrada_id, reversed_by, run_id, cantidad_micro);
