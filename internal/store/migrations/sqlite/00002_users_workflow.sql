-- Users, sessions, and the finance bureau's review (SQLite). Roles are
-- those of internal/workflow; editors and approvers belong to one
-- department (by code: users may be created before the department's data
-- is imported), reviewers and administrators to none.

-- +goose Up
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE CHECK (username <> ''),
    display_name    TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('editor', 'approver', 'reviewer', 'admin')),
    department_code TEXT,
    password_hash   TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    created_at      TIMESTAMP NOT NULL,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK ((role IN ('editor', 'approver') AND department_code IS NOT NULL AND department_code <> '')
        OR (role IN ('reviewer', 'admin') AND department_code IS NULL))
);

CREATE INDEX users_department ON users (department_code);

-- Only the SHA-256 of a session token is kept: a copy of the table does
-- not let anyone log in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- 复核得分: scope is 'department' or a project's seq as text; score in
-- hundredths of a point.
CREATE TABLE review_scores (
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    scope              TEXT NOT NULL CHECK (scope <> ''),
    indicator_code     TEXT NOT NULL CHECK (indicator_code <> ''),
    score              BIGINT NOT NULL CHECK (score >= 0),
    reason             TEXT NOT NULL CHECK (reason <> ''),
    reviewer_id        INTEGER NOT NULL REFERENCES users (id),
    at                 TIMESTAMP NOT NULL,
    PRIMARY KEY (department_year_id, scope, indicator_code)
);

CREATE TABLE review_comments (
    id                 INTEGER PRIMARY KEY,
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    indicator_code     TEXT,
    author_id          INTEGER NOT NULL REFERENCES users (id),
    at                 TIMESTAMP NOT NULL,
    body               TEXT NOT NULL CHECK (body <> ''),
    resolved           BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX review_comments_department_year ON review_comments (department_year_id, id);
CREATE INDEX department_years_status ON department_years (status);

-- +goose Down
DROP INDEX department_years_status;
DROP TABLE review_comments;
DROP TABLE review_scores;
DROP TABLE sessions;
DROP TABLE users;
