-- Budget changes during the year (预算调整: 追加 and 调减) by the finance
-- bureau's documents (PostgreSQL). One row per (year, document, unit,
-- project): re-importing a file adds nothing. amount is BIGINT fen,
-- negative for a cut; project_code is '' for basic expenditure. Joined to
-- departments and projects by code, like payments. file, actor and at say
-- where each row came from.

-- +goose Up
CREATE TABLE budget_changes (
    year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    changed_on   DATE NOT NULL CHECK (EXTRACT(YEAR FROM changed_on) = year),
    unit_code    TEXT NOT NULL CHECK (unit_code <> ''),
    project_code TEXT NOT NULL DEFAULT '',
    amount       BIGINT NOT NULL CHECK (amount <> 0),
    document     TEXT NOT NULL CHECK (document <> ''),
    reason       TEXT NOT NULL DEFAULT '',
    file         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (year, document, unit_code, project_code)
);

CREATE INDEX budget_changes_unit ON budget_changes (year, unit_code, project_code);

-- +goose Down
DROP TABLE budget_changes;
