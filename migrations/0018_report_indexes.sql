-- Screens and reports page on indexes (issue 14, item 3).
--
-- The entradas report and the balances list lots by date of entry, then pedimento and partida;
-- without this index every page sorted all the client's lots of the period first (169 ms a
-- page on the 0.1 benchmark database's 50,000 lots, 0.2 ms with it).
CREATE INDEX entradas_fecha ON entradas (client_id, fecha_entrada, pedimento, partida);

-- F4 lists a client's pedimentos newest first by payment date, then number: with the number in
-- the index its first page no longer sorts every pedimento of the client (55 ms on 10,000,
-- 0.6 ms). It replaces pedimentos_client (client_id, fecha_pago), its prefix.
CREATE INDEX pedimentos_pago ON pedimentos (client_id, fecha_pago, numero);
DROP INDEX pedimentos_client;
