-- Discharge by value a nivel pedimento, the third ledger mode (anexo24-rgce-2024.txt, Apartado
-- B, módulo de procesos, proceso de descargos, numeral 5: "a nivel fracción arancelaria o a
-- nivel pedimento"; the paragraph after it: "el saldo en pedimentos de importación se
-- interpretará que corresponde a las mercancías con tasa arancelaria mayor, contenida en el
-- pedimento"). A client by value ('valor') discharges per fracción or per pedimento.
ALTER TABLE clients ADD COLUMN descargo_nivel TEXT NOT NULL DEFAULT 'fraccion'
    CHECK (descargo_nivel IN ('fraccion', 'pedimento'));

-- The import duty (IGI) ad valorem rate of an entry, percent as plain decimal text (Apartado B,
-- módulo de aduanas, entradas, numeral 5: "Tasa del impuesto de importación aplicable a la
-- mercancía"), as the entradas interface's optional column gives it (NULL or empty: not
-- given). The partida's Data Stage 556 row, when there is one, comes first
-- (contributions.TASA_IGI).
ALTER TABLE entradas ADD COLUMN tasa_igi TEXT;
