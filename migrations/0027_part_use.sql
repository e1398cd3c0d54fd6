-- What the ledger discharged of each part number (or, by value, fracción) per month, kept as
-- it changes (issue 14, item 3): the materiales utilizados report sums a few rows per part
-- for the whole months of its period instead of every allocation in force. Per client, key
-- (allocations.numero_parte) and month of the exit (YYYY-MM): `descargado` and `faltante`,
-- the allocations in force from lots and short, millionths, and `salidas`, the exits with
-- allocations of that key. Written by the ledger alone (core/anexo24/ledger.py, _balance), in
-- the transaction that commits or undoes a run.

CREATE TABLE part_use (
    client_id    INTEGER NOT NULL,
    mes          TEXT NOT NULL,
    numero_parte TEXT NOT NULL,
    descargado   INTEGER NOT NULL,
    faltante     INTEGER NOT NULL,
    salidas      INTEGER NOT NULL,
    PRIMARY KEY (client_id, mes, numero_parte)
) WITHOUT ROWID;

-- Existing databases: from the allocations in force.
INSERT INTO part_use (client_id, mes, numero_parte, descargado, faltante, salidas)
SELECT s.client_id, substr(s.fecha, 1, 7), a.numero_parte,
       sum(CASE WHEN a.entrada_id IS NULL THEN 0 ELSE a.cantidad_micro END),
       sum(CASE WHEN a.entrada_id IS NULL THEN a.cantidad_micro ELSE 0 END),
       count(DISTINCT a.salida_id)
FROM allocations a JOIN salidas s ON s.id = a.salida_id
WHERE a.reversed_by IS NULL
  AND a.run_id IN (SELECT id FROM discharge_runs WHERE status = 'committed')
GROUP BY s.client_id, substr(s.fecha, 1, 7), a.numero_parte;
