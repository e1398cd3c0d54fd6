-- Compliance deadlines: extra non-working days kept as data (rules.md §4.4) and RAOCE filings.

CREATE TABLE inhabiles (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,                  -- ISO date
    authority   TEXT NOT NULL DEFAULT 'ALL'
                CHECK (authority IN ('ALL', 'SE', 'SAT', 'ANAM')),
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (day, authority)
);

CREATE TABLE raoce_filings (
    id           INTEGER PRIMARY KEY,
    program_id   INTEGER NOT NULL REFERENCES programs (id),
    filing_year  INTEGER NOT NULL,                -- Y: the report covers Y-1
    folio        TEXT NOT NULL CHECK (length(folio) = 25),
    filed_on     TEXT NOT NULL,                   -- ISO date of the VUCEM acuse
    created_at   TEXT NOT NULL,
    UNIQUE (program_id, filing_year)
);
