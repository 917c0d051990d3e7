-- The payment ledger (SQLite): treasury payment records (国库集中支付),
-- one row per voucher. A plain table here; PostgreSQL partitions it by
-- year. No foreign keys: rows are joined to departments on unit_code =
-- code and to a department-year's projects on (unit_code, year,
-- project_code). Amounts are integer fen, negative for a refund;
-- project_code is '' for basic expenditure (基本支出); paid_on is the
-- text YYYY-MM-DD. A voucher is stored once per year: re-importing a file
-- adds nothing. payment_imports keeps one row per imported file (who,
-- when, its SHA-256, rows read and rows added) as its history.

-- +goose Up
CREATE TABLE payment_imports (
    id        INTEGER PRIMARY KEY,
    file      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    row_count INTEGER NOT NULL CHECK (row_count >= 0),
    added     INTEGER NOT NULL CHECK (added >= 0),
    actor     TEXT NOT NULL,
    at        TIMESTAMP NOT NULL
);

CREATE INDEX payment_imports_sha256 ON payment_imports (sha256);

CREATE TABLE payments (
    year             INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    paid_on          TEXT NOT NULL CHECK (length(paid_on) = 10 AND CAST(substr(paid_on, 1, 4) AS INTEGER) = year),
    unit_code        TEXT NOT NULL CHECK (unit_code <> ''),
    project_code     TEXT NOT NULL DEFAULT '',
    functional_class TEXT NOT NULL,
    economic_class   TEXT NOT NULL,
    fund_type        TEXT NOT NULL,
    amount           INTEGER NOT NULL,
    voucher          TEXT NOT NULL CHECK (voucher <> ''),
    payee            TEXT NOT NULL DEFAULT '',
    memo             TEXT NOT NULL DEFAULT '',
    import_id        INTEGER NOT NULL,
    PRIMARY KEY (year, voucher)
) WITHOUT ROWID;

CREATE INDEX payments_unit_project_paid_on ON payments (unit_code, project_code, paid_on);

-- +goose Down
DROP TABLE payments;
DROP TABLE payment_imports;
