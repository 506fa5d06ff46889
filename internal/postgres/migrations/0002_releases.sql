-- 0002_releases: the publication workflow and the data version, as in
-- internal/sqlite's 0002_releases.
--
-- A release is an approver's decision to move the figures of a source, for
-- an area (and every area below it) and a year, to validated or published.
-- It keeps the snapshot of the cube cells it covers in release_cells, so
-- that a later revision never overwrites what was released before. Both
-- tables are append-only: the triggers refuse any UPDATE, DELETE or
-- TRUNCATE.

CREATE TABLE releases (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source         text COLLATE "C" NOT NULL REFERENCES sources (id),
    source_type    text COLLATE "C" NOT NULL,  -- the source's type when released
    area           text COLLATE "C" NOT NULL REFERENCES areas (code),
    period         text COLLATE "C" NOT NULL,  -- YYYY
    status         text COLLATE "C" NOT NULL,  -- validated or published
    embargo        timestamptz,                -- NULL = none
    at             timestamptz NOT NULL,
    by_user        text NOT NULL DEFAULT '',
    reason         text NOT NULL,
    revision       integer NOT NULL,           -- 1, 2, … per source, area and period
    cells          bigint NOT NULL,
    total          bigint NOT NULL,
    previous_total bigint,                     -- total of the previous revision
    UNIQUE (source, area, period, revision)
);
CREATE INDEX releases_area ON releases (area, period);

-- Like records, release cells carry no foreign key (a snapshot may have
-- hundreds of thousands of cells, each checked by a trigger; AddRelease
-- sets the release itself).
CREATE TABLE release_cells (
    release     bigint NOT NULL,               -- releases.id
    period      text COLLATE "C" NOT NULL,
    area        text COLLATE "C" NOT NULL,
    iccs        text COLLATE "C" NOT NULL,
    sex         text COLLATE "C" NOT NULL,
    age_band    text COLLATE "C" NOT NULL,
    weapon      text COLLATE "C" NOT NULL,
    context     text COLLATE "C" NOT NULL,
    source_type text COLLATE "C" NOT NULL,
    unit        text COLLATE "C" NOT NULL,
    status      text COLLATE "C" NOT NULL,
    count       bigint NOT NULL,
    PRIMARY KEY (release, area, iccs, period, sex, age_band, weapon, context, source_type, unit, status)
);

CREATE FUNCTION releases_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'releases are never changed or deleted: add a revision';
END
$$;
CREATE TRIGGER releases_append_only BEFORE UPDATE OR DELETE ON releases
    FOR EACH ROW EXECUTE FUNCTION releases_append_only();
CREATE TRIGGER releases_no_truncate BEFORE TRUNCATE ON releases
    FOR EACH STATEMENT EXECUTE FUNCTION releases_append_only();
CREATE TRIGGER release_cells_append_only BEFORE UPDATE OR DELETE ON release_cells
    FOR EACH ROW EXECUTE FUNCTION releases_append_only();
CREATE TRIGGER release_cells_no_truncate BEFORE TRUNCATE ON release_cells
    FOR EACH STATEMENT EXECUTE FUNCTION releases_append_only();

-- One row: a number that every write a figure depends on increments in its
-- own transaction (atalaya.Store.DataVersion), for caches and ETags. The
-- increment is each transaction's last statement, so the row is locked only
-- while the transaction commits.
CREATE TABLE data_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 1);
