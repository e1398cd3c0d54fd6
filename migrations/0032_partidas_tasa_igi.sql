-- The IGI rate (ad valorem, percent) of a captured pedimento's partida (anexo24-rgce-2024.txt,
-- Apartado B, módulo de aduanas, inciso a), numeral 5: "Tasa del impuesto de importación
-- aplicable a la mercancía"). A Data Stage pedimento has it in its 556 rows (contribution 6);
-- a captured one had none, so its lots showed "sin tasa" in a cambio de régimen's
-- contribuciones and counted as the highest rate by value a nivel pedimento. '' = not given.
ALTER TABLE partidas ADD COLUMN tasa_igi TEXT NOT NULL DEFAULT '';
