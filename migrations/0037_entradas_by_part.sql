-- The lots of a part number are found by (client_id, numero_parte) alone; their readers order
-- them by date, pedimento and partida themselves (a part has few lots: the discharge's
-- reader sorts each part's, conciliación's latest lot reads the index named). The index
-- entradas_fifo held those three columns too: an entradas file comes in date order, which every
-- other index of the table takes at its end, but this one took each lot at a random place of a
-- wider key, and was half of the copy of an import (issue 14, item 4: 500,000 entradas).
DROP INDEX entradas_fifo;
CREATE INDEX entradas_parte ON entradas (client_id, numero_parte);
