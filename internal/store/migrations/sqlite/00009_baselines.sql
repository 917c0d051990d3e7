-- The approved targets (docs/cycle.md §3.2, §4): target_baselines keeps the
-- declared part of a department-year (evaluation.Declared) as approved at
-- 批复 (seq 1, kind approval) and after each approved 目标调整 (kind
-- adjustment); rows are never updated or deleted. target_adjustments are
-- the 目标调整 requests: scope 'department' or a project code, the declared
-- part of the scope as proposed, and the baseline seq it was proposed on.
-- (Numbered 00009: 00008 is taken by another branch.)

-- +goose Up
CREATE TABLE target_adjustments (
    id                 INTEGER PRIMARY KEY,
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    number             INTEGER NOT NULL CHECK (number > 0),
    scope              TEXT NOT NULL CHECK (scope <> ''),
    status             TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'withdrawn')),
    reason             TEXT NOT NULL CHECK (reason <> ''),
    proposed           TEXT NOT NULL,
    base_seq           INTEGER NOT NULL,
    proposer           TEXT NOT NULL,
    proposed_at        TIMESTAMP NOT NULL,
    decider            TEXT,
    decided_at         TIMESTAMP,
    comment            TEXT NOT NULL DEFAULT '',
    UNIQUE (department_year_id, number)
);

CREATE TABLE target_baselines (
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    seq                INTEGER NOT NULL CHECK (seq > 0),
    kind               TEXT NOT NULL CHECK (kind IN ('approval', 'adjustment')),
    adjustment_id      INTEGER REFERENCES target_adjustments (id),
    data               TEXT NOT NULL,
    sha256             TEXT NOT NULL CHECK (length(sha256) = 64),
    actor              TEXT NOT NULL,
    at                 TIMESTAMP NOT NULL,
    PRIMARY KEY (department_year_id, seq),
    CHECK ((kind = 'adjustment') = (adjustment_id IS NOT NULL))
);

-- +goose Down
DROP TABLE target_baselines;
DROP TABLE target_adjustments;
