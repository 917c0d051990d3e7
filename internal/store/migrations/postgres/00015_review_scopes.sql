-- Review scores keyed by the project's code (docs/cycle.md §3.2, §8): a
-- project's review scores had the project's position as scope ('1', '2',
-- …); they become 'project:CODE' when the project stored at that
-- position has a code that no other project of the year has, else
-- 'seq:N'. The code is looked up in the projects rows written with the
-- data (projects.seq, projects.code), which hold the stored document's
-- projects. History rows keep the paths they were written with
-- ('review.1.P1…').

-- +goose Up
UPDATE review_scores SET scope = 'project:' || (
        SELECT p.code FROM projects p
        WHERE p.department_year_id = review_scores.department_year_id AND CAST(p.seq AS TEXT) = review_scores.scope)
    WHERE scope <> 'department' AND scope NOT LIKE 'project:%' AND scope NOT LIKE 'seq:%'
      AND EXISTS (
        SELECT 1 FROM projects p
        WHERE p.department_year_id = review_scores.department_year_id AND CAST(p.seq AS TEXT) = review_scores.scope
          AND p.code <> ''
          AND NOT EXISTS (SELECT 1 FROM projects q
                          WHERE q.department_year_id = p.department_year_id AND q.code = p.code AND q.seq <> p.seq));

UPDATE review_scores SET scope = 'seq:' || scope
    WHERE scope <> 'department' AND scope NOT LIKE 'project:%' AND scope NOT LIKE 'seq:%';

-- +goose Down
UPDATE review_scores SET scope = (
        SELECT CAST(p.seq AS TEXT) FROM projects p
        WHERE p.department_year_id = review_scores.department_year_id AND 'project:' || p.code = review_scores.scope
        ORDER BY p.seq LIMIT 1)
    WHERE scope LIKE 'project:%' AND EXISTS (
        SELECT 1 FROM projects p
        WHERE p.department_year_id = review_scores.department_year_id AND 'project:' || p.code = review_scores.scope);

UPDATE review_scores SET scope = substr(scope, 5) WHERE scope LIKE 'seq:%';
