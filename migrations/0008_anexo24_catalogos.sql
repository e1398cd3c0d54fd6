-- The other Anexo 24 catalogs (Apartado A, módulo de catálogos): proveedores, clientes,
-- submanufactura, agentes / apoderados aduanales and activo fijo. Fields come from the ERP;
-- a new import replaces them. Records are never deleted: a baja keeps them with its date.

CREATE TABLE catalogo_anexo24 (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    catalogo     TEXT NOT NULL,          -- proveedores, clientes, submanufactura, agentes, activo_fijo
    clave        TEXT NOT NULL,
    nombre       TEXT NOT NULL,
    datos        TEXT NOT NULL,          -- JSON of the other columns
    import_id    INTEGER REFERENCES interface_imports (id),
    baja_date    TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (client_id, catalogo, clave)
);
