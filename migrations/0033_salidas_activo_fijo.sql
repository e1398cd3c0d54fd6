-- A salidas row of a fixed asset's goods (issue 15 review, gap 3): a retorno (RT, H1…),
-- transferencia, donación, destrucción or cambio de régimen of activo fijo cannot be told from
-- an insumo's by its clave, so the salidas interface's optional column `activo_fijo` (sí/no)
-- marks it. Such an exit never enters the materials' PEPS; it discharges the part's fixed
-- assets (anexo24-rgce-2024.txt, Apartado B, módulo de proceso de descargos, numeral 4: "al
-- momento de su retorno, transferencia, cambio de régimen o donación"), oldest first, through
-- movements of the activo fijo module tied to it (activo_fijo_movimientos.salida_id).
ALTER TABLE salidas ADD COLUMN activo_fijo INTEGER NOT NULL DEFAULT 0
    CHECK (activo_fijo IN (0, 1));
ALTER TABLE activo_fijo_movimientos ADD COLUMN salida_id INTEGER REFERENCES salidas (id);
CREATE INDEX activo_fijo_movimientos_salida ON activo_fijo_movimientos (salida_id)
    WHERE salida_id IS NOT NULL;
