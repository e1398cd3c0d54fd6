-- RAOCE worksheet per client and filing year (raoce-2026-guide.txt, "Datos de reporte anual"):
-- figures in miles de pesos; saldo and porcentaje are computed, never stored.

CREATE TABLE raoce_worksheets (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    filing_year     INTEGER NOT NULL,          -- the report covers filing_year - 1
    ventas_totales  TEXT NOT NULL,             -- (a) miles de pesos
    exportaciones   TEXT NOT NULL,             -- (b)
    importaciones   TEXT,                      -- (c) NULL when VUCEM disables it
    tipo_cambio     TEXT,                      -- the fiscal year's average MXN per USD
    updated_at      TEXT NOT NULL,
    UNIQUE (client_id, filing_year)
);

-- PROSEC: relación de bienes producidos (sector, fracción, unidad, volumen).
CREATE TABLE raoce_bienes (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    filing_year     INTEGER NOT NULL,
    sector          TEXT NOT NULL,
    fraccion        TEXT NOT NULL,
    descripcion     TEXT NOT NULL,
    unidad          TEXT NOT NULL,
    volumen         TEXT NOT NULL
);
CREATE INDEX raoce_bienes_client ON raoce_bienes (client_id, filing_year);
