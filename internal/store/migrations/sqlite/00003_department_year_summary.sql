-- The figures the finance dashboard reads on every view, kept as columns
-- of department_years (SQLite) so that it does not parse the stored JSON:
-- the department's region and parent department as its data file states
-- them (trimmed; empty when it does not), and its final-account spending
-- (支出决算) by type in fen. Every write of a department-year's data writes
-- them (store.summaryOf). summary_version is the version of that summary
-- a row holds: 0 until it is filled; Open refills every row below the
-- current store.summaryVersion from its stored evaluation.

-- +goose Up
ALTER TABLE department_years ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE department_years ADD COLUMN parent TEXT NOT NULL DEFAULT '';
ALTER TABLE department_years ADD COLUMN basic_spending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE department_years ADD COLUMN project_spending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE department_years ADD COLUMN summary_version INTEGER NOT NULL DEFAULT 0;

-- Open looks for the rows to refill on every start: an index keeps that a
-- lookup instead of a scan of every document.
CREATE INDEX department_years_summary_version ON department_years (summary_version);

-- +goose Down
DROP INDEX department_years_summary_version;
ALTER TABLE department_years DROP COLUMN summary_version;
ALTER TABLE department_years DROP COLUMN project_spending;
ALTER TABLE department_years DROP COLUMN basic_spending;
ALTER TABLE department_years DROP COLUMN parent;
ALTER TABLE department_years DROP COLUMN region;
