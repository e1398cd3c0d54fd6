-- Ajustes of the Anexo 24 inventory (Apartado B): faltantes and mermas reduce balances as
-- exits discharged by the same FIFO ledger; sobrantes and desensamble recoveries add lots.

CREATE TABLE ajustes (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES clients (id),
    fecha          TEXT NOT NULL,
    tipo           TEXT NOT NULL CHECK (tipo IN ('faltante', 'merma', 'sobrante', 'desensamble')),
    numero_parte   TEXT NOT NULL,
    cantidad_micro INTEGER NOT NULL CHECK (cantidad_micro > 0),
    pedimento      TEXT NOT NULL DEFAULT '',
    partida        INTEGER,
    motivo         TEXT NOT NULL,
    salida_id      INTEGER REFERENCES salidas (id),    -- faltante, merma
    entrada_id     INTEGER REFERENCES entradas (id),   -- sobrante, desensamble
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX ajustes_client ON ajustes (client_id, fecha);
