-- Results applied to the budget (结果应用, docs/cycle.md §2 tracks, §3.2):
-- the finance bureau's decision for the department overall (scope
-- 'department') or one project ('project:CODE', or 'seq:N' for a project
-- without a code) of a department-year accepted or published. Suggestions
-- are computed live from the rules file (rules/results-*.yaml) and never
-- stored until decided: a row is the decision, with what it was decided
-- on (grade after review, project type, rule, suggestion, the base and
-- the amount suggested) so that a later change of grade or rules shows.
-- Amounts in fen; version for optimistic locking; history in the year's
-- history at results.SCOPE.decision.

-- +goose Up
CREATE TABLE results_decisions (
    id                 INTEGER PRIMARY KEY,
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    scope              TEXT NOT NULL CHECK (scope = 'department' OR scope LIKE 'project:_%' OR scope LIKE 'seq:_%'),
    project_type       TEXT NOT NULL DEFAULT ''
        CHECK (project_type IN ('', 'recurring', 'one_off', 'phased', 'exempt')),
    grade              TEXT NOT NULL,
    rules_id           TEXT NOT NULL,
    rule_id            TEXT NOT NULL,
    suggestion         TEXT NOT NULL,
    base_amount        BIGINT NOT NULL,
    suggested_amount   BIGINT NOT NULL,
    decision           TEXT NOT NULL CHECK (decision <> ''),
    decided_amount     BIGINT NOT NULL CHECK (decided_amount >= 0),
    reason             TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    decided_by         TEXT NOT NULL,
    decided_at         TIMESTAMP NOT NULL,
    UNIQUE (department_year_id, scope),
    CHECK ((scope = 'department') = (project_type = ''))
);

-- +goose Down
DROP TABLE results_decisions;
