-- Long jobs never hold the write lock for long (issue 12, item 4).
--
-- A discharge run is computed outside any write transaction and written in short ones while
-- its status is 'escribiendo', which every reader ignores (active_allocations counts committed
-- runs only); a last short transaction commits it. While it is being written, the run's row is
-- also the client's claim on the discharge: `holder` (host:pid:token of the process writing
-- it) and `heartbeat` (UTC, renewed as it writes) tell a live run from one whose process died,
-- which the next run takes over and cleans (core/leases.py).
--
-- An interface import of entradas or salidas is checked whole outside any write transaction,
-- then written in short ones while its estado is 'cargando': readers leave out the rows of
-- such an import (interfaces.loaded) until a last short transaction makes it 'hecho'.

PRAGMA defer_foreign_keys = ON;  -- allocations keep pointing at the runs while the table is rebuilt

CREATE INDEX allocation_reversals_run ON allocation_reversals (run_id);

DROP VIEW active_allocations;
CREATE TEMP TABLE runs_0013 AS SELECT * FROM discharge_runs;
DROP TABLE discharge_runs;
CREATE TABLE discharge_runs (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    started_at   TEXT NOT NULL,
    os_user      TEXT NOT NULL,
    desde        TEXT,                   -- exits from this date were (re)discharged
    hasta        TEXT NOT NULL,
    params       TEXT NOT NULL,          -- JSON
    status       TEXT NOT NULL CHECK (status IN ('escribiendo', 'committed', 'undone')),
    demands      INTEGER NOT NULL DEFAULT 0,
    allocations  INTEGER NOT NULL DEFAULT 0,
    shortfalls   INTEGER NOT NULL DEFAULT 0,
    reversed     INTEGER NOT NULL DEFAULT 0,
    holder       TEXT,                   -- while 'escribiendo': the process writing it
    heartbeat    TEXT                    -- while 'escribiendo': when it last wrote
);
INSERT INTO discharge_runs (id, client_id, started_at, os_user, desde, hasta, params, status,
                            demands, allocations, shortfalls, reversed)
SELECT id, client_id, started_at, os_user, desde, hasta, params, status, demands, allocations,
       shortfalls, reversed FROM temp.runs_0013;
DROP TABLE temp.runs_0013;
CREATE INDEX discharge_runs_client ON discharge_runs (client_id, status);

-- Allocations in force: of a committed run, and not reversed by a later committed run.
CREATE VIEW active_allocations AS
SELECT a.* FROM allocations a
JOIN discharge_runs r ON r.id = a.run_id AND r.status = 'committed'
WHERE NOT EXISTS (
    SELECT 1 FROM allocation_reversals v
    JOIN discharge_runs rr ON rr.id = v.run_id AND rr.status = 'committed'
    WHERE v.allocation_id = a.id
);

ALTER TABLE interface_imports ADD COLUMN estado TEXT NOT NULL DEFAULT 'hecho'
    CHECK (estado IN ('cargando', 'hecho'));
ALTER TABLE interface_imports ADD COLUMN holder TEXT;     -- while 'cargando', as above
ALTER TABLE interface_imports ADD COLUMN heartbeat TEXT;
