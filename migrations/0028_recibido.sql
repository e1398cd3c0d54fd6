-- When a pedimento first arrived (UTC, ISO-8601), for the 24-hour rule of Anexo 24, Apartado B
-- (anexo24-rgce-2024.txt, numeral 4: "en un plazo que no exceda las 24 horas"; módulo de
-- aduanas, entradas: "dentro de las 24 horas siguientes a que se genere dicha información"):
-- a captured one when it was captured, a Data Stage copy when the delivery that first brought it
-- was imported (a later delivery replacing the copy keeps it). NULL: arrived before this
-- migration, unknown. Interface rows need no column: each has its import's stamp
-- (interface_imports.imported_at), ajustes their created_at.
ALTER TABLE pedimentos ADD COLUMN recibido TEXT;
