-- Each lot's balance kept as the ledger changes (issue 14, item 3): the saldos reports read
-- their first page from an index of the lots that still have a balance instead of summing
-- every allocation in force. One row per entrada, with the columns the reports sort by:
-- triggers add it when the entrada is stored (whatever stores it: an interface, a pedimento,
-- an ajuste or an opening balance), follow its sort columns and drop it with the entrada;
-- `used_micro` and `agotado` are written by the ledger alone (core/anexo24/ledger.py), in the
-- transaction that commits or undoes a run. `used_micro` is the sum of the allocations in force taken from the lot, in
-- the client's ledger mode (quantity, or USD value), millionths; `agotado` is 1 once that is
-- more than 0 and reaches the lot's amount (a lot nothing took from is never agotado: no
-- mode is needed to store it, and a switch of mode, only allowed with nothing in force,
-- leaves every flag right).

CREATE TABLE lot_balances (
    entrada_id    INTEGER PRIMARY KEY,   -- entradas (id)
    client_id     INTEGER NOT NULL,
    fecha_entrada TEXT NOT NULL,
    pedimento     TEXT NOT NULL,
    partida       INTEGER NOT NULL,
    used_micro    INTEGER NOT NULL DEFAULT 0,
    agotado       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX lot_balances_open ON lot_balances (client_id, fecha_entrada, pedimento, partida)
    WHERE agotado = 0;

CREATE TRIGGER lot_balances_add AFTER INSERT ON entradas BEGIN
    INSERT INTO lot_balances (entrada_id, client_id, fecha_entrada, pedimento, partida)
    VALUES (new.id, new.client_id, new.fecha_entrada, new.pedimento, new.partida);
END;
CREATE TRIGGER lot_balances_drop AFTER DELETE ON entradas BEGIN
    DELETE FROM lot_balances WHERE entrada_id = old.id;
END;
-- An opening balance may give a lot nothing was taken from its date (entries.add_opening).
CREATE TRIGGER lot_balances_move AFTER UPDATE OF client_id, fecha_entrada, pedimento, partida
ON entradas BEGIN
    UPDATE lot_balances SET client_id = new.client_id, fecha_entrada = new.fecha_entrada,
        pedimento = new.pedimento, partida = new.partida
    WHERE entrada_id = new.id;
END;

-- Existing databases: every lot, with what the allocations in force took from it.
INSERT INTO lot_balances
SELECT e.id, e.client_id, e.fecha_entrada, e.pedimento, e.partida, coalesce(u.used, 0),
       coalesce(u.used > 0 AND u.used >= coalesce(CASE c.descargo_modo WHEN 'valor'
                                                  THEN e.valor_micro ELSE e.cantidad_micro END,
                                                  0), 0)
FROM entradas e JOIN clients c ON c.id = e.client_id
LEFT JOIN (SELECT a.entrada_id, sum(a.cantidad_micro) AS used FROM allocations a
           WHERE a.reversed_by IS NULL AND a.entrada_id IS NOT NULL
             AND a.run_id IN (SELECT id FROM discharge_runs WHERE status = 'committed')
           GROUP BY a.entrada_id) u ON u.entrada_id = e.id;
