-- 0001_init: the whole schema of an Atalaya node on PostgreSQL. The tables
-- and their meaning are those of internal/sqlite's schema.
--
-- Codes, keys, periods and file names are text COLLATE "C": they compare
-- byte by byte whatever the database's locale, so "ordered by code" is the
-- same order as on SQLite, and prefix ranges (the ICCS filter) can use a
-- plain btree index. Optional text is '' rather than NULL, except where a
-- foreign key needs NULL (areas.parent) and for JSON maps (jsonb), which are
-- NULL when empty.

CREATE TABLE areas (
    code       text COLLATE "C" PRIMARY KEY,
    country    text COLLATE "C" NOT NULL,
    parent     text COLLATE "C" REFERENCES areas (code),
    level      integer NOT NULL,
    name       text NOT NULL,
    names      jsonb,                     -- object by language
    valid_from text NOT NULL DEFAULT '',
    valid_to   text NOT NULL DEFAULT '',
    boundary   bytea,                     -- GeoJSON geometry, WGS84
    source     text NOT NULL DEFAULT '',
    search     text NOT NULL              -- lower-case code and name, for AreaFilter.Search
);
CREATE INDEX areas_country_level ON areas (country, level);
CREATE INDEX areas_parent ON areas (parent);

CREATE TABLE populations (
    area     text COLLATE "C" NOT NULL REFERENCES areas (code),
    year     integer NOT NULL,
    sex      text COLLATE "C" NOT NULL,
    age_band text COLLATE "C" NOT NULL,
    value    bigint NOT NULL,
    source   text NOT NULL DEFAULT '',
    PRIMARY KEY (area, year, sex, age_band)
);

CREATE TABLE iccs (
    code         text COLLATE "C" PRIMARY KEY,
    level        integer NOT NULL,
    parent       text COLLATE "C" NOT NULL DEFAULT '',
    name         text NOT NULL,
    verification text NOT NULL DEFAULT ''
);

CREATE TABLE code_lists (
    id          text COLLATE "C" PRIMARY KEY,
    name        text NOT NULL,
    country     text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT ''
);

CREATE TABLE mappings (
    code_list  text COLLATE "C" NOT NULL REFERENCES code_lists (id),
    version    integer NOT NULL,
    valid_from text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (code_list, version)
);

CREATE TABLE mapping_entries (
    code_list       text COLLATE "C" NOT NULL,
    version         integer NOT NULL,
    position        integer NOT NULL,     -- order of the entries as given
    national_code   text NOT NULL,
    normalized      text COLLATE "C" NOT NULL,  -- atalaya.NormalizeCode(national_code)
    label           text NOT NULL DEFAULT '',
    iccs            text COLLATE "C" NOT NULL REFERENCES iccs (code),
    implied_sex     text NOT NULL DEFAULT '',
    implied_weapon  text NOT NULL DEFAULT '',
    implied_context text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    PRIMARY KEY (code_list, version, position),
    UNIQUE (code_list, version, normalized),
    FOREIGN KEY (code_list, version) REFERENCES mappings (code_list, version)
);

CREATE TABLE sources (
    id          text COLLATE "C" PRIMARY KEY,
    agency      text NOT NULL,
    type        text NOT NULL,
    country     text NOT NULL DEFAULT '',
    licence     text NOT NULL DEFAULT '',
    attribution text NOT NULL DEFAULT ''
);

-- A batch row is inserted when the batch begins, inside the batch's
-- transaction, and updated with its final counts at commit: a batch that is
-- not committed leaves no row (only a gap in the ids).
CREATE TABLE batches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text COLLATE "C" NOT NULL REFERENCES sources (id),
    profile     text NOT NULL DEFAULT '',
    files       jsonb NOT NULL DEFAULT 'null',  -- array of file names
    sha256      text NOT NULL DEFAULT '',
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    read        bigint NOT NULL DEFAULT 0,
    accepted    bigint NOT NULL DEFAULT 0,
    rejected    bigint NOT NULL DEFAULT 0,
    duplicates  bigint NOT NULL DEFAULT 0,
    flagged     bigint NOT NULL DEFAULT 0,
    submitter   text NOT NULL DEFAULT ''
);
CREATE INDEX batches_source ON batches (source, id);

CREATE TABLE rejections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch       bigint NOT NULL REFERENCES batches (id),
    file        text COLLATE "C" NOT NULL,
    row         bigint NOT NULL,
    column_name text NOT NULL DEFAULT '',
    value       text NOT NULL DEFAULT '',
    reason      text NOT NULL,
    raw         text NOT NULL DEFAULT ''
);
CREATE INDEX rejections_batch ON rejections (batch, file, row, id);

CREATE TABLE flags (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch  bigint NOT NULL REFERENCES batches (id),
    file   text COLLATE "C" NOT NULL,
    row    bigint NOT NULL,
    code   text NOT NULL,
    detail text NOT NULL DEFAULT ''
);
CREATE INDEX flags_batch ON flags (batch, file, row, id);

-- Records are the bulk of the database and of an ingest's time, so they
-- carry no foreign keys (the batch writer sets source and batch itself,
-- from a batch whose source it checked; PostgreSQL would check each row
-- with a trigger) and only the indexes that RecordFilter needs: the unique
-- key, which dedupes and serves the Source filter, and one index each for
-- Batch, Area and the ICCS prefix range. A batch's rows are appended
-- together, so its index is a BRIN one (a few bytes per 128 pages, almost
-- free to maintain) rather than a btree holding one entry per row.
-- Records are read by batch and by source and key (the dedupe index); filters
-- by area or ICCS scan, which keeps the ingest of millions of rows fast.
CREATE TABLE records (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text COLLATE "C" NOT NULL,
    key             text COLLATE "C" NOT NULL,
    batch           bigint NOT NULL,
    file            text NOT NULL,
    row             bigint NOT NULL,
    code_list       text NOT NULL,
    mapping_version integer NOT NULL,
    status          text NOT NULL,
    unit            text NOT NULL,
    date            text NOT NULL,
    period          text COLLATE "C" NOT NULL,
    area            text COLLATE "C" NOT NULL,
    placement       text NOT NULL,
    lat             double precision NOT NULL,
    lon             double precision NOT NULL,
    has_point       boolean NOT NULL,
    national_code   text NOT NULL,
    iccs            text COLLATE "C" NOT NULL,
    sex             text NOT NULL,
    age             integer NOT NULL,
    age_band        text NOT NULL,
    weapon          text NOT NULL,
    context         text NOT NULL,
    UNIQUE (source, key)
);
CREATE INDEX records_batch ON records USING brin (batch);

CREATE TABLE observations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text COLLATE "C" NOT NULL,
    key             text COLLATE "C" NOT NULL,
    batch           bigint NOT NULL,
    file            text NOT NULL,
    row             bigint NOT NULL,
    code_list       text NOT NULL,
    mapping_version integer NOT NULL,
    status          text NOT NULL,
    dataflow        text NOT NULL,
    indicator       text NOT NULL,
    period          text COLLATE "C" NOT NULL,
    area            text COLLATE "C" NOT NULL,
    national_code   text NOT NULL,
    iccs            text COLLATE "C" NOT NULL,
    sex             text NOT NULL,
    age_band        text NOT NULL,
    weapon          text NOT NULL,
    context         text NOT NULL,
    unit            text NOT NULL,
    value           double precision NOT NULL,
    dims            jsonb,
    attributes      jsonb,
    rollup          boolean NOT NULL DEFAULT false, -- atalaya.Observation.Rollup
    UNIQUE (source, key)
);
CREATE INDEX observations_batch ON observations USING brin (batch);
CREATE INDEX observations_area ON observations (area);
CREATE INDEX observations_iccs ON observations (iccs);

-- The cube: one row per cell, keyed by every dimension. The primary key is
-- the order Cube returns; the other indexes serve its area and ICCS filters.
CREATE TABLE cube (
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
    PRIMARY KEY (area, iccs, period, sex, age_band, weapon, context, source_type, unit, status)
);
