-- Ex-ante evaluations (事前绩效评估, docs/cycle.md §2 tracks, §3.2): one
-- record per new project of a department-year (project_code), kept beside
-- the year. data is the record (exante.Evaluation: the assessor's scores
-- with reasons and the report's four parts); framework_version_id pins the
-- ex-ante framework file it is scored with, as department years pin
-- theirs. total (hundredths of a point) and conclusion are the score and
-- conclusion of the last save, NULL and '' while the record cannot be
-- scored. status draft → concluded (已出结论) and back with a reason; only
-- a concluded record of 予以支持 or 调整后予以支持 lets its project into the
-- budget (W186, B1.1). History goes into the year's history at paths
-- exante[CODE].…; the year's version does not change. (Numbered 00011:
-- 00010 is taken by another branch.)

-- +goose Up
CREATE TABLE exante_evaluations (
    id                   INTEGER PRIMARY KEY,
    department_year_id   INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    project_code         TEXT NOT NULL CHECK (project_code <> ''),
    project_name         TEXT NOT NULL CHECK (project_name <> ''),
    amount               INTEGER NOT NULL CHECK (amount > 0),
    assessor             TEXT NOT NULL CHECK (assessor IN ('department', 'finance')),
    framework_version_id INTEGER NOT NULL REFERENCES framework_versions (id),
    data                 TEXT NOT NULL,
    total                INTEGER,
    conclusion           TEXT NOT NULL DEFAULT ''
        CHECK (conclusion IN ('', 'support', 'support_adjusted', 'reject')),
    status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'concluded')),
    version              INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_by           TEXT NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_by           TEXT NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    concluded_by         TEXT,
    concluded_at         TIMESTAMP,
    UNIQUE (department_year_id, project_code),
    CHECK ((status = 'concluded') = (concluded_at IS NOT NULL)),
    CHECK (status = 'draft' OR (total IS NOT NULL AND conclusion <> ''))
);

-- +goose Down
DROP TABLE exante_evaluations;
