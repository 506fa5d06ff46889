-- 0005_programmes: the programme registry and its evaluations
-- (atalaya.ProgrammeStore, Commitment item 3). Evaluations are
-- append-only: the trigger refuses UPDATE and DELETE.

CREATE TABLE programmes (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    objective   TEXT NOT NULL,
    owner       TEXT NOT NULL,
    areas       TEXT[] NOT NULL,
    start_date  DATE NOT NULL,
    end_date    DATE,                   -- NULL while it runs
    indicators  TEXT[] NOT NULL,
    created     TIMESTAMPTZ NOT NULL,
    created_by  TEXT NOT NULL,
    updated     TIMESTAMPTZ NOT NULL
);

CREATE TABLE evaluations (
    id           BIGSERIAL PRIMARY KEY,
    programme    TEXT NOT NULL REFERENCES programmes (id),
    method       TEXT NOT NULL,
    indicator    TEXT NOT NULL,
    spec         JSONB NOT NULL,
    result       JSONB NOT NULL,
    summary      TEXT NOT NULL,
    data_version BIGINT NOT NULL,
    created      TIMESTAMPTZ NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX evaluations_programme ON evaluations (programme, id);

CREATE FUNCTION evaluations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'evaluations are append-only';
END $$;
CREATE TRIGGER evaluations_append_only BEFORE UPDATE OR DELETE ON evaluations
    FOR EACH ROW EXECUTE FUNCTION evaluations_append_only();
