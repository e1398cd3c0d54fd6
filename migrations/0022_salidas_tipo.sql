-- Every kind of salida (issue 15, item 2; anexo24-rgce-2024.txt, Apartado A, módulo de
-- información aduanera de salidas: retornos, transferencias, donaciones, destrucciones, cambios
-- de régimen, desperdicio, the monthly consumption of repair processes) and each kind's own
-- data, from the salidas interface's optional columns (core/anexo24/exit_kinds.py).
ALTER TABLE salidas ADD COLUMN tipo_salida TEXT NOT NULL DEFAULT 'retorno';
ALTER TABLE salidas ADD COLUMN rfc_receptor TEXT NOT NULL DEFAULT '';       -- transferencia, donación
ALTER TABLE salidas ADD COLUMN pedimento_receptor TEXT NOT NULL DEFAULT ''; -- transferencia
ALTER TABLE salidas ADD COLUMN folio_cfdi TEXT NOT NULL DEFAULT '';         -- constancia (autopartes)
ALTER TABLE salidas ADD COLUMN fecha_cfdi TEXT NOT NULL DEFAULT '';
ALTER TABLE salidas ADD COLUMN numero_acta TEXT NOT NULL DEFAULT '';        -- destrucción
ALTER TABLE salidas ADD COLUMN fecha_acta TEXT NOT NULL DEFAULT '';
ALTER TABLE salidas ADD COLUMN periodo TEXT NOT NULL DEFAULT '';            -- consumo de reparación

-- The exits stored before: their kind from their clave, as the claves catalog gives it at this
-- version (its `salida`), and the ajustes' exits.
UPDATE salidas SET tipo_salida = CASE
    WHEN clave = 'AJUSTE' THEN 'ajuste'
    WHEN clave IN ('V1', 'V2', 'V5', 'V6') THEN 'transferencia'
    WHEN clave = 'V9' THEN 'donación'
    WHEN clave IN ('F4', 'F5', 'A3') THEN 'cambio de régimen'
    ELSE 'retorno' END;
