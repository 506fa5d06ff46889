-- 0001_init: the whole schema of an Atalaya node.
--
-- Tables are STRICT, so a value of the wrong type is an error rather than
-- silently stored. Codes are TEXT compared byte-wise (BINARY), which is the
-- order every "ordered by code" in the store contract means. Optional text
-- is '' rather than NULL, except where a foreign key needs NULL (areas.parent)
-- and for JSON maps, which are NULL when empty. Timestamps are TEXT in UTC,
-- RFC 3339 with microseconds, so that they sort as strings.

CREATE TABLE areas (
    code       TEXT PRIMARY KEY,
    country    TEXT NOT NULL,
    parent     TEXT REFERENCES areas (code),
    level      INTEGER NOT NULL,
    name       TEXT NOT NULL,
    names      TEXT,                      -- JSON object by language
    valid_from TEXT NOT NULL DEFAULT '',
    valid_to   TEXT NOT NULL DEFAULT '',
    boundary   BLOB,                      -- GeoJSON geometry, WGS84
    source     TEXT NOT NULL DEFAULT '',
    search     TEXT NOT NULL              -- lower-case code and name, for AreaFilter.Search
) STRICT;
CREATE INDEX areas_country_level ON areas (country, level);
CREATE INDEX areas_parent ON areas (parent);

CREATE TABLE populations (
    area     TEXT NOT NULL REFERENCES areas (code),
    year     INTEGER NOT NULL,
    sex      TEXT NOT NULL,
    age_band TEXT NOT NULL,
    value    INTEGER NOT NULL,
    source   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (area, year, sex, age_band)
) STRICT, WITHOUT ROWID;

CREATE TABLE iccs (
    code         TEXT PRIMARY KEY,
    level        INTEGER NOT NULL,
    parent       TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    verification TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE code_lists (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE mappings (
    code_list  TEXT NOT NULL REFERENCES code_lists (id),
    version    INTEGER NOT NULL,
    valid_from TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (code_list, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE mapping_entries (
    code_list       TEXT NOT NULL,
    version         INTEGER NOT NULL,
    position        INTEGER NOT NULL,     -- order of the entries as given
    national_code   TEXT NOT NULL,
    normalized      TEXT NOT NULL,        -- atalaya.NormalizeCode(national_code)
    label           TEXT NOT NULL DEFAULT '',
    iccs            TEXT NOT NULL REFERENCES iccs (code),
    implied_sex     TEXT NOT NULL DEFAULT '',
    implied_weapon  TEXT NOT NULL DEFAULT '',
    implied_context TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code_list, version, position),
    UNIQUE (code_list, version, normalized),
    FOREIGN KEY (code_list, version) REFERENCES mappings (code_list, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    agency      TEXT NOT NULL,
    type        TEXT NOT NULL,
    country     TEXT NOT NULL DEFAULT '',
    licence     TEXT NOT NULL DEFAULT '',
    attribution TEXT NOT NULL DEFAULT ''
) STRICT;

-- A batch row is inserted when the batch begins, inside the batch's
-- transaction, and updated with its final counts at commit: a batch that is
-- not committed leaves no row.
CREATE TABLE batches (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL REFERENCES sources (id),
    profile     TEXT NOT NULL DEFAULT '',
    files       TEXT NOT NULL DEFAULT 'null',  -- JSON array
    sha256      TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    read        INTEGER NOT NULL DEFAULT 0,
    accepted    INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    flagged     INTEGER NOT NULL DEFAULT 0,
    submitter   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX batches_source ON batches (source, id);

CREATE TABLE rejections (
    id          INTEGER PRIMARY KEY,
    batch       INTEGER NOT NULL REFERENCES batches (id),
    file        TEXT NOT NULL,
    row         INTEGER NOT NULL,
    column_name TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    raw         TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX rejections_batch ON rejections (batch, file, row);

CREATE TABLE flags (
    id     INTEGER PRIMARY KEY,
    batch  INTEGER NOT NULL REFERENCES batches (id),
    file   TEXT NOT NULL,
    row    INTEGER NOT NULL,
    code   TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX flags_batch ON flags (batch, file, row);

-- Records are the bulk of the database and of an ingest's time, so they
-- carry no foreign keys (the batch writer sets source and batch itself, from
-- a batch whose source it checked; a check per row would be paid on the
-- hottest path) and only the indexes that RecordFilter needs: the unique key,
-- which dedupes and serves the Source filter, and one index each for Batch,
-- Area and the ICCS filter, a prefix range on the iccs index.
-- Records are read by batch and by source and key (the dedupe index); filters
-- by area or ICCS scan, which keeps the ingest of millions of rows fast.
CREATE TABLE records (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    key             TEXT NOT NULL,
    batch           INTEGER NOT NULL,
    file            TEXT NOT NULL,
    row             INTEGER NOT NULL,
    code_list       TEXT NOT NULL,
    mapping_version INTEGER NOT NULL,
    status          TEXT NOT NULL,
    unit            TEXT NOT NULL,
    date            TEXT NOT NULL,
    period          TEXT NOT NULL,
    area            TEXT NOT NULL,
    placement       TEXT NOT NULL,
    lat             REAL NOT NULL,
    lon             REAL NOT NULL,
    has_point       INTEGER NOT NULL,
    national_code   TEXT NOT NULL,
    iccs            TEXT NOT NULL,
    sex             TEXT NOT NULL,
    age             INTEGER NOT NULL,
    age_band        TEXT NOT NULL,
    weapon          TEXT NOT NULL,
    context         TEXT NOT NULL,
    UNIQUE (source, key)
) STRICT;
CREATE INDEX records_batch ON records (batch);

CREATE TABLE observations (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    key             TEXT NOT NULL,
    batch           INTEGER NOT NULL,
    file            TEXT NOT NULL,
    row             INTEGER NOT NULL,
    code_list       TEXT NOT NULL,
    mapping_version INTEGER NOT NULL,
    status          TEXT NOT NULL,
    dataflow        TEXT NOT NULL,
    indicator       TEXT NOT NULL,
    period          TEXT NOT NULL,
    area            TEXT NOT NULL,
    national_code   TEXT NOT NULL,
    iccs            TEXT NOT NULL,
    sex             TEXT NOT NULL,
    age_band        TEXT NOT NULL,
    weapon          TEXT NOT NULL,
    context         TEXT NOT NULL,
    unit            TEXT NOT NULL,
    value           REAL NOT NULL,
    dims            TEXT,                 -- JSON object
    attributes      TEXT,                 -- JSON object
    rollup          INTEGER NOT NULL DEFAULT 0, -- atalaya.Observation.Rollup
    UNIQUE (source, key)
) STRICT;
CREATE INDEX observations_batch ON observations (batch);
CREATE INDEX observations_area ON observations (area);
CREATE INDEX observations_iccs ON observations (iccs);

-- The cube: one row per cell, keyed by every dimension. The primary key is
-- the order Cube returns; the other indexes serve its area and ICCS filters.
CREATE TABLE cube (
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
    PRIMARY KEY (area, iccs, period, sex, age_band, weapon, context, source_type, unit, status)
) STRICT, WITHOUT ROWID;
