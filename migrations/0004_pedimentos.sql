-- Pedimentos, captured by hand or imported from ANAM's Data Stage (formats.md §1, §2).
-- The same pedimento may exist once per source; reconciliation compares the two.
-- Amounts and quantities are stored as decimal text, exactly as validated (never floats).

CREATE TABLE pedimentos (
    id              INTEGER PRIMARY KEY,
    numero          TEXT NOT NULL CHECK (length(numero) = 15),
    source          TEXT NOT NULL CHECK (source IN ('captura', 'datastage')),
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    clave           TEXT NOT NULL,
    tipo_operacion  TEXT NOT NULL CHECK (tipo_operacion IN ('1', '2')),
    regimen         TEXT NOT NULL DEFAULT '',
    aduana_entrada  TEXT NOT NULL DEFAULT '',   -- aduana + sección, 3 digits
    fecha_entrada   TEXT,
    fecha_pago      TEXT NOT NULL,
    tipo_cambio     TEXT NOT NULL DEFAULT '',
    tipo_pedimento  TEXT NOT NULL DEFAULT '1' CHECK (tipo_pedimento IN ('1', '2')),
    rectifica       TEXT,                        -- numero of the pedimento this one rectifies
    original        TEXT,                        -- first pedimento of the rectification chain
    import_id       INTEGER REFERENCES datastage_imports (id),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (numero, source)
);
CREATE INDEX pedimentos_client ON pedimentos (client_id, fecha_pago);
CREATE INDEX pedimentos_rectifica ON pedimentos (rectifica);

CREATE TABLE facturas (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    numero          TEXT NOT NULL,
    fecha           TEXT,
    incoterm        TEXT NOT NULL DEFAULT '',
    moneda          TEXT NOT NULL DEFAULT '',
    valor_moneda    TEXT NOT NULL DEFAULT '',
    valor_usd       TEXT NOT NULL,
    proveedor       TEXT NOT NULL DEFAULT '',
    id_fiscal       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX facturas_pedimento ON facturas (pedimento_id);

CREATE TABLE identificadores (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    secuencia       INTEGER,                     -- NULL: pedimento level (G); else partida (P)
    clave           TEXT NOT NULL,
    complemento1    TEXT NOT NULL DEFAULT '',
    complemento2    TEXT NOT NULL DEFAULT '',
    complemento3    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX identificadores_pedimento ON identificadores (pedimento_id);

CREATE TABLE partidas (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    secuencia       INTEGER NOT NULL,
    fraccion        TEXT NOT NULL CHECK (length(fraccion) = 8),
    nico            TEXT NOT NULL DEFAULT '',
    descripcion     TEXT NOT NULL,
    numero_parte    TEXT NOT NULL DEFAULT '',
    precio_unitario TEXT NOT NULL DEFAULT '',
    valor_aduana    TEXT NOT NULL DEFAULT '',
    valor_comercial TEXT NOT NULL DEFAULT '',
    valor_usd       TEXT NOT NULL,
    cantidad_umc    TEXT NOT NULL,
    umc             TEXT NOT NULL,
    cantidad_umt    TEXT NOT NULL,
    umt             TEXT NOT NULL,
    pais            TEXT NOT NULL DEFAULT '',    -- origen (import) o destino (export)
    tasa            TEXT NOT NULL DEFAULT 'TG',
    tratado         TEXT NOT NULL DEFAULT '',
    categoria       TEXT,                        -- temporary imports: insumo/contenedor/activo_fijo
    vence_alerta    TEXT,                        -- permanence expiry (rules.md §2.2)
    vence_legal     TEXT,
    UNIQUE (pedimento_id, secuencia)
);
CREATE INDEX partidas_vence ON partidas (vence_alerta);

CREATE TABLE contribuciones (
    id              INTEGER PRIMARY KEY,
    pedimento_id    INTEGER NOT NULL REFERENCES pedimentos (id) ON DELETE CASCADE,
    secuencia       INTEGER NOT NULL,
    clave           TEXT NOT NULL,
    forma_pago      TEXT NOT NULL DEFAULT '',
    importe         TEXT NOT NULL
);
CREATE INDEX contribuciones_pedimento ON contribuciones (pedimento_id);

-- Every Data Stage zip delivered is kept unchanged (ANAM reprocesses take ~30 business days).
CREATE TABLE datastage_imports (
    id              INTEGER PRIMARY KEY,
    sha256          TEXT NOT NULL UNIQUE,
    filename        TEXT NOT NULL,
    folio           TEXT NOT NULL DEFAULT '',
    size            INTEGER NOT NULL,
    content         BLOB NOT NULL,
    encoding        TEXT NOT NULL DEFAULT '',
    pedimentos      INTEGER NOT NULL DEFAULT 0,
    partidas        INTEGER NOT NULL DEFAULT 0,
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL
);

-- Drafts of the capture form, saved as the user types (one per user and form key).
CREATE TABLE pedimento_drafts (
    id              INTEGER PRIMARY KEY,
    os_user         TEXT NOT NULL,
    client_id       INTEGER REFERENCES clients (id),
    numero          TEXT NOT NULL DEFAULT '',
    data            TEXT NOT NULL,               -- JSON of the form's values
    updated_at      TEXT NOT NULL
);

-- Per-client switches of the pedimento rules (core/data/pedimento_rules.toml).
CREATE TABLE client_rules (
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    rule            TEXT NOT NULL,
    enabled         INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (client_id, rule)
);
