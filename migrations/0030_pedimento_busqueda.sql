-- The folded search text of each pedimento (core/pedimentos/store.py, index_search): its
-- partidas' fracción and número de parte, its facturas' número and proveedor, each once, one a
-- line, folded (core/text.fold) when it has a character outside printable ASCII and also
-- written without the separators between its digits (core/text.joined). An FTS5 trigram
-- index, so F4's search of a part, a proveedor or a short number is an index lookup (LIKE)
-- instead of a scan of every partida and factura. Written only by the pedimentos store; a
-- pedimento deleted (replaced) takes its text with it.
CREATE VIRTUAL TABLE pedimento_busqueda USING fts5(texto, tokenize = 'trigram', detail = 'none');

CREATE TRIGGER pedimento_busqueda_delete AFTER DELETE ON pedimentos BEGIN
    DELETE FROM pedimento_busqueda WHERE rowid = old.id;
END;

INSERT INTO pedimento_busqueda (rowid, texto)
SELECT p.id, (
    WITH folded (t) AS (
        SELECT CASE WHEN v GLOB '*[^ -~]*' OR v GLOB '*  *' THEN fold(v) ELSE v END FROM (
            SELECT fraccion AS v FROM partidas WHERE pedimento_id = p.id
            UNION SELECT numero_parte FROM partidas WHERE pedimento_id = p.id
            UNION SELECT numero FROM facturas WHERE pedimento_id = p.id
            UNION SELECT proveedor FROM facturas WHERE pedimento_id = p.id
        ) WHERE v <> ''
    )
    SELECT group_concat(t, char(10)) FROM (
        SELECT t FROM folded UNION SELECT joined(t) FROM folded WHERE t GLOB '*[0-9][./ -]*'
    )
) FROM pedimentos p;
