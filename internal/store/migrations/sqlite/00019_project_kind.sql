-- A project's kind (新增 new / 延续 continuing, evaluation.ProjectKinds)
-- beside its row, so that the warnings refresh can test it
-- (monitor.Condition.ProjectKind) without reading every document. Written
-- with the other project columns (appendProjectRows); '' when the
-- declaration does not say. Filled here from the stored documents.
-- (Numbered 00019: 00015–00018 are taken by other branches.)

-- +goose Up
ALTER TABLE projects ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE projects SET kind = COALESCE((SELECT json_extract(dy.data, '$.projects[' || (projects.seq - 1) || '].kind')
    FROM department_years dy WHERE dy.id = projects.department_year_id), '');

-- +goose Down
ALTER TABLE projects DROP COLUMN kind;
