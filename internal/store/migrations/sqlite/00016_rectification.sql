-- Rectification items (整改事项, docs/cycle.md §2 tracks, §3.2): one row per
-- item, keyed (department_year_id, number) in the year the problem was
-- found (its origin year), with its own status (rectify.Statuses) and
-- version. Due dates are computed once, when the event that starts them
-- is stored (issue → measures_due; measures filed → complete_due, unless
-- the reviewer set it), each with the rule that produced it (a cycle rules
-- deadline key, or 'reviewer') and the day it ran from; a rule with a NULL
-- date is pending: the working-day calendar does not have the year yet.
-- 逾期 is derived from the dates, never stored. evidence is a JSON list
-- (rectify.Evidence). Moves and edits are history rows of the origin
-- year at rectification[N]…; the year's version does not change.
-- rectification_links are the item's sources: a deduction (ref
-- "SCOPE/NODE"), a review comment or a warning (ref its id), with the
-- source's sentence as it was when the item was issued.

-- +goose Up
CREATE TABLE rectification_items (
    id                 INTEGER PRIMARY KEY,
    department_year_id INTEGER NOT NULL REFERENCES department_years (id) ON DELETE CASCADE,
    number             INTEGER NOT NULL CHECK (number > 0),
    problem            TEXT NOT NULL CHECK (problem <> ''),
    measure            TEXT NOT NULL DEFAULT '',
    unit               TEXT NOT NULL DEFAULT '',
    person             TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'closed')),
    issued_on          DATE NOT NULL,
    measures_due       DATE,
    measures_due_rule  TEXT NOT NULL DEFAULT '',
    measures_due_from  DATE,
    measures_filed_on  DATE,
    complete_due       DATE,
    complete_due_rule  TEXT NOT NULL DEFAULT '',
    complete_due_from  DATE,
    done_on            DATE,
    closed_on          DATE,
    waived             BOOLEAN NOT NULL DEFAULT FALSE,
    evidence           TEXT NOT NULL DEFAULT '[]',
    comment            TEXT NOT NULL DEFAULT '',
    confirmer          TEXT NOT NULL DEFAULT '',
    issued_by          TEXT NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_by         TEXT NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (department_year_id, number)
);

CREATE INDEX rectification_items_status ON rectification_items (status, complete_due, measures_due);

CREATE TABLE rectification_links (
    item_id   INTEGER NOT NULL REFERENCES rectification_items (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('deduction', 'review_comment', 'warning')),
    ref       TEXT NOT NULL CHECK (ref <> ''),
    scope     TEXT NOT NULL DEFAULT '',
    node      TEXT NOT NULL DEFAULT '',
    source_id INTEGER NOT NULL DEFAULT 0,
    trace     TEXT NOT NULL DEFAULT '',
    lost      TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL,
    PRIMARY KEY (item_id, kind, ref)
);

-- +goose Down
DROP TABLE rectification_links;
DROP TABLE rectification_items;
