-- The balance of each part number and fracción kept as the ledger changes (issue 14, item 3):
-- the saldos por fracción report reads a few thousand rows instead of every open lot. Per
-- client, part number and the entry's fracción: `lotes`, the lots with a balance in the
-- client's ledger mode (amount > used), and `saldo_micro`, the sum of those balances
-- (quantity, or USD value), millionths. Triggers keep it as entradas are stored, changed
-- or dropped (reading the lot's kept balance, lot_balances); the ledger moves it with each
-- lot's balance (core/anexo24/ledger.py, _balance) and rebuilds a client's when its mode
-- changes. Activo fijo lots are counted in like any other (their claves are the catalog's,
-- which SQL here cannot read): the report takes them out (core/anexo24/reports.py).

CREATE TABLE part_balances (
    client_id    INTEGER NOT NULL,
    numero_parte TEXT NOT NULL,
    fraccion     TEXT NOT NULL,
    lotes        INTEGER NOT NULL,
    saldo_micro  INTEGER NOT NULL,
    PRIMARY KEY (client_id, numero_parte, fraccion)
) WITHOUT ROWID;

CREATE TRIGGER part_balances_add AFTER INSERT ON entradas BEGIN
    INSERT INTO part_balances (client_id, numero_parte, fraccion, lotes, saldo_micro)
    SELECT new.client_id, new.numero_parte, new.fraccion, 1, amount
    FROM (SELECT CASE descargo_modo WHEN 'valor' THEN new.valor_micro
                 ELSE new.cantidad_micro END AS amount FROM clients WHERE id = new.client_id)
    WHERE amount > 0
    ON CONFLICT (client_id, numero_parte, fraccion) DO UPDATE
    SET lotes = lotes + 1, saldo_micro = saldo_micro + excluded.saldo_micro;
END;

-- Before the lot's row of lot_balances goes (its trigger runs after this one's), what it
-- still had leaves its part's balance.
CREATE TRIGGER part_balances_drop BEFORE DELETE ON entradas BEGIN
    UPDATE part_balances SET lotes = lotes - 1, saldo_micro = saldo_micro - x.left_micro
    FROM (SELECT CASE c.descargo_modo WHEN 'valor' THEN old.valor_micro
                 ELSE old.cantidad_micro END - b.used_micro AS left_micro
          FROM clients c, lot_balances b WHERE c.id = old.client_id AND b.entrada_id = old.id) x
    WHERE x.left_micro > 0 AND client_id = old.client_id AND numero_parte = old.numero_parte
      AND fraccion = old.fraccion;
END;

-- An opening balance may give a lot nothing was taken from a new amount (entries.add_opening).
CREATE TRIGGER part_balances_change AFTER UPDATE OF client_id, numero_parte, fraccion,
    cantidad_micro, valor_usd ON entradas BEGIN
    UPDATE part_balances SET lotes = lotes - 1, saldo_micro = saldo_micro - x.left_micro
    FROM (SELECT CASE c.descargo_modo WHEN 'valor' THEN old.valor_micro
                 ELSE old.cantidad_micro END - b.used_micro AS left_micro
          FROM clients c, lot_balances b WHERE c.id = old.client_id AND b.entrada_id = old.id) x
    WHERE x.left_micro > 0 AND client_id = old.client_id AND numero_parte = old.numero_parte
      AND fraccion = old.fraccion;
    INSERT INTO part_balances (client_id, numero_parte, fraccion, lotes, saldo_micro)
    SELECT new.client_id, new.numero_parte, new.fraccion, 1, left_micro
    FROM (SELECT CASE c.descargo_modo WHEN 'valor' THEN new.valor_micro
                 ELSE new.cantidad_micro END - b.used_micro AS left_micro
          FROM clients c, lot_balances b WHERE c.id = new.client_id AND b.entrada_id = new.id)
    WHERE left_micro > 0
    ON CONFLICT (client_id, numero_parte, fraccion) DO UPDATE
    SET lotes = lotes + 1, saldo_micro = saldo_micro + excluded.saldo_micro;
END;

-- Existing databases: every lot with a balance, from lot_balances.
INSERT INTO part_balances (client_id, numero_parte, fraccion, lotes, saldo_micro)
SELECT client_id, numero_parte, fraccion, count(*), sum(left_micro)
FROM (SELECT e.client_id, e.numero_parte, e.fraccion,
             CASE c.descargo_modo WHEN 'valor' THEN e.valor_micro ELSE e.cantidad_micro END
             - b.used_micro AS left_micro
      FROM entradas e JOIN clients c ON c.id = e.client_id
      JOIN lot_balances b ON b.entrada_id = e.id)
WHERE left_micro > 0
GROUP BY client_id, numero_parte, fraccion;
