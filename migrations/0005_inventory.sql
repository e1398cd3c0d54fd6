-- Anexo 24 inventory: catalogs from the client's ERP, entries (lots) and exits, and the
-- FIFO (PEPS) discharge ledger. Quantities are integers in millionths of a unit (exact).

CREATE TABLE interface_imports (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    kind         TEXT NOT NULL,          -- materiales, productos, bom, entradas, salidas
    filename     TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    rows         INTEGER NOT NULL,
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL
);

CREATE TABLE materiales (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    numero_parte TEXT NOT NULL,
    descripcion  TEXT NOT NULL,
    fraccion     TEXT NOT NULL,
    umc          TEXT NOT NULL,
    umt          TEXT NOT NULL,
    factor_umt   TEXT NOT NULL,          -- UMC -> UMT
    tipo         TEXT NOT NULL CHECK (tipo IN ('directo', 'indirecto')),
    import_id    INTEGER REFERENCES interface_imports (id),  -- ERP fields: replaced by imports
    baja_date    TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (client_id, numero_parte)
);

CREATE TABLE productos (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    numero_parte TEXT NOT NULL,
    descripcion  TEXT NOT NULL,
    fraccion     TEXT NOT NULL,
    umc          TEXT NOT NULL,
    umt          TEXT NOT NULL,
    import_id    INTEGER REFERENCES interface_imports (id),
    baja_date    TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (client_id, numero_parte)
);

CREATE TABLE bom (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    producto     TEXT NOT NULL,
    material     TEXT NOT NULL,
    cantidad     TEXT NOT NULL,          -- material per unit of product
    merma_pct    TEXT NOT NULL DEFAULT '0',
    factor_micro INTEGER NOT NULL,       -- cantidad x (1 + merma/100), in millionths
    import_id    INTEGER REFERENCES interface_imports (id),
    UNIQUE (client_id, producto, material)
);

CREATE TABLE entradas (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES clients (id),
    pedimento      TEXT NOT NULL,
    partida        INTEGER NOT NULL,
    clave          TEXT NOT NULL,
    fecha_entrada  TEXT NOT NULL,
    numero_parte   TEXT NOT NULL,
    cantidad_micro INTEGER NOT NULL CHECK (cantidad_micro > 0),
    umc            TEXT NOT NULL,
    valor_usd      TEXT NOT NULL DEFAULT '',
    fraccion       TEXT NOT NULL DEFAULT '',
    pais_origen    TEXT NOT NULL DEFAULT '',
    vence          TEXT,                 -- permanence alert date (rules.md §2.2)
    source         TEXT NOT NULL CHECK (source IN ('interfaz', 'pedimento', 'ajuste')),
    import_id      INTEGER REFERENCES interface_imports (id),
    ajuste         TEXT NOT NULL DEFAULT '',  -- 'AJ-<id>' for a sobrante or recovery lot
    UNIQUE (client_id, pedimento, partida, numero_parte, ajuste)
);
CREATE INDEX entradas_fifo ON entradas (client_id, numero_parte, fecha_entrada, pedimento,
                                        partida);

CREATE TABLE salidas (
    id             INTEGER PRIMARY KEY,  -- also the order the exits were imported
    client_id      INTEGER NOT NULL REFERENCES clients (id),
    documento      TEXT NOT NULL,
    clave          TEXT NOT NULL,
    fecha          TEXT NOT NULL,
    tipo_bien      TEXT NOT NULL CHECK (tipo_bien IN ('M', 'P', 'D')),
    numero_parte   TEXT NOT NULL,
    cantidad_micro INTEGER NOT NULL CHECK (cantidad_micro > 0),
    import_id      INTEGER REFERENCES interface_imports (id),
    UNIQUE (client_id, documento, numero_parte, tipo_bien)
);
CREATE INDEX salidas_fecha ON salidas (client_id, fecha, id);

-- The ledger: runs, their allocation rows (append-only) and reversals of earlier rows.
CREATE TABLE discharge_runs (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients (id),
    started_at   TEXT NOT NULL,
    os_user      TEXT NOT NULL,
    desde        TEXT,                   -- exits from this date were (re)discharged
    hasta        TEXT NOT NULL,
    params       TEXT NOT NULL,          -- JSON
    status       TEXT NOT NULL CHECK (status IN ('committed', 'undone')),
    demands      INTEGER NOT NULL DEFAULT 0,
    allocations  INTEGER NOT NULL DEFAULT 0,
    shortfalls   INTEGER NOT NULL DEFAULT 0,
    reversed     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE allocations (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES discharge_runs (id),
    salida_id      INTEGER NOT NULL REFERENCES salidas (id),
    numero_parte   TEXT NOT NULL,        -- the material discharged
    entrada_id     INTEGER REFERENCES entradas (id),  -- NULL: shortfall (faltante)
    cantidad_micro INTEGER NOT NULL CHECK (cantidad_micro > 0),
    vencido        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX allocations_run ON allocations (run_id);
CREATE INDEX allocations_salida ON allocations (salida_id);
CREATE INDEX allocations_entrada ON allocations (entrada_id);

CREATE TABLE allocation_reversals (
    allocation_id  INTEGER NOT NULL REFERENCES allocations (id),
    run_id         INTEGER NOT NULL REFERENCES discharge_runs (id),
    PRIMARY KEY (allocation_id, run_id)
);

-- Allocations in force: of a committed run, and not reversed by a later committed run.
CREATE VIEW active_allocations AS
SELECT a.* FROM allocations a
JOIN discharge_runs r ON r.id = a.run_id AND r.status = 'committed'
WHERE NOT EXISTS (
    SELECT 1 FROM allocation_reversals v
    JOIN discharge_runs rr ON rr.id = v.run_id AND rr.status = 'committed'
    WHERE v.allocation_id = a.id
);
