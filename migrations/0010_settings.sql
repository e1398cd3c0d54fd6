-- Office-wide settings (one row per key, text values), written only by core/settings.py:
-- the daily backup (respaldo_diario, respaldos_a_conservar) and the demo marker (demo).

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,             -- UTC ISO-8601
    updated_by  TEXT NOT NULL              -- OS user
);
