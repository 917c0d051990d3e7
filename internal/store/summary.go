package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// The summary of a department-year is what the finance dashboard reads of
// its evaluation on every view (Overview): the region and parent
// department, as its data file states them, and its final-account
// spending by type. It is kept in columns of department_years (migration
// 00003), written with the data by every write (Import, Update), so that
// the dashboard reads columns instead of parsing stored JSON.

// summaryVersion is the version of the summary the writes store, in the
// column summary_version (0: never filled). Raise it when the summary gains
// a field (a column in a new migration, in summaryColumns and summaryArgs):
// rows below it are refilled from their stored evaluation when the store
// opens (backfillSummaries).
const summaryVersion = 1

// summaryOf is the summary of an evaluation: trimmed region and parent
// (empty when the data file states none), basic and project spending.
func summaryOf(ev *evaluation.Evaluation) (region, parent string, basic, project money.Fen) {
	return strings.TrimSpace(ev.Department.Region), strings.TrimSpace(ev.Department.Parent),
		ev.Finance.Expenditure.Basic, ev.Finance.Expenditure.Project
}

// summaryArgs are the values of summaryColumns for ev, in their order.
func summaryArgs(ev *evaluation.Evaluation) []any {
	region, parent, basic, project := summaryOf(ev)
	return []any{region, parent, int64(basic), int64(project), summaryVersion}
}

// summaryColumns are the columns of department_years holding the summary,
// in the order of summaryArgs.
var summaryColumns = []string{"region", "parent", "basic_spending", "project_spending", "summary_version"}

// summarySet is the SET list writing summaryColumns: "region = ?, …".
var summarySet = strings.Join(summaryColumns, " = ?, ") + " = ?"

// summaryBatch is how many department-years backfillSummaries refills in
// one transaction: each is decoded whole, so a batch is held in memory.
const summaryBatch = 200

// backfillSummaries fills the summary of every department-year stored
// below summaryVersion (those stored before migration 00003, or before the
// summary last gained a field), decoding its stored evaluation as Get
// does. Open runs it after the migrations; each batch is a transaction of
// its own, so an interrupted backfill keeps what it did and the next Open
// goes on. A row rewritten by another process between the read and the
// write (its version moved) is read again. A stored evaluation that cannot
// be decoded is an error naming the department-year, and the store does
// not open.
func (s *Store) backfillSummaries(ctx context.Context) error {
	type row struct {
		id      int64
		version int
		code    string
		year    int
		data    []byte
	}
	for {
		var done bool
		err := s.withTx(ctx, func(tx *txn) error {
			// The documents are read first and the rows closed: a
			// PostgreSQL connection serves one result at a time.
			rs, err := tx.query(ctx, `SELECT dy.id, dy.version, d.code, dy.year, dy.data
				FROM department_years dy JOIN departments d ON d.id = dy.department_id
				WHERE dy.summary_version < ? ORDER BY dy.id LIMIT ?`, summaryVersion, summaryBatch)
			if err != nil {
				return err
			}
			var batch []row
			for rs.Next() {
				var r row
				if err := rs.Scan(&r.id, &r.version, &r.code, &r.year, &r.data); err != nil {
					rs.Close()
					return err
				}
				batch = append(batch, r)
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return err
			}
			done = len(batch) == 0
			if done {
				return nil
			}
			stmt, err := tx.prepare(ctx, `UPDATE department_years SET `+summarySet+` WHERE id = ? AND version = ?`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, r := range batch {
				var ev evaluation.Evaluation
				if err := json.Unmarshal(r.data, &ev); err != nil {
					return fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", r.code, r.year, err)
				}
				if _, err := stmt.ExecContext(ctx, append(summaryArgs(&ev), r.id, r.version)...); err != nil {
					return fmt.Errorf("更新部门 %s %d 年度的看板数据失败：%w", r.code, r.year, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("补全看板数据失败：%w", err)
		}
		if done {
			return nil
		}
	}
}
