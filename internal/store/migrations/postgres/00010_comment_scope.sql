-- Per-indicator comments on project indicators (docs/cycle.md §3.2): a
-- review comment names the scope of its indicator beside indicator_code:
-- '' for the department's own indicators (and comments on no indicator),
-- 'project:CODE' for an indicator of the project with that code.

-- +goose Up
ALTER TABLE review_comments ADD COLUMN scope TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE review_comments DROP COLUMN scope;
