-- The Anexo 24 módulo de activo fijo (anexo24-rgce-2024.txt, Apartado A fracción II "Módulo de
-- Activo Fijo"; Apartado B, módulo de aduanas "Módulo de activo fijo"): the movements that follow
-- each fixed asset (an entradas lot whose clave has the effect entrada_activo) from its import to
-- its retorno, transferencia, cambio de régimen, donación or destrucción, which discharge it
-- (módulo de proceso de descargos, numeral 4), and its moves between the client's plants, which
-- keep its pedimento and discharge nothing.

CREATE TABLE activo_fijo_movimientos (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES clients (id),
    entrada_id     INTEGER NOT NULL REFERENCES entradas (id),
    fecha          TEXT NOT NULL,
    tipo           TEXT NOT NULL CHECK (tipo IN ('retorno', 'transferencia', 'cambio_regimen',
                                                 'donacion', 'destruccion', 'cambio_domicilio')),
    cantidad_micro INTEGER CHECK (cantidad_micro > 0),  -- what it discharges; NULL for a move
    documento      TEXT NOT NULL DEFAULT '',  -- the exit's pedimento, or the acta
    site_id        INTEGER REFERENCES sites (id),  -- cambio_domicilio: the plant it moves to
    motivo         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    CHECK ((tipo = 'cambio_domicilio') = (cantidad_micro IS NULL)),
    CHECK ((tipo = 'cambio_domicilio') = (site_id IS NOT NULL))
);
CREATE INDEX activo_fijo_movimientos_entrada ON activo_fijo_movimientos (entrada_id, fecha, id);
CREATE INDEX activo_fijo_movimientos_client ON activo_fijo_movimientos (client_id, fecha);
