-- 0005_programmes: the programme registry and its evaluations
-- (atalaya.ProgrammeStore, Commitment item 3). Evaluations are
-- append-only: the triggers refuse UPDATE and DELETE.

CREATE TABLE programmes (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    objective   TEXT NOT NULL,
    owner       TEXT NOT NULL,
    areas       TEXT NOT NULL,          -- JSON array of area codes
    start_date  TEXT NOT NULL,          -- YYYY-MM-DD
    end_date    TEXT NOT NULL,          -- YYYY-MM-DD, '' while it runs
    indicators  TEXT NOT NULL,          -- JSON array of indicator ids
    created     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated     TEXT NOT NULL
) STRICT;

CREATE TABLE evaluations (
    id           INTEGER PRIMARY KEY,
    programme    TEXT NOT NULL REFERENCES programmes (id),
    method       TEXT NOT NULL,
    indicator    TEXT NOT NULL,
    spec         TEXT NOT NULL,          -- JSON
    result       TEXT NOT NULL,          -- JSON
    summary      TEXT NOT NULL,
    data_version INTEGER NOT NULL,
    created      TEXT NOT NULL,
    created_by   TEXT NOT NULL
) STRICT;
CREATE INDEX evaluations_programme ON evaluations (programme, id);

CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
BEGIN SELECT RAISE(ABORT, 'evaluations are append-only'); END;
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
BEGIN SELECT RAISE(ABORT, 'evaluations are append-only'); END;
