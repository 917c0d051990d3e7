-- Initial schema (SQLite). Money is BIGINT fen, points BIGINT hundredths,
-- the evaluation a JSON document kept as TEXT.

-- +goose Up
CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code)
);

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name        TEXT NOT NULL,
    parent_code TEXT,
    region_code TEXT REFERENCES regions (code)
);

CREATE TABLE framework_versions (
    id           INTEGER PRIMARY KEY,
    framework_id TEXT NOT NULL,
    version      TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    content      TEXT NOT NULL
);

CREATE TABLE department_years (
    id                           INTEGER PRIMARY KEY,
    department_id                INTEGER NOT NULL REFERENCES departments (id),
    year                         INTEGER NOT NULL CHECK (year > 0),
    status                       TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'approved', 'under_review', 'returned', 'accepted', 'published')),
    framework_version_id         INTEGER NOT NULL REFERENCES framework_versions (id),
    project_framework_version_id INTEGER REFERENCES framework_versions (id),
    data                         TEXT NOT NULL,
    total                        BIGINT NOT NULL,
    grade                        TEXT NOT NULL,
    version                      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    source                       TEXT NOT NULL DEFAULT '',
    created_at                   TIMESTAMP NOT NULL,
    updated_at                   TIMESTAMP NOT NULL,
    UNIQUE (department_id, year)
);

CREATE TABLE projects (
    id                 INTEGER PRIMARY KEY,
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    seq                INTEGER NOT NULL,
    code               TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL,
    initial            BIGINT NOT NULL,
    adjusted           BIGINT NOT NULL,
    executed           BIGINT NOT NULL,
    total              BIGINT NOT NULL,
    grade              TEXT NOT NULL,
    UNIQUE (department_year_id, seq)
);

CREATE TABLE history (
    id                 INTEGER PRIMARY KEY,
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    version            INTEGER NOT NULL,
    at                 TIMESTAMP NOT NULL,
    actor              TEXT NOT NULL,
    action             TEXT NOT NULL CHECK (action IN ('create', 'replace', 'update', 'status')),
    path               TEXT NOT NULL DEFAULT '',
    old_value          TEXT NOT NULL DEFAULT '',
    new_value          TEXT NOT NULL DEFAULT '',
    reason             TEXT NOT NULL DEFAULT ''
);

CREATE INDEX history_department_year ON history (department_year_id, id);
CREATE INDEX department_years_framework ON department_years (framework_version_id);
CREATE INDEX department_years_project_framework ON department_years (project_framework_version_id);

-- +goose Down
DROP TABLE history;
DROP TABLE projects;
DROP TABLE department_years;
DROP TABLE framework_versions;
DROP TABLE departments;
DROP TABLE regions;
