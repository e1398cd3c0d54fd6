-- Client registry (contribuyentes), their plantas and bodegas, and the audit trail.
-- Records are never hard-deleted: a baja sets baja_date (rules.md §5).

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,             -- UTC ISO-8601
    os_user     TEXT NOT NULL,
    action      TEXT NOT NULL,             -- e.g. client.add
    entity      TEXT NOT NULL,             -- e.g. client
    entity_key  TEXT NOT NULL,             -- e.g. the RFC
    detail      TEXT NOT NULL DEFAULT '{}' -- JSON
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);

CREATE TABLE clients (
    id                  INTEGER PRIMARY KEY,
    rfc                 TEXT NOT NULL UNIQUE,
    razon_social        TEXT NOT NULL,
    calle               TEXT NOT NULL DEFAULT '',
    numero_exterior     TEXT NOT NULL DEFAULT '',
    numero_interior     TEXT NOT NULL DEFAULT '',
    colonia             TEXT NOT NULL DEFAULT '',
    municipio           TEXT NOT NULL DEFAULT '',
    codigo_postal       TEXT NOT NULL DEFAULT '',
    entidad_federativa  TEXT NOT NULL DEFAULT '',  -- SAT c_Estado code, e.g. CHH
    rfc_check_warning   INTEGER NOT NULL DEFAULT 0, -- check digit mismatch accepted by a user
    baja_date           TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX clients_razon_social ON clients (razon_social COLLATE NOCASE);

CREATE TABLE sites (
    id                  INTEGER PRIMARY KEY,
    client_id           INTEGER NOT NULL REFERENCES clients (id),
    kind                TEXT NOT NULL CHECK (kind IN ('planta', 'bodega')),
    nombre              TEXT NOT NULL,
    calle               TEXT NOT NULL DEFAULT '',
    numero              TEXT NOT NULL DEFAULT '',
    colonia             TEXT NOT NULL DEFAULT '',
    codigo_postal       TEXT NOT NULL DEFAULT '',
    entidad_federativa  TEXT NOT NULL DEFAULT '',
    baja_date           TEXT
);
CREATE INDEX sites_client ON sites (client_id);
