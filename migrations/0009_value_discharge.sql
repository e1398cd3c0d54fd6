-- Discharge by value (Anexo 24, Apartado A, módulo de salidas, last paragraphs; Apartado B,
-- módulo de procesos, numeral 5): a certified company may discharge the USD value per fracción
-- instead of the quantity per part number. A client's ledger is in one mode or the other.

ALTER TABLE clients ADD COLUMN descargo_modo TEXT NOT NULL DEFAULT 'cantidad'
    CHECK (descargo_modo IN ('cantidad', 'valor'));

-- The entry's USD value in millionths, exact, read from its decimal text (the lot's amount in
-- value mode). NULL when the entry carries no value.
ALTER TABLE entradas ADD COLUMN valor_micro INTEGER GENERATED ALWAYS AS (
    CASE WHEN valor_usd = '' THEN NULL ELSE
        CAST(substr(replace(valor_usd, ',', ''), 1,
                    instr(replace(valor_usd, ',', '') || '.', '.') - 1) AS INTEGER) * 1000000
        + CAST(substr(substr(replace(valor_usd, ',', ''),
                             instr(replace(valor_usd, ',', '') || '.', '.') + 1) || '000000',
                      1, 6) AS INTEGER)
    END
) VIRTUAL;
