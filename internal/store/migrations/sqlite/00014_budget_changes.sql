-- Budget changes during the year (预算调整: 追加 and 调减) by the finance
-- bureau's documents (SQLite). One row per (year, document, unit,
-- project): re-importing a file adds nothing. amount is integer fen,
-- negative for a cut; project_code is '' for basic expenditure;
-- changed_on is the text YYYY-MM-DD. Joined to departments and projects
-- by code, like payments. file, actor and at say where each row came from.

-- +goose Up
CREATE TABLE budget_changes (
    year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    changed_on   TEXT NOT NULL CHECK (length(changed_on) = 10 AND CAST(substr(changed_on, 1, 4) AS INTEGER) = year),
    unit_code    TEXT NOT NULL CHECK (unit_code <> ''),
    project_code TEXT NOT NULL DEFAULT '',
    amount       INTEGER NOT NULL CHECK (amount <> 0),
    document     TEXT NOT NULL CHECK (document <> ''),
    reason       TEXT NOT NULL DEFAULT '',
    file         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    PRIMARY KEY (year, document, unit_code, project_code)
) WITHOUT ROWID;

CREATE INDEX budget_changes_unit ON budget_changes (year, unit_code, project_code);

-- +goose Down
DROP TABLE budget_changes;
