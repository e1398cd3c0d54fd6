-- Broker deliveries and the oficio de matriz de seguridad (issue 13, item 2).
--
-- A Data Stage zip (datastage_imports, kept unchanged) may hold the pedimentos of many RFCs:
-- a broker asks for them by patente. Each RFC of its 501 has a route: 'importado' (stored to
-- its client), 'pendiente' (a client's, left out by --rfc: a later import takes it from the
-- stored zip) or 'apartado' (no client has that RFC yet: registering it imports them).
-- Idempotency is per pedimento and version (datastage_versions), not per zip.

ALTER TABLE datastage_imports ADD COLUMN solicitante TEXT NOT NULL DEFAULT '';  -- Resumen RFC o patente
ALTER TABLE datastage_imports ADD COLUMN periodo_desde TEXT;  -- months the delivery covers
ALTER TABLE datastage_imports ADD COLUMN periodo_hasta TEXT;

CREATE TABLE datastage_routes (
    import_id       INTEGER NOT NULL REFERENCES datastage_imports (id),
    rfc             TEXT NOT NULL,
    razon_social    TEXT NOT NULL DEFAULT '',    -- NombreContribuyente, as the file writes it
    pedimentos      INTEGER NOT NULL,
    client_id       INTEGER REFERENCES clients (id),
    estado          TEXT NOT NULL CHECK (estado IN ('importado', 'pendiente', 'apartado')),
    nuevos          INTEGER NOT NULL DEFAULT 0,  -- of the last import that stored them
    actualizados    INTEGER NOT NULL DEFAULT 0,
    sin_cambio      INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (import_id, rfc)
);
CREATE INDEX datastage_routes_rfc ON datastage_routes (rfc, estado);
CREATE INDEX datastage_routes_client ON datastage_routes (client_id);

-- The version of each Data Stage pedimento stored: a digest of its rows in every member read.
CREATE TABLE datastage_versions (
    numero          TEXT PRIMARY KEY,
    digest          TEXT NOT NULL,
    import_id       INTEGER NOT NULL REFERENCES datastage_imports (id)
);

-- Oficios de matriz de seguridad, as the user records them (anam-pedimento-data-request.txt
-- §2: without a vigente one no delivery comes); a renewal is a new row.
CREATE TABLE matriz_oficios (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    numero          TEXT NOT NULL,
    fecha           TEXT NOT NULL,
    vence           TEXT NOT NULL CHECK (vence > fecha),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    UNIQUE (client_id, numero)
);
CREATE INDEX matriz_oficios_client ON matriz_oficios (client_id, vence);
