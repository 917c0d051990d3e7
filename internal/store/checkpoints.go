package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/workflow"
)

// CheckpointReport is a department-year's checkpoint report for one month
// (绩效目标执行监控表, migration 00013): a track beside the year with its
// own status (workflow.Checkpoint moves) and version.
type CheckpointReport struct {
	Month   int
	Status  string
	Version int
	// DueOn is the last day of the month after the checkpoint.
	DueOn     civil.Date
	Data      *monitor.Checkpoint
	UpdatedBy string
	UpdatedAt time.Time
}

// StatusName is the report's status in Chinese.
func (r *CheckpointReport) StatusName() string {
	return workflow.StatusName(workflow.Checkpoint, r.Status)
}

// CheckpointDue is the due date of the report of checkpoint month in
// year under the store's cycle rules (rules/cycle-default.yaml: the last
// day of the month after the checkpoint, so July's report is due on 31
// August), on the official working-day calendar where the rule counts
// working days. A year the calendar does not know yet is an error naming
// it: the date is never guessed.
func (s *Store) CheckpointDue(year, month int) (civil.Date, error) {
	cal, err := calendar.Default()
	if err != nil {
		return civil.Date{}, err
	}
	d, err := s.rules.Cycle.CheckpointDue(year, month, cal)
	if err != nil {
		return civil.Date{}, errorf(apperr.EINVALID, "%d 年 %d 月绩效监控报告的报送期限无法确定：%v", year, month, err)
	}
	return d, nil
}

// CheckpointMonths are the checkpoint months of the store's cycle rules.
func (s *Store) CheckpointMonths() []int { return s.rules.Cycle.Months() }

// checkpointBlocksDraft are the findings that refuse even a draft: the
// report's shape. Missing causes and gaps (E234, E235) only block
// submission, so a department can save its work as it goes.
var checkpointBlocksDraft = map[string]bool{
	diag.CheckpointMonth: true, diag.CheckpointUnknown: true, diag.CheckpointNotNumber: true,
	diag.CheckpointChoice: true, diag.CheckpointSpending: true,
}

// checkpointError is apperr.EINVALID listing findings (every one, in
// order) under where.
func checkpointError(where string, ds diag.List) error {
	var b strings.Builder
	b.WriteString(where)
	for i, d := range ds {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(d.Code + " " + d.Message)
	}
	return errorf(apperr.EINVALID, "%s", b.String())
}

// checkCheckpointText applies the text rules to every entered field.
func checkCheckpointText(where string, c *monitor.Checkpoint) error {
	check := func(label string, p monitor.Progress) error {
		for _, f := range []struct {
			name string
			kind evaluation.TextKind
			v    string
		}{
			{"指标编码", evaluation.TextCode, p.Code}, {"执行情况", evaluation.TextLine, p.ToDate}, {"全年预计完成情况", evaluation.TextLine, p.Expected},
			{"原因说明", evaluation.TextParagraph, p.Explanation}, {"纠偏措施", evaluation.TextParagraph, p.Measures}, {"备注", evaluation.TextLine, p.Remark},
		} {
			if err := checkField(where+label, f.name, f.kind, f.v); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range c.Targets {
		if err := check(fmt.Sprintf("部门整体指标 %s 的", p.Code), p); err != nil {
			return err
		}
	}
	for _, pp := range c.Projects {
		if err := checkField(where, "项目编码", evaluation.TextCode, pp.Code); err != nil {
			return err
		}
		for _, p := range pp.Indicators {
			if err := check(fmt.Sprintf("项目 %s 指标 %s 的", pp.Code, p.Code), p); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxCheckpointRows bounds a report: no year declares more indicators.
const maxCheckpointRows = 5000

// SaveCheckpoint stores the department's checkpoint report c for month
// c.Month of a department-year, read at expectedVersion (0 for a report
// not yet stored, which creates it as a draft). Only the department's
// editor saves, only in the execution stage, only a draft or a returned
// report. Findings of the report's shape (E230–E233, E236) refuse it
// with every one listed; the other findings (ValidateCheckpoint, draft)
// are returned for the page to show. Each changed field is a history row
// of the year at path monitoring[M].…, the year's version unchanged. It
// returns the report's new version.
func (s *Store) SaveCheckpoint(ctx context.Context, code string, year int, c *monitor.Checkpoint, expectedVersion int, actor User, reason string) (int, diag.List, error) {
	where := fmt.Sprintf("部门 %s %d 年度 %d 月绩效监控表：", code, year, c.Month)
	n := len(c.Targets)
	for _, p := range c.Projects {
		n += 1 + len(p.Indicators)
	}
	if n > maxCheckpointRows {
		return 0, nil, errorf(apperr.EINVALID, "%s行数 %d 超过上限 %d", where, n, maxCheckpointRows)
	}
	if err := checkCheckpointText(where, c); err != nil {
		return 0, nil, err
	}
	if !s.rules.Cycle.IsCheckpoint(c.Month) {
		return 0, nil, errorf(apperr.EINVALID, "%s%d 月不是监控节点：周期规则设定的监控节点为 %s", where, c.Month, s.rules.Cycle.MonthNames())
	}
	var (
		version  int
		findings diag.List
	)
	err := s.withTx(ctx, func(tx *txn) error {
		a, st, err := tx.actorOn(ctx, actor, code, year)
		if err != nil {
			return err
		}
		if a.Role != workflow.Editor {
			return errorf(apperr.EFORBIDDEN, "%s只有本部门的填报人可以填写绩效监控表", where)
		}
		if st.stage != workflow.Execution {
			return errorf(apperr.EINVALID, "%s只能在执行监控阶段填写，当前为%s阶段", where, workflow.StageName(st.stage))
		}
		ev, err := tx.evaluation(ctx, st.id, code, year)
		if err != nil {
			return err
		}
		ds := monitor.ValidateCheckpoint(ev, c, false)
		var blocking diag.List
		for _, d := range ds {
			if checkpointBlocksDraft[d.Code] {
				blocking = append(blocking, d)
			}
		}
		if len(blocking) > 0 {
			return checkpointError(where, blocking)
		}
		findings = ds
		old, err := tx.checkpoint(ctx, st.id, c.Month)
		if err != nil && apperr.Code(err) != apperr.ENOTFOUND {
			return err
		}
		data, err := json.Marshal(c)
		if err != nil {
			return err
		}
		now := s.now()
		prev := &monitor.Checkpoint{Month: c.Month}
		if old == nil {
			if expectedVersion != 0 {
				return errorf(apperr.ECONFLICT, "%s监控表已被删除或尚未创建，请刷新后重试", where)
			}
			version = 1
			due, err := s.CheckpointDue(year, c.Month)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO monitoring_reports (department_year_id, month, status, version, due_on, data, updated_by, updated_at)
				VALUES (?, ?, ?, 1, ?, ?, ?, ?)`, st.id, c.Month, workflow.Draft, due.String(), string(data), a.Username, now); err != nil {
				if isUniqueViolation(err) {
					// Created by someone else since this one read it.
					return errorf(apperr.ECONFLICT, "%s已由他人创建，请刷新后重试", where)
				}
				return fmt.Errorf("保存绩效监控表失败：%w", err)
			}
		} else {
			if old.Version != expectedVersion {
				return errorf(apperr.ECONFLICT, "%s已被他人修改（当前版本 %d，您编辑的版本 %d），请刷新后重试", where, old.Version, expectedVersion)
			}
			if !workflow.Editable(old.Status) {
				return errorf(apperr.EFORBIDDEN, "%s当前状态为“%s”，不能修改；只有草稿或已退回的监控表可以修改", where, old.StatusName())
			}
			version = old.Version + 1
			r, err := tx.exec(ctx, `UPDATE monitoring_reports SET data = ?, version = ?, updated_by = ?, updated_at = ?
				WHERE department_year_id = ? AND month = ? AND version = ?`, string(data), version, a.Username, now, st.id, c.Month, expectedVersion)
			if err != nil {
				return fmt.Errorf("保存绩效监控表失败：%w", err)
			}
			if n, err := r.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return errorf(apperr.ECONFLICT, "%s已被他人修改，请刷新后重试", where)
			}
			prev = old.Data
		}
		return tx.checkpointHistory(ctx, st.id, st.version, prev, c, a.Username, strings.TrimSpace(reason), now)
	})
	if err != nil {
		return 0, nil, err
	}
	return version, findings, nil
}

// checkpointFields flattens a report to its fields by history path.
func checkpointFields(c *monitor.Checkpoint) map[string]string {
	out := map[string]string{}
	row := func(prefix string, p monitor.Progress) {
		causes := make([]string, len(p.Causes))
		for i, c := range p.Causes {
			causes[i] = monitor.Causes[c]
		}
		for k, v := range map[string]string{
			"to_date": p.ToDate, "expected": p.Expected, "causes": strings.Join(causes, "、"),
			"likelihood": monitor.Likelihoods[p.Likelihood], "explanation": p.Explanation, "measures": p.Measures, "remark": p.Remark,
		} {
			if v != "" {
				out[prefix+"."+k] = v
			}
		}
	}
	m := fmt.Sprintf("monitoring[%d]", c.Month)
	for _, p := range c.Targets {
		row(fmt.Sprintf("%s.targets[%s]", m, p.Code), p)
	}
	for _, pp := range c.Projects {
		pre := fmt.Sprintf("%s.projects[%s]", m, pp.Code)
		if pp.Expected != nil {
			out[pre+".expected"] = pp.Expected.YuanText()
		}
		for _, p := range pp.Indicators {
			row(fmt.Sprintf("%s.indicators[%s]", pre, p.Code), p)
		}
	}
	return out
}

// checkpointHistory writes one update row per field that changed from
// old to c, in path order.
func (tx *txn) checkpointHistory(ctx context.Context, id int64, version int, old, c *monitor.Checkpoint, actor, reason string, now time.Time) error {
	before, after := checkpointFields(old), checkpointFields(c)
	var paths []string
	for p := range after {
		if before[p] != after[p] {
			paths = append(paths, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		if _, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
			VALUES (?, ?, ?, ?, 'update', ?, ?, ?, ?)`, id, version, now, actor, p, before[p], after[p], reason); err != nil {
			return fmt.Errorf("写入修改记录失败：%w", err)
		}
	}
	return nil
}

// evaluation reads the stored data of a department-year.
func (tx *txn) evaluation(ctx context.Context, id int64, code string, year int) (*evaluation.Evaluation, error) {
	var data []byte
	if err := tx.queryRow(ctx, "SELECT data FROM department_years WHERE id = ?", id).Scan(&data); err != nil {
		return nil, err
	}
	ev := new(evaluation.Evaluation)
	if err := json.Unmarshal(data, ev); err != nil {
		return nil, fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", code, year, err)
	}
	return ev, nil
}

// actorOn identifies actor and loads the department-year it acts on,
// refusing a department user of another department.
func (tx *txn) actorOn(ctx context.Context, actor User, code string, year int) (User, dyState, error) {
	a, err := tx.actor(ctx, actor)
	if err != nil {
		return a, dyState{}, err
	}
	st, err := tx.loadState(ctx, code, year)
	if err != nil {
		return a, st, err
	}
	return a, st, checkDepartment(a, code, year)
}

// checkpointColumns selects a monitoring_reports row; due_on as text on
// both engines.
func (tx *txn) checkpointColumns() string {
	due := "due_on"
	if tx.store.dialect == Postgres {
		due = "to_char(due_on, 'YYYY-MM-DD')"
	}
	return "month, status, version, " + due + ", data, updated_by, updated_at"
}

func scanCheckpoint(row interface{ Scan(...any) error }) (*CheckpointReport, error) {
	var (
		r    CheckpointReport
		due  string
		data []byte
	)
	if err := row.Scan(&r.Month, &r.Status, &r.Version, &due, &data, &r.UpdatedBy, &r.UpdatedAt); err != nil {
		return nil, err
	}
	d, err := civil.ParseDate(due)
	if err != nil {
		return nil, fmt.Errorf("绩效监控表的截止日期 %q 无法读取：%w", due, err)
	}
	r.DueOn = d
	r.Data = new(monitor.Checkpoint)
	if err := json.Unmarshal(data, r.Data); err != nil {
		return nil, fmt.Errorf("%d 月绩效监控表已保存的数据无法读取：%w", r.Month, err)
	}
	r.UpdatedAt = r.UpdatedAt.UTC()
	return &r, nil
}

// checkpoint reads the report of month, or apperr.ENOTFOUND.
func (tx *txn) checkpoint(ctx context.Context, id int64, month int) (*CheckpointReport, error) {
	r, err := scanCheckpoint(tx.queryRow(ctx, "SELECT "+tx.checkpointColumns()+" FROM monitoring_reports WHERE department_year_id = ? AND month = ?", id, month))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(apperr.ENOTFOUND, "%d 月绩效监控表尚未填写", month)
	}
	return r, err
}

// Checkpoint returns the department-year's report of month, or
// apperr.ENOTFOUND when none is stored.
func (s *Store) Checkpoint(ctx context.Context, code string, year, month int) (*CheckpointReport, error) {
	var out *CheckpointReport
	err := s.withReadTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		out, err = tx.checkpoint(ctx, st.id, month)
		if apperr.Code(err) == apperr.ENOTFOUND {
			return errorf(apperr.ENOTFOUND, "部门 %s %d 年度的 %d 月绩效监控表尚未填写", code, year, month)
		}
		return err
	})
	return out, err
}

// Checkpoints returns every report of a department-year, by month.
func (s *Store) Checkpoints(ctx context.Context, code string, year int) ([]CheckpointReport, error) {
	var out []CheckpointReport
	err := s.withReadTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, "SELECT "+tx.checkpointColumns()+" FROM monitoring_reports WHERE department_year_id = ? ORDER BY month", st.id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanCheckpoint(rows)
			if err != nil {
				return err
			}
			out = append(out, *r)
		}
		return rows.Err()
	})
	return out, err
}

// TransitionCheckpoint moves the report of month, read at
// expectedVersion, to status to as actor (workflow.FindCheckpoint), with
// comment (required to return it), and returns its new version. A
// submission is checked complete (monitor.ValidateCheckpoint): any error
// refuses it, every one listed. The move is a history row of the year at
// path monitoring[M].status; the year's version and status do not change.
func (s *Store) TransitionCheckpoint(ctx context.Context, code string, year, month int, to string, actor User, comment string, expectedVersion int) (int, error) {
	comment = strings.TrimSpace(comment)
	where := fmt.Sprintf("部门 %s %d 年度 %d 月绩效监控表：", code, year, month)
	var version int
	err := s.withTx(ctx, func(tx *txn) error {
		a, st, err := tx.actorOn(ctx, actor, code, year)
		if err != nil {
			return err
		}
		r, err := tx.checkpoint(ctx, st.id, month)
		if err != nil {
			if apperr.Code(err) == apperr.ENOTFOUND {
				return errorf(apperr.ENOTFOUND, "%s尚未填写", where)
			}
			return err
		}
		if r.Version != expectedVersion {
			return errorf(apperr.ECONFLICT, "%s已被他人修改（当前版本 %d，您编辑的版本 %d），请刷新后重试", where, r.Version, expectedVersion)
		}
		t, err := workflow.FindCheckpoint(r.Status, to, a.Role)
		if err != nil {
			return &apperr.Error{Code: apperr.EFORBIDDEN, Message: where + err.Error()}
		}
		if t.NeedsComment && comment == "" {
			return errorf(apperr.EINVALID, "%s%s需要填写原因", where, t.Action)
		}
		if err := checkField(where+t.Action+"的", "原因", evaluation.TextParagraph, comment); err != nil {
			return err
		}
		if to == workflow.Submitted {
			ev, err := tx.evaluation(ctx, st.id, code, year)
			if err != nil {
				return err
			}
			if errs := monitor.ValidateCheckpoint(ev, r.Data, true).Errors(); len(errs) > 0 {
				return checkpointError(where+"不能提交：", errs)
			}
		}
		version = r.Version + 1
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE monitoring_reports SET status = ?, version = ?, updated_by = ?, updated_at = ?
			WHERE department_year_id = ? AND month = ? AND version = ?`, to, version, a.Username, now, st.id, month, expectedVersion)
		if err != nil {
			return fmt.Errorf("更新绩效监控表状态失败：%w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errorf(apperr.ECONFLICT, "%s已被他人修改，请刷新后重试", where)
		}
		if _, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
			VALUES (?, ?, ?, ?, 'status', ?, ?, ?, ?)`, st.id, st.version, now, a.Username, fmt.Sprintf("monitoring[%d].status", month), r.Status, to, comment); err != nil {
			return fmt.Errorf("写入修改记录失败：%w", err)
		}
		// A report accepted after year end changes the monitoring item.
		return tx.rescoreWithRecords(ctx, st.id, st.stage)
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}
