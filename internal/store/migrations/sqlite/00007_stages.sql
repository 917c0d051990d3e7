-- The stage of a department-year (docs/cycle.md §2): declaration (目标申报),
-- execution (执行监控) or evaluation (年终自评), with the existing statuses
-- inside each stage. Every row stored before this migration was imported
-- as a finished self-evaluation and stays in the evaluation stage.
-- opened_from is the year a department-year was opened from (`jixiao year
-- open`, Store.OpenYears); NULL for a year that was imported. (Numbered
-- 00007: 00006 is taken by another branch.)

-- +goose Up
ALTER TABLE department_years ADD COLUMN stage TEXT NOT NULL DEFAULT 'evaluation'
    CHECK (stage IN ('declaration', 'execution', 'evaluation'));
ALTER TABLE department_years ADD COLUMN opened_from INTEGER;

CREATE INDEX department_years_stage_status ON department_years (stage, status);

-- +goose Down
DROP INDEX department_years_stage_status;
ALTER TABLE department_years DROP COLUMN opened_from;
ALTER TABLE department_years DROP COLUMN stage;
