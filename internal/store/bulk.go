package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// insertRows inserts rows into table: with COPY on PostgreSQL (one round
// trip for all rows), with one prepared statement on SQLite (in process,
// so a statement per row costs no round trip).
func (tx *txn) insertRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.store.dialect == Postgres {
		return tx.copyFrom(ctx, table, cols, rows)
	}
	stmt, err := tx.prepare(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+placeholders(len(cols))+")")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

// copyFrom sends rows with PostgreSQL's COPY on the transaction's own
// connection, so they are part of the transaction.
func (tx *txn) copyFrom(ctx context.Context, table string, cols []string, rows [][]any) error {
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY needs a pgx connection, have %T", dc)
		}
		n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		if err != nil {
			return err
		}
		if n != int64(len(rows)) {
			return fmt.Errorf("store: COPY into %s wrote %d of %d rows", table, n, len(rows))
		}
		return nil
	})
}
