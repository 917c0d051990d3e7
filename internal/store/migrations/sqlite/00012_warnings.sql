-- Monitoring warnings (预警, docs/cycle.md §3.2, docs/monitoring.md): one row
-- per (department-year, project code, month, rules file id); project_code
-- '' is the department as a whole. Store.RefreshWarnings computes them from
-- the payments and the year's budgets under a warning rules file, whose
-- version and SHA-256 are kept with each row; severity is the level's rank
-- under that file (higher is more severe), gap/rate/time_progress in
-- hundredths of a percentage point (for ranking without reading figures,
-- the monitor.Month as JSON). state is the warning's life
-- (workflow.WarningStates); handled_severity is the severity when the
-- reviewer last handled it: a refresh reopens a handled warning only when
-- its severity rises above it. Every move is a history row of the
-- department-year at path warnings[ID].state.
-- (Numbered 00012: 00010 and 00011 are taken by other branches.)

-- +goose Up
CREATE TABLE warnings (
    id                 INTEGER PRIMARY KEY,
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    project_code       TEXT NOT NULL DEFAULT '',
    project_name       TEXT NOT NULL DEFAULT '',
    month              INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    rule               TEXT NOT NULL CHECK (rule <> ''),
    rules_version      TEXT NOT NULL,
    rules_sha256       TEXT NOT NULL CHECK (length(rules_sha256) = 64),
    level              TEXT NOT NULL CHECK (level <> ''),
    level_name         TEXT NOT NULL,
    severity           INTEGER NOT NULL CHECK (severity > 0),
    handling           TEXT NOT NULL,
    sentence           TEXT NOT NULL,
    figures            TEXT NOT NULL,
    budget             BIGINT NOT NULL,
    paid               BIGINT NOT NULL,
    rate               BIGINT NOT NULL,
    time_progress      BIGINT NOT NULL,
    gap                BIGINT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('open', 'passed', 'returned', 'responded', 'dismissed', 'cleared')),
    handled_severity   INTEGER NOT NULL DEFAULT 0,
    handler            TEXT NOT NULL DEFAULT '',
    comment            TEXT NOT NULL DEFAULT '',
    handled_at         TIMESTAMP,
    responder          TEXT NOT NULL DEFAULT '',
    response           TEXT NOT NULL DEFAULT '',
    responded_at       TIMESTAMP,
    raised_at          TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (department_year_id, project_code, month, rule)
);

CREATE INDEX warnings_month ON warnings (month, rule, severity, gap);

-- +goose Down
DROP TABLE warnings;
