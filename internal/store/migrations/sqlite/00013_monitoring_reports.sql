-- Checkpoint reports (绩效目标执行监控表, docs/cycle.md §3.2): one row per
-- department-year and checkpoint month, a track beside the year in its
-- execution stage with its own status and version (workflow.Checkpoint).
-- data is the report as the department entered it (monitor.Checkpoint as
-- JSON); the figures of the payment ledger are computed, never stored.
-- due_on is the last day of the month after the checkpoint (the default
-- of docs/cycle.md §6). Moves and changes go to history at paths
-- monitoring[M].…. (Numbered 00013: 00010–00012 are taken by other
-- branches.)

-- +goose Up
CREATE TABLE monitoring_reports (
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    month              INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'under_review', 'returned', 'accepted')),
    version            INTEGER NOT NULL CHECK (version > 0),
    due_on             TEXT NOT NULL,
    data               TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (department_year_id, month)
);

-- +goose Down
DROP TABLE monitoring_reports;
