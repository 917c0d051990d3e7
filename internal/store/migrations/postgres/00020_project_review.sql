-- A project's total and grade after review (复核后得分、等级), kept with
-- its row as the department's are kept with the year (00006), so that
-- results application (Store.Suggestions) reads them without scoring a
-- year per request. Empty grade: no review score of the project counts
-- (its self-evaluation stands). Written by refreshReview with the
-- department's; filled for stored years by the review backfill at Open
-- (review_version 2).

-- +goose Up
ALTER TABLE projects ADD COLUMN review_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN review_grade TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE projects DROP COLUMN review_grade;
ALTER TABLE projects DROP COLUMN review_total;
