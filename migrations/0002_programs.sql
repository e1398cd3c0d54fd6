-- Foreign-trade programs per client: IMMEX, PROSEC, ALTEX, ECEX.

CREATE TABLE programs (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    type            TEXT NOT NULL CHECK (type IN ('IMMEX', 'PROSEC', 'ALTEX', 'ECEX')),
    number          TEXT NOT NULL,
    authorized_on   TEXT NOT NULL,   -- ISO date
    status          TEXT NOT NULL DEFAULT 'vigente'
                    CHECK (status IN ('vigente', 'suspendido', 'cancelado')),
    modalidad       TEXT CHECK (modalidad IS NULL OR modalidad IN
                    ('industrial', 'servicios', 'albergue', 'controladora', 'tercerizacion')),
    sectors         TEXT NOT NULL DEFAULT '',  -- PROSEC sectors, comma-separated roman numerals
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (type, number)
);
CREATE INDEX programs_client ON programs (client_id);
-- A client holds at most one live program of each type.
CREATE UNIQUE INDEX programs_one_live_per_type ON programs (client_id, type)
    WHERE status != 'cancelado';
