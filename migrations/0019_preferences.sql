-- Each user's view of each list (issue 16, item 2): its sort column and direction and its
-- search, kept across restarts; written only by core/preferences.py. Not audited: how a user
-- looks at a list is not a change to the data.

CREATE TABLE preferences (
    os_user     TEXT NOT NULL,
    name        TEXT NOT NULL,               -- "vista.<list>", e.g. vista.pedimentos
    value       TEXT NOT NULL,               -- JSON
    updated_at  TEXT NOT NULL,               -- UTC ISO-8601
    PRIMARY KEY (os_user, name)
);
