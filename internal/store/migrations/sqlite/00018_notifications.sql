-- Notifications (issue 13 part 5, docs/cycle.md §6) (SQLite).
--
-- cycle_dates: the dates the finance bureau's annual notice sets for a
-- year (declaration_due, evaluation_due, review_due), for one region or
-- for all (region ''). Rows are never updated or deleted: a new row says
-- who set it, when and why, and the latest row (highest id) of a
-- (year, region, key) is in force; a region's own date comes before the
-- date for all regions. due_on is the text YYYY-MM-DD.
--
-- notifications_sent: one row per (user, task, due date) e-mailed, so that
-- nothing is sent twice. A row is written as 'sending' in the transaction
-- that decides to send, becomes 'sent' once the server took the message,
-- and is deleted if the send failed (nothing unsent stays recorded); a
-- 'sending' row older than an hour (a process that died mid-send) is
-- claimed again. due_on is '' for a task without a due date.
--
-- users.email: where a user's digest goes ('' none).

-- +goose Up
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

CREATE TABLE cycle_dates (
    id      INTEGER PRIMARY KEY,
    year    INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    region  TEXT NOT NULL DEFAULT '',
    key     TEXT NOT NULL CHECK (key IN ('declaration_due', 'evaluation_due', 'review_due')),
    due_on  TEXT NOT NULL CHECK (length(due_on) = 10),
    set_by  TEXT NOT NULL CHECK (set_by <> ''),
    at      TIMESTAMP NOT NULL,
    reason  TEXT NOT NULL CHECK (reason <> '')
);

CREATE INDEX cycle_dates_year ON cycle_dates (year, region, key, id);

CREATE TABLE notifications_sent (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    task       TEXT NOT NULL CHECK (task <> ''),
    due_on     TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
    claimed_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP,
    PRIMARY KEY (user_id, task, due_on)
);

-- +goose Down
DROP TABLE notifications_sent;
DROP TABLE cycle_dates;
ALTER TABLE users DROP COLUMN email;
