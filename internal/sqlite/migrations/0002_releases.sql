-- 0002_releases: the publication workflow and the data version.
--
-- A release is an approver's decision to move the figures of a source, for
-- an area (and every area below it) and a year, to validated or published.
-- It keeps the snapshot of the cube cells it covers in release_cells, so
-- that a later revision never overwrites what was released before. Both
-- tables are append-only: the triggers refuse any UPDATE or DELETE.

CREATE TABLE releases (
    id             INTEGER PRIMARY KEY,
    source         TEXT NOT NULL REFERENCES sources (id),
    source_type    TEXT NOT NULL,              -- the source's type when released
    area           TEXT NOT NULL REFERENCES areas (code),
    period         TEXT NOT NULL,              -- YYYY
    status         TEXT NOT NULL,              -- validated or published
    embargo        TEXT NOT NULL DEFAULT '',   -- '' = none
    at             TEXT NOT NULL,
    by_user        TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL,
    revision       INTEGER NOT NULL,           -- 1, 2, … per source, area and period
    cells          INTEGER NOT NULL,
    total          INTEGER NOT NULL,
    previous_total INTEGER,                    -- total of the previous revision
    UNIQUE (source, area, period, revision)
) STRICT;
CREATE INDEX releases_area ON releases (area, period);

-- Like records, release cells carry no foreign key (a snapshot may have
-- hundreds of thousands of cells and AddRelease sets the release itself).
CREATE TABLE release_cells (
    release     INTEGER NOT NULL,               -- releases.id
    period      TEXT NOT NULL,
    area        TEXT NOT NULL,
    iccs        TEXT NOT NULL,
    sex         TEXT NOT NULL,
    age_band    TEXT NOT NULL,
    weapon      TEXT NOT NULL,
    context     TEXT NOT NULL,
    source_type TEXT NOT NULL,
    unit        TEXT NOT NULL,
    status      TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (release, area, iccs, period, sex, age_band, weapon, context, source_type, unit, status)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are never changed: add a revision'); END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are never deleted: add a revision'); END;
CREATE TRIGGER release_cells_no_update BEFORE UPDATE ON release_cells
BEGIN SELECT RAISE(ABORT, 'released cells are never changed: add a revision'); END;
CREATE TRIGGER release_cells_no_delete BEFORE DELETE ON release_cells
BEGIN SELECT RAISE(ABORT, 'released cells are never deleted: add a revision'); END;

-- One row: a number that every write a figure depends on increments in its
-- own transaction (atalaya.Store.DataVersion), for caches and ETags.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO data_version (id, version) VALUES (1, 1);
