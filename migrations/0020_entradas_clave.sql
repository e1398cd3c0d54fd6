-- Activo fijo lots (claves with effect entrada_activo) are found by index: each discharge run
-- looks for allocations in force that take one (core/anexo24/scope.py), and the saldos
-- reports show them apart.
CREATE INDEX entradas_clave ON entradas (client_id, clave);
