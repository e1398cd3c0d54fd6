-- Who is here (issue 12): one row per open TUI, written only by core/sessions.py. A process
-- registers it, keeps it alive with a heartbeat and deletes it on exit; a row whose heartbeat
-- is older than a minute belongs to a process that died and is ignored, then deleted. Not
-- audited: where a user is looking is not a change to the data.

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,          -- random, chosen by the process
    os_user       TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    host          TEXT NOT NULL,
    started_at    TEXT NOT NULL,             -- UTC ISO-8601
    heartbeat_at  TEXT NOT NULL,             -- UTC ISO-8601
    screen        TEXT NOT NULL DEFAULT '',  -- what colleagues read: "Clientes", "Pedimento …"
    rfc           TEXT,                      -- the client open, if any
    record        TEXT                       -- the record open, "entity:key" as in audit_log
);
