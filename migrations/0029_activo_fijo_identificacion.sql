-- What identifies the goods of a fixed asset's movement (anexo24-rgce-2024.txt, Apartado A,
-- fracción II, "Módulo de Activo Fijo", numeral 1: "una descripción de la mercancía que incluya
-- la marca y modelo, en el caso de maquinaria y equipo"; Apartado A fracción I, catálogo de
-- activo fijo: "Marca, modelo o número de serie"). Optional: refacciones, herramientas,
-- instrumentos y moldes need none; movements recorded before have none.
ALTER TABLE activo_fijo_movimientos ADD COLUMN serie TEXT NOT NULL DEFAULT '';
ALTER TABLE activo_fijo_movimientos ADD COLUMN marca TEXT NOT NULL DEFAULT '';
ALTER TABLE activo_fijo_movimientos ADD COLUMN modelo TEXT NOT NULL DEFAULT '';
