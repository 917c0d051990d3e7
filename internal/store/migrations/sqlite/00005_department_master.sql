-- Department master data (SQLite): a department's name, parent department
-- (主管部门) and region (所属地区) as the system has registered them, changed
-- only by an administrator or by the operator's `jixiao import
-- --update-departments`, never by a department's own upload. Every change
-- is a row of department_history: who, when, the field, the old and the
-- new value and why. master_filled is false until Open has filled parent
-- and region of a department stored before this migration from its latest
-- year (store.fillMasters); departments created since are filled when
-- created. (The unused parent_code and region_code of 00001 are left as
-- they are.)

-- +goose Up
ALTER TABLE departments ADD COLUMN parent TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN master_filled BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE department_history (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    at            TIMESTAMP NOT NULL,
    actor         TEXT NOT NULL,
    field         TEXT NOT NULL CHECK (field IN ('create', 'name', 'parent', 'region')),
    old_value     TEXT NOT NULL DEFAULT '',
    new_value     TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL CHECK (reason <> '')
);

CREATE INDEX department_history_department ON department_history (department_id, id);

-- +goose Down
DROP TABLE department_history;
ALTER TABLE departments DROP COLUMN master_filled;
ALTER TABLE departments DROP COLUMN region;
ALTER TABLE departments DROP COLUMN parent;
