-- The files of a published report (docx, xlsx, html, pdf), rendered once
-- and kept with the published version they were rendered from, so that the
-- public download serves stored bytes instead of rendering per request.
-- A row belongs to one version of a department-year: a read matches the
-- department-year's current version and status, and Store.Transition
-- deletes the rows when the department-year moves.

-- +goose Up
CREATE TABLE published_documents (
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    version            INTEGER NOT NULL,
    format             TEXT NOT NULL,
    content_type       TEXT NOT NULL,
    size               BIGINT NOT NULL,
    sha256             TEXT NOT NULL,
    data               BLOB NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (department_year_id, version, format)
);

-- +goose Down
DROP TABLE published_documents;
