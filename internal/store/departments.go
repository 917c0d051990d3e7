package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Department is a department (预算单位) as an administrator sees it: its
// master data (code, name, parent department and region), how many
// accounts belong to it, and the years stored for it.
type Department struct {
	Code   string
	Name   string
	Parent string // 主管部门, "" when none is registered
	Region string // 所属地区, "" when none is registered
	Users  int    // accounts (enabled or not) with this department code
	Years  []DepartmentYear
}

// Master returns the department's master data as the evaluation carries
// it.
func (d Department) Master() evaluation.Master {
	return evaluation.Master{Name: d.Name, Parent: d.Parent, Region: d.Region}
}

// DepartmentYear is one stored year of a department and its status.
type DepartmentYear struct {
	Year   int
	Status string
}

// Limits on a department's fields: those of the text kinds code and name
// (evaluation.Limits, defaults 64 and 200 characters). The constants are
// the defaults.
const (
	MaxDepartmentCodeLen = 64
	MaxDepartmentNameLen = 200
)

// CheckDepartmentCode checks a department code given by hand: not empty,
// and a code by the text rule (evaluation.TextCode: no spaces, control or
// invisible characters, at most evaluation.Limits.Code characters). It
// returns the problem in Chinese, without naming the field, or "".
func CheckDepartmentCode(code string) string {
	if code == "" {
		return "不能为空"
	}
	return evaluation.CheckText(evaluation.TextCode, code)
}

// CheckDepartmentName checks a department name: not empty or blank, no
// spaces around it, and a name by the text rule (evaluation.TextName: one
// line, no control, bidirectional or invisible formatting characters, at
// most evaluation.Limits.Name characters). It returns the problem in
// Chinese, without naming the field, or "".
func CheckDepartmentName(name string) string {
	if strings.TrimSpace(name) == "" {
		return "不能为空"
	}
	return CheckDepartmentPlace(name)
}

// CheckDepartmentPlace checks a department's parent department or region,
// which may be empty: otherwise as CheckDepartmentName.
func CheckDepartmentPlace(s string) string {
	if msg := evaluation.CheckText(evaluation.TextName, s); msg != "" {
		return msg
	}
	if strings.TrimSpace(s) != s {
		return "前后不能有空格"
	}
	return ""
}

// MaxReasonLen is the default maximum length of a reason for a change of
// master data: the text kind paragraph's (evaluation.Limits.Paragraph)
// is the hard limit; a reason is also at most this many characters.
const MaxReasonLen = 500

// CheckReason checks the reason given for a change: not blank, a
// paragraph by the text rule, at most MaxReasonLen characters. It returns
// the problem in Chinese, without naming the field, or "".
func CheckReason(reason string) string {
	if strings.TrimSpace(reason) == "" {
		return "不能为空"
	}
	if msg := evaluation.CheckText(evaluation.TextParagraph, reason); msg != "" {
		return msg
	}
	if n := utf8.RuneCountInString(reason); n > MaxReasonLen {
		return fmt.Sprintf("过长（%d 个字符，最多 %d 个）", n, MaxReasonLen)
	}
	return ""
}

// DepartmentMaster is the master data an administrator registers for a
// department: its code, name, parent department and region.
type DepartmentMaster struct {
	Code, Name, Parent, Region string
}

// check returns apperr.EINVALID naming the first field that breaks its rule.
func (m DepartmentMaster) check() error {
	if msg := CheckDepartmentCode(m.Code); msg != "" {
		return errorf(apperr.EINVALID, "部门编码%s", msg)
	}
	for _, f := range []struct{ name, msg string }{
		{"名称", CheckDepartmentName(m.Name)},
		{"主管部门", CheckDepartmentPlace(m.Parent)},
		{"所属地区", CheckDepartmentPlace(m.Region)},
	} {
		if f.msg != "" {
			return errorf(apperr.EINVALID, "部门 %s 的%s%s", m.Code, f.name, f.msg)
		}
	}
	return nil
}

// DepartmentChange is one change of a department's master data: its
// creation (Field "create", New the name) or a changed field ("name",
// "parent", "region") with the old and new value, who made it, when and
// why.
type DepartmentChange struct {
	At       time.Time
	Actor    string
	Field    string
	Old, New string
	Reason   string
}

// DepartmentFieldNames are the master-data fields in Chinese, by their
// name in department history.
var DepartmentFieldNames = map[string]string{
	"create": "创建部门", "name": "部门名称", "parent": "主管部门", "region": "所属地区",
}

// ListDepartments returns every stored department by code, with the number
// of accounts that name its code and its stored years (oldest first) with
// their status.
func (s *Store) ListDepartments(ctx context.Context) ([]Department, error) {
	var out []Department
	err := s.withReadTx(ctx, func(tx *txn) error {
		var err error
		out, err = tx.departments(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("读取部门列表失败：%w", err)
	}
	return out, nil
}

func (tx *txn) departments(ctx context.Context) ([]Department, error) {
	var out []Department
	byCode := map[string]int{}
	rows, err := tx.query(ctx, `SELECT d.code, d.name, d.parent, d.region,
		(SELECT count(*) FROM users u WHERE u.department_code = d.code)
		FROM departments d ORDER BY d.code`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.Code, &d.Name, &d.Parent, &d.Region, &d.Users); err != nil {
			rows.Close()
			return nil, err
		}
		byCode[d.Code] = len(out)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The rows are closed before the next query: a PostgreSQL connection
	// serves one result at a time.
	rows, err = tx.query(ctx, `SELECT d.code, dy.year, dy.status
		FROM department_years dy JOIN departments d ON d.id = dy.department_id
		ORDER BY d.code, dy.year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var y DepartmentYear
		if err := rows.Scan(&code, &y.Year, &y.Status); err != nil {
			return nil, err
		}
		if i, ok := byCode[code]; ok {
			out[i].Years = append(out[i].Years, y)
		}
	}
	return out, rows.Err()
}

// SaveDepartment registers a department's master data: it creates the
// department with the code, or changes the name, parent and region of a
// stored one, and reports whether it was created. Only an administrator
// changes master data (apperr.EFORBIDDEN for anyone else; the command line's
// import is the operator's, see ImportOptions). Invalid fields are
// apperr.EINVALID (CheckDepartmentCode, CheckDepartmentName,
// CheckDepartmentPlace), and so is a blank reason (CheckReason). The
// creation and every changed field are recorded in the department's
// history (DepartmentHistory) with the actor, the time, the old and the
// new value and the reason. The department's stored years are not
// rewritten: each carries the master data from its next write on, and
// lists show the registered name at once.
func (s *Store) SaveDepartment(ctx context.Context, m DepartmentMaster, actor User, reason string) (created bool, err error) {
	if err := m.check(); err != nil {
		return false, err
	}
	if msg := CheckReason(reason); msg != "" {
		return false, errorf(apperr.EINVALID, "修改部门 %s 的原因%s", m.Code, msg)
	}
	reason = strings.TrimSpace(reason)
	err = s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		if a.Role != workflow.Admin {
			return errorf(apperr.EFORBIDDEN, "只有%s可以修改部门登记信息", workflow.RoleNames[workflow.Admin])
		}
		created, err = tx.saveMaster(ctx, m, a.Username, reason, true)
		return err
	})
	if err != nil {
		return false, err
	}
	return created, nil
}

// saveMaster creates the department m names or, if it is stored, sets its
// master data to m's, recording every change in department history. With
// all false, an empty parent or region of m leaves the stored one as it
// is (an import's file that states none).
func (tx *txn) saveMaster(ctx context.Context, m DepartmentMaster, actor, reason string, all bool) (created bool, err error) {
	var id int64
	var old DepartmentMaster
	err = tx.queryRow(ctx, "SELECT id, name, parent, region FROM departments WHERE code = ?", m.Code).Scan(&id, &old.Name, &old.Parent, &old.Region)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.createDepartments(ctx, []DepartmentMaster{m}, actor, reason); err != nil {
			return false, err
		}
		return true, nil
	case err != nil:
		return false, err
	}
	if !all {
		if m.Parent == "" {
			m.Parent = old.Parent
		}
		if m.Region == "" {
			m.Region = old.Region
		}
	}
	now := tx.store.now()
	for _, f := range []struct{ field, old, new string }{
		{"name", old.Name, m.Name}, {"parent", old.Parent, m.Parent}, {"region", old.Region, m.Region},
	} {
		if f.old == f.new {
			continue
		}
		if _, err := tx.exec(ctx, "UPDATE departments SET "+f.field+" = ?, master_filled = ? WHERE id = ?", f.new, true, id); err != nil {
			return false, fmt.Errorf("更新部门 %s 的%s失败：%w", m.Code, DepartmentFieldNames[f.field], err)
		}
		if err := tx.departmentHistory(ctx, id, now, actor, f.field, f.old, f.new, reason); err != nil {
			return false, err
		}
	}
	return false, nil
}

// departmentHistory adds a row to a department's history.
func (tx *txn) departmentHistory(ctx context.Context, id int64, at time.Time, actor, field, old, new, reason string) error {
	_, err := tx.exec(ctx, `INSERT INTO department_history (department_id, at, actor, field, old_value, new_value, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, at, actor, field, old, new, reason)
	if err != nil {
		return fmt.Errorf("写入部门修改记录失败：%w", err)
	}
	return nil
}

// createDepartments creates departments with their master data, each
// recorded in department history as created (with its parent and region
// when it has them), and returns their ids by code. The rows go in one
// statement on PostgreSQL (one round trip however many departments an
// import creates), with one prepared statement on SQLite.
func (tx *txn) createDepartments(ctx context.Context, ms []DepartmentMaster, actor, reason string) (map[string]int64, error) {
	ids := make(map[string]int64, len(ms))
	if len(ms) == 0 {
		return ids, nil
	}
	exists := func(err error) error {
		if isUniqueViolation(err) {
			return &apperr.Error{Code: apperr.ECONFLICT, Message: "部门刚被其他操作创建，请刷新后重试", Err: err}
		}
		return fmt.Errorf("创建部门失败：%w", err)
	}
	if tx.store.dialect == Postgres {
		cols := make([][]string, 4)
		for _, m := range ms {
			cols[0], cols[1], cols[2], cols[3] = append(cols[0], m.Code), append(cols[1], m.Name), append(cols[2], m.Parent), append(cols[3], m.Region)
		}
		rows, err := tx.query(ctx, `INSERT INTO departments (code, name, parent, region, master_filled)
			SELECT c, n, p, r, TRUE FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS t (c, n, p, r) RETURNING id, code`,
			cols[0], cols[1], cols[2], cols[3])
		if err != nil {
			return nil, exists(err)
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return nil, err
			}
			ids[code] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, exists(err)
		}
	} else {
		stmt, err := tx.prepare(ctx, "INSERT INTO departments (code, name, parent, region, master_filled) VALUES (?, ?, ?, ?, ?) RETURNING id")
		if err != nil {
			return nil, err
		}
		defer stmt.Close()
		for _, m := range ms {
			var id int64
			if err := stmt.QueryRowContext(ctx, m.Code, m.Name, m.Parent, m.Region, true).Scan(&id); err != nil {
				return nil, exists(err)
			}
			ids[m.Code] = id
		}
	}
	now := tx.store.now()
	var hist [][]any
	for _, m := range ms {
		id := ids[m.Code]
		hist = append(hist, []any{id, now, actor, "create", "", m.Name, reason})
		for _, f := range []struct{ field, v string }{{"parent", m.Parent}, {"region", m.Region}} {
			if f.v != "" {
				hist = append(hist, []any{id, now, actor, f.field, "", f.v, reason})
			}
		}
	}
	if err := tx.insertRows(ctx, "department_history", departmentHistoryColumns, hist); err != nil {
		return nil, fmt.Errorf("写入部门修改记录失败：%w", err)
	}
	return ids, nil
}

var departmentHistoryColumns = []string{"department_id", "at", "actor", "field", "old_value", "new_value", "reason"}

// GetDepartment returns a stored department's master data (without its
// accounts and years); apperr.ENOTFOUND when none has the code.
func (s *Store) GetDepartment(ctx context.Context, code string) (Department, error) {
	var d Department
	if !storable(code) {
		return d, errorf(apperr.ENOTFOUND, "未找到部门 %s", code)
	}
	err := s.withReadTx(ctx, func(tx *txn) error {
		err := tx.queryRow(ctx, "SELECT code, name, parent, region FROM departments WHERE code = ?", code).Scan(&d.Code, &d.Name, &d.Parent, &d.Region)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(apperr.ENOTFOUND, "未找到部门 %s", code)
		}
		return err
	})
	return d, err
}

// DepartmentHistory returns the changes of a department's master data,
// oldest first; apperr.ENOTFOUND when no department has the code.
func (s *Store) DepartmentHistory(ctx context.Context, code string) ([]DepartmentChange, error) {
	var out []DepartmentChange
	if !storable(code) {
		return nil, errorf(apperr.ENOTFOUND, "未找到部门 %s", code)
	}
	err := s.withReadTx(ctx, func(tx *txn) error {
		var id int64
		err := tx.queryRow(ctx, "SELECT id FROM departments WHERE code = ?", code).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(apperr.ENOTFOUND, "未找到部门 %s", code)
		}
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT at, actor, field, old_value, new_value, reason
			FROM department_history WHERE department_id = ? ORDER BY id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c DepartmentChange
			if err := rows.Scan(&c.At, &c.Actor, &c.Field, &c.Old, &c.New, &c.Reason); err != nil {
				return err
			}
			c.At = c.At.UTC()
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fillMasters fills the parent and region of departments stored before
// migration 00005 (master_filled false) from their latest stored year's
// summary, once: Open runs it after backfillSummaries, which fills those
// summaries.
func (s *Store) fillMasters(ctx context.Context) error {
	err := s.withTx(ctx, func(tx *txn) error {
		_, err := tx.exec(ctx, `UPDATE departments SET
			parent = COALESCE((SELECT dy.parent FROM department_years dy WHERE dy.department_id = departments.id ORDER BY dy.year DESC LIMIT 1), ''),
			region = COALESCE((SELECT dy.region FROM department_years dy WHERE dy.department_id = departments.id ORDER BY dy.year DESC LIMIT 1), ''),
			master_filled = ?
			WHERE master_filled = ?`, true, false)
		return err
	})
	if err != nil {
		return fmt.Errorf("补全部门登记信息失败：%w", err)
	}
	return nil
}
