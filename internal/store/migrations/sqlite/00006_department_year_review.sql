-- The result of the finance bureau's review kept with each department-year
-- (SQLite), so that the public list and the dashboard read columns and
-- never score a year per request: review_total is the department's total
-- after review (复核后得分, assess.AfterReview) in hundredths of a point,
-- review_grade the grade it earns, review_count how many department review
-- scores (复核得分) changed the total (0: the total after review is the
-- self-score total, dy.total). The store writes them whenever their inputs
-- change: with the data (Import, Update), at every review score
-- (SetReviewScore) and at acceptance and publication (Transition).
-- review_version is the version of that computation a row holds (0: not
-- filled); Open refills every row below store.reviewVersion by scoring its
-- stored evaluation with its pinned frameworks.

-- +goose Up
ALTER TABLE department_years ADD COLUMN review_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE department_years ADD COLUMN review_grade TEXT NOT NULL DEFAULT '';
ALTER TABLE department_years ADD COLUMN review_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE department_years ADD COLUMN review_version INTEGER NOT NULL DEFAULT 0;

-- A year without department review scores needs no scoring: its total
-- after review is its self-score total. The others are left to Open.
UPDATE department_years SET review_total = total, review_grade = grade, review_count = 0, review_version = 1
WHERE NOT EXISTS (SELECT 1 FROM review_scores r
    WHERE r.department_year_id = department_years.id AND r.scope = 'department');

CREATE INDEX department_years_review_version ON department_years (review_version);

-- +goose Down
DROP INDEX department_years_review_version;
ALTER TABLE department_years DROP COLUMN review_version;
ALTER TABLE department_years DROP COLUMN review_count;
ALTER TABLE department_years DROP COLUMN review_grade;
ALTER TABLE department_years DROP COLUMN review_total;
