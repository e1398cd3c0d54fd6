-- Issue 15, items 3 and 5.
--
-- Opening balances (saldos iniciales): a company that moves to brokertui brings the balance of
-- each lot (pedimento, partida, part number) from its former system. Such a lot is an entry like
-- any other (it discharges by PEPS in date order), whose quantity and value are the balance
-- carried over, marked so that every report can name it. An opening balance given for a lot that
-- already exists and has no allocations in force replaces its quantity and value, and the next
-- run redoes its part number from its date (found by the import that set it).
ALTER TABLE entradas ADD COLUMN saldo_inicial INTEGER NOT NULL DEFAULT 0
    CHECK (saldo_inicial IN (0, 1));
CREATE INDEX entradas_saldo_inicial ON entradas (client_id, import_id) WHERE saldo_inicial = 1;

-- The corporate system's inventory per material and period (Anexo 24, Apartado B, módulo de
-- procesos, "Módulo de proceso de movimientos y ajustes de manufactura", numeral 1: "las
-- cantidades del inventario inicial y final para un periodo específico de cada material"), in
-- the material's UMC, millionths. Numeral 3's conciliation reads it against the customs data.
CREATE TABLE inventarios (
    id              INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    numero_parte    TEXT NOT NULL,
    periodo_inicio  TEXT NOT NULL,
    periodo_fin     TEXT NOT NULL CHECK (periodo_fin >= periodo_inicio),
    inicial_micro   INTEGER NOT NULL CHECK (inicial_micro >= 0),
    final_micro     INTEGER NOT NULL CHECK (final_micro >= 0),
    import_id       INTEGER REFERENCES interface_imports (id),
    UNIQUE (client_id, periodo_inicio, periodo_fin, numero_parte)
);
