package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/workflow"
)

// CycleDate is one row of cycle_dates (migration 00018): a date the
// finance bureau's annual notice sets for a year (cycle.DateKeys), for a
// region or for all (Region ""), with who set it, when and why. Rows are
// never updated: setting a date again adds a row, and the latest is in
// force.
type CycleDate struct {
	ID     int64
	Year   int
	Region string
	Key    string
	Date   civil.Date
	SetBy  string
	// SetByName is the display name of the account SetBy names, or SetBy
	// itself (an operator of the command line), filled in when read.
	SetByName string
	At        time.Time
	Reason    string
}

// KeyName names the date in Chinese (cycle.DateNames).
func (d CycleDate) KeyName() string { return cycle.DateNames[d.Key] }

// maxCycleDateRows bounds the rows of one year read back (every setting,
// kept for audit): a notice sets three dates per region.
const maxCycleDateRows = 2000

// SetCycleDate records a date of the year's annual notice as a reviewer
// or an administrator (the stored account, read in the transaction; no
// department user may). Reason is required. Every problem of the input is
// listed at once (apperr.EINVALID). The row is new: earlier ones stay.
func (s *Store) SetCycleDate(ctx context.Context, d CycleDate, actor User) (CycleDate, error) {
	var out CycleDate
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		if a.Role != workflow.Reviewer && a.Role != workflow.Admin {
			return errorf(apperr.EFORBIDDEN, "%s不能设置年度工作日期：仅财政审核人或管理员可以设置", workflow.RoleNames[a.Role])
		}
		out, err = tx.setCycleDate(ctx, d, a.Username)
		return err
	})
	return out, err
}

// SetCycleDateAs records a date as an operator of the command line (the
// operator's name as set_by), as jixiao dates set does.
func (s *Store) SetCycleDateAs(ctx context.Context, d CycleDate, operator string) (CycleDate, error) {
	var out CycleDate
	err := s.withTx(ctx, func(tx *txn) error {
		var err error
		out, err = tx.setCycleDate(ctx, d, operator)
		return err
	})
	return out, err
}

// checkCycleDate lists every problem of a date to set.
func checkCycleDate(d *CycleDate, setBy string) error {
	d.Region, d.Reason = strings.TrimSpace(d.Region), strings.TrimSpace(d.Reason)
	var probs []string
	if d.Year < 2000 || d.Year > 2100 {
		probs = append(probs, fmt.Sprintf("年度 %d 无效：应为 2000 至 2100 之间的整数", d.Year))
	}
	if !cycle.ValidDateKey(d.Key) {
		probs = append(probs, fmt.Sprintf("日期项目 %q 无效：应为 %s", d.Key, dateKeyList()))
	}
	switch {
	case d.Date.IsZero():
		probs = append(probs, "日期不能为空")
	case d.Year >= 2000 && d.Year <= 2100 && (d.Date.Year() < d.Year-1 || d.Date.Year() > d.Year+2):
		// Targets of year Y are declared in Y−1, its evaluation and
		// review run in Y+1: a date further off is a typing error.
		probs = append(probs, fmt.Sprintf("日期 %s 不在 %d 年度工作的合理范围内（%d 年 1 月 1 日至 %d 年 12 月 31 日）", d.Date, d.Year, d.Year-1, d.Year+2))
	}
	if msg := evaluation.CheckText(evaluation.TextName, d.Region); msg != "" {
		probs = append(probs, "地区"+msg)
	}
	if d.Reason == "" {
		probs = append(probs, "须填写设置原因（如年度工作通知的文号）")
	} else if msg := evaluation.CheckText(evaluation.TextLine, d.Reason); msg != "" {
		probs = append(probs, "设置原因"+msg)
	}
	if msg := evaluation.CheckText(evaluation.TextName, setBy); setBy == "" || msg != "" {
		probs = append(probs, "操作人无效"+msg)
	}
	if len(probs) > 0 {
		return errorf(apperr.EINVALID, "年度工作日期未设置：%s", strings.Join(probs, "；"))
	}
	return nil
}

// dateKeyList lists the keys with their Chinese names, for messages.
func dateKeyList() string {
	parts := make([]string, len(cycle.DateKeys))
	for i, k := range cycle.DateKeys {
		parts[i] = k + "（" + cycle.DateNames[k] + "）"
	}
	return strings.Join(parts, "、")
}

func (tx *txn) setCycleDate(ctx context.Context, d CycleDate, setBy string) (CycleDate, error) {
	if err := checkCycleDate(&d, setBy); err != nil {
		return CycleDate{}, err
	}
	d.SetBy, d.At = setBy, tx.store.now()
	err := tx.queryRow(ctx, `INSERT INTO cycle_dates (year, region, key, due_on, set_by, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.Year, d.Region, d.Key, d.Date.String(), d.SetBy, d.At, d.Reason).Scan(&d.ID)
	if err != nil {
		return CycleDate{}, fmt.Errorf("保存年度工作日期失败：%w", err)
	}
	return d, nil
}

// cycleDateColumns selects a cycle_dates row, the date as text on both
// engines.
func (tx *txn) cycleDateColumns() string {
	due := "cd.due_on"
	if tx.store.dialect == Postgres {
		due = "to_char(cd.due_on, 'YYYY-MM-DD')"
	}
	return "cd.id, cd.year, cd.region, cd.key, " + due + ", cd.set_by, COALESCE(NULLIF(u.display_name, ''), cd.set_by), cd.at, cd.reason"
}

// cycleDatesFrom is the FROM of cycleDateColumns.
const cycleDatesFrom = " FROM cycle_dates cd LEFT JOIN users u ON u.username = cd.set_by"

func scanCycleDate(row interface{ Scan(...any) error }) (CycleDate, error) {
	var (
		d   CycleDate
		due string
	)
	if err := row.Scan(&d.ID, &d.Year, &d.Region, &d.Key, &due, &d.SetBy, &d.SetByName, &d.At, &d.Reason); err != nil {
		return CycleDate{}, err
	}
	var err error
	if d.Date, err = civil.ParseDate(due); err != nil {
		return CycleDate{}, fmt.Errorf("年度工作日期 %q 无法读取：%w", due, err)
	}
	d.At = d.At.UTC()
	return d, nil
}

// CycleDates returns every date set for year, in every region, in the
// order they were set (the audit of the year's notice), at most 2000.
func (s *Store) CycleDates(ctx context.Context, year int) ([]CycleDate, error) {
	var out []CycleDate
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, "SELECT "+tx.cycleDateColumns()+cycleDatesFrom+" WHERE cd.year = ? ORDER BY cd.id LIMIT ?", year, maxCycleDateRows)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanCycleDate(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("读取年度工作日期失败：%w", err)
	}
	return out, nil
}

// CycleDatesInForce returns the dates in force for year in region by
// key: the region's latest row, else the latest row for all regions
// (region ""). A key never set is absent.
func (s *Store) CycleDatesInForce(ctx context.Context, year int, region string) (map[string]CycleDate, error) {
	var out map[string]CycleDate
	err := s.withReadTx(ctx, func(tx *txn) error {
		ds, err := tx.datesInForce(ctx)
		if err != nil {
			return err
		}
		out = map[string]CycleDate{}
		for _, k := range cycle.DateKeys {
			if d, ok := ds.lookup(year, region, k); ok {
				out[k] = d
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("读取年度工作日期失败：%w", err)
	}
	return out, nil
}

// cycleDateKey is where a date applies.
type cycleDateKey struct {
	year        int
	region, key string
}

// cycleDates are the latest rows of every (year, region, key).
type cycleDates map[cycleDateKey]CycleDate

// lookup returns the date in force for (year, region, key): the region's
// own, else the one for all regions.
func (ds cycleDates) lookup(year int, region, key string) (CycleDate, bool) {
	if region != "" {
		if d, ok := ds[cycleDateKey{year, region, key}]; ok {
			return d, true
		}
	}
	d, ok := ds[cycleDateKey{year, "", key}]
	return d, ok
}

// datesInForce reads the latest row of every (year, region, key): a few
// per year and region, one query.
func (tx *txn) datesInForce(ctx context.Context) (cycleDates, error) {
	rows, err := tx.query(ctx, "SELECT "+tx.cycleDateColumns()+cycleDatesFrom+` WHERE cd.id IN
		(SELECT MAX(id) FROM cycle_dates GROUP BY year, region, key)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := cycleDates{}
	for rows.Next() {
		d, err := scanCycleDate(rows)
		if err != nil {
			return nil, err
		}
		out[cycleDateKey{d.Year, d.Region, d.Key}] = d
	}
	return out, rows.Err()
}
