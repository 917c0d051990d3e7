package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/monitor"
)

// ChangeImport is what importing one budget change file did.
type ChangeImport struct {
	File  string
	Rows  int
	Added int
	Years []int
}

// changeStagingCols are the columns of the staging table a change file is
// loaded into before it is checked.
var changeStagingCols = []string{"line", "year", "changed_on", "unit_code", "project_code", "amount", "document", "reason"}

// ImportBudgetChanges stores the budget changes of one file (read whole by
// ledger.ReadChanges), in one transaction: all or nothing. Unit and project
// codes are checked as a payment file's are, every unknown one listed; a
// change whose (year, document, unit, project) is stored already adds
// nothing, so re-importing a file adds nothing. A change repeated within
// the file is refused, naming both lines.
func (s *Store) ImportBudgetChanges(ctx context.Context, file string, changes []monitor.BudgetChange, actor string) (*ChangeImport, error) {
	if err := checkImporter(file, actor); err != nil {
		return nil, err
	}
	if err := repeatedChanges(file, changes); err != nil {
		return nil, err
	}
	res := &ChangeImport{File: file, Rows: len(changes)}
	for _, c := range changes {
		if !slices.Contains(res.Years, c.Year()) {
			res.Years = append(res.Years, c.Year())
		}
	}
	slices.Sort(res.Years)
	err := s.withTx(ctx, func(tx *txn) error {
		if err := tx.stageChanges(ctx, changes); err != nil {
			return err
		}
		unknown, total, err := tx.unknownCodesIn(ctx, "budget_changes_staging")
		if err != nil {
			return err
		}
		if total > 0 {
			return &PaymentImportError{File: file, Unknown: unknown, UnknownTotal: total}
		}
		r, err := tx.exec(ctx, `INSERT INTO budget_changes (year, changed_on, unit_code, project_code, amount, document, reason, file, actor, at)
			SELECT year, `+tx.dateCast("changed_on")+`, unit_code, project_code, amount, document, reason, ?, ?, ? FROM budget_changes_staging WHERE true
			ON CONFLICT (year, document, unit_code, project_code) DO NOTHING`, file, actor, s.now())
		if err != nil {
			return err
		}
		added, err := r.RowsAffected()
		if err != nil {
			return err
		}
		res.Added = int(added)
		_, err = tx.exec(ctx, `DROP TABLE IF EXISTS budget_changes_staging`)
		return err
	})
	if err != nil {
		var pe *PaymentImportError
		if errors.As(err, &pe) {
			return nil, pe
		}
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return nil, err
		}
		return nil, &apperr.Error{Code: apperr.EINTERNAL, Message: "导入预算调整记录失败，未写入任何数据：" + connectReason(s.dialect, err), Err: err}
	}
	return res, nil
}

// repeatedChanges refuses a file that gives one change twice.
func repeatedChanges(file string, changes []monitor.BudgetChange) error {
	type key struct {
		year                  int
		document, unit, proje string
	}
	seen := map[key]int{}
	var problems []string
	for _, c := range changes {
		k := key{c.Year(), c.Document, c.UnitCode, c.ProjectCode}
		if first, dup := seen[k]; dup {
			problems = append(problems, fmt.Sprintf("%s：第 %d 行与第 %d 行是同一文号（%s）对同一单位和项目的调整", file, c.Line, first, c.Document))
			continue
		}
		seen[k] = c.Line
	}
	if len(problems) == 0 {
		return nil
	}
	return errorf(apperr.EINVALID, "%s：%d 处重复，整个文件未导入\n  %s", file, len(problems), strings.Join(problems, "\n  "))
}

// dateCast turns a staged date text into the column's type.
func (tx *txn) dateCast(col string) string {
	if tx.store.dialect == Postgres {
		return "CAST(" + col + " AS DATE)"
	}
	return col
}

func (tx *txn) stageChanges(ctx context.Context, changes []monitor.BudgetChange) error {
	if _, err := tx.exec(ctx, `DROP TABLE IF EXISTS budget_changes_staging`); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `CREATE TEMPORARY TABLE budget_changes_staging (
		line INTEGER, year INTEGER, changed_on TEXT, unit_code TEXT, project_code TEXT, amount BIGINT, document TEXT, reason TEXT)`); err != nil {
		return err
	}
	i := -1
	vals := make([]any, 0, len(changeStagingCols))
	return tx.insertBatches(ctx, "budget_changes_staging", changeStagingCols,
		func() bool { i++; return i < len(changes) },
		func() []any {
			c := changes[i]
			vals = append(vals[:0], c.Line, c.Year(), c.ChangedOn.String(), c.UnitCode, c.ProjectCode, int64(c.Amount), c.Document, c.Reason)
			return vals
		})
}

// ChangedByMonth sums a year's budget changes by unit, project and month
// (unit "" for every unit), as PaidByMonth sums payments.
func (s *Store) ChangedByMonth(ctx context.Context, year int, unit string) ([]monitor.MonthlyPaid, error) {
	var out []monitor.MonthlyPaid
	err := s.withReadTx(ctx, func(tx *txn) error {
		return tx.changedByMonth(ctx, year, unit, func(r monitor.MonthlyPaid) error {
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// changedByMonth is ChangedByMonth inside a transaction.
func (tx *txn) changedByMonth(ctx context.Context, year int, unit string, each func(monitor.MonthlyPaid) error) error {
	return tx.sumByMonth(ctx, "budget_changes", "changed_on", "预算调整", year, unit, each)
}
