package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Warning is a monitoring warning (预警) of a department-year at the end
// of a month: the department as a whole (ProjectCode "") or one project,
// as a warning rules file raised it, and its handling
// (workflow.WarningMoves).
type Warning struct {
	ID                    int64
	DepartmentCode        string
	Department, Region    string
	Year, Month           int
	ProjectCode           string
	ProjectName           string
	Rule, RulesVersion    string
	RulesSHA256           string
	Level, LevelName      string
	Severity              int // the level's rank: higher is more severe
	Handling              string
	Sentence              string
	Figures               monitor.Month
	Budget, Paid          money.Fen
	Rate, TimeProgress    monitor.Rate
	Gap                   monitor.Rate
	State                 string
	HandledSeverity       int
	Handler, Comment      string
	HandledAt             time.Time
	Responder, Response   string
	RespondedAt           time.Time
	RaisedAt, UpdatedAt   time.Time
	Version               int
	departmentYearID      int64
	departmentYearVersion int
	stage                 string
}

// StateName names the warning's state in Chinese.
func (w *Warning) StateName() string { return workflow.WarningStateName(w.State) }

// Scope names what the warning is about: 部门整体 or the project.
func (w *Warning) Scope() string {
	if w.ProjectCode == "" {
		return "部门整体"
	}
	return "项目 " + w.ProjectCode + " " + w.ProjectName
}

// WarningRefresh counts what a refresh did.
type WarningRefresh struct {
	Years    int // department-years computed
	Raised   int // new warnings
	Updated  int // figures changed, state kept
	Reopened int // handled or cleared warnings raised again (level risen, or firing again)
	Cleared  int // open warnings that no longer fire
	Kept     int // handled warnings left as handled
}

// warningStages are the stages whose years are monitored.
var warningStages = []string{workflow.Execution, workflow.Evaluation}

// RulesSHA256 is the SHA-256 of warning rules as JSON: what a warning
// keeps to say exactly which rules raised it.
func RulesSHA256(rules *monitor.WarningRules) string {
	b, _ := json.Marshal(rules) // plain data: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// RefreshWarnings computes, for every department-year of year in the
// execution or evaluation stage, the status at the end of month from the
// payments (one GROUP BY over the year) and the year's initial budgets
// (one query over the year's department-years and one over their
// projects), applies rules, and stores the warnings in one transaction,
// keyed by (department-year, project code, month, rules id):
//
//   - a warning not stored before is raised open;
//   - a stored warning gets the new figures and sentence; its state is
//     kept, except that a handled one (passed, returned, responded,
//     dismissed) is reopened when its level rises above the level it was
//     handled at, and a cleared one is reopened when it fires again;
//   - an open warning that no longer fires is cleared (已解除); a handled
//     one is kept as it is.
//
// Each state change is a history row of its department-year at path
// warnings[ID].state with actor as actor; the year's version does not
// change. Running it twice on the same data changes nothing.
func (s *Store) RefreshWarnings(ctx context.Context, year, month int, rules *monitor.WarningRules, actor string) (*WarningRefresh, error) {
	if month < 1 || month > 12 {
		return nil, errorf(apperr.EINVALID, "监控月份 %d 无效：应为 1 至 12", month)
	}
	if year < 2000 || year > 2100 {
		return nil, errorf(apperr.EINVALID, "年度 %d 无效：应为 2000 至 2100", year)
	}
	if rules == nil || rules.ID == "" {
		return nil, errorf(apperr.EINVALID, "缺少预警规则")
	}
	if strings.TrimSpace(actor) == "" {
		return nil, errorf(apperr.EINVALID, "缺少操作人")
	}
	severity := map[string]int{}
	for i, l := range rules.Levels {
		severity[l.Code] = len(rules.Levels) - i
	}
	sha := RulesSHA256(rules)
	schedule := s.rules.Schedule()
	out := &WarningRefresh{}
	err := s.withTx(ctx, func(tx *txn) error {
		units, err := tx.monitoredUnits(ctx, year)
		if err != nil {
			return err
		}
		out.Years = len(units)
		// The year's monthly sums, gathered into curves by unit as they
		// come: memory grows with the projects, not the payments.
		byUnit := curvesByUnit{}
		if err := tx.paidByMonth(ctx, year, "", byUnit.add(year, "支付")); err != nil {
			return err
		}
		// The year's budget changes (预算调整), few beside the payments.
		changes := curvesByUnit{}
		if err := tx.changedByMonth(ctx, year, "", changes.add(year, "预算调整")); err != nil {
			return err
		}
		existing, err := tx.storedWarnings(ctx, year, month, rules.ID)
		if err != nil {
			return err
		}
		now := s.now()
		var inserts, history [][]any
		var fresh []warningKey
		record := func(w *Warning, from, to, reason string) {
			history = append(history, []any{w.departmentYearID, w.departmentYearVersion, now, actor, "status",
				fmt.Sprintf("warnings[%d].state", w.ID), from, to, reason})
		}
		move := func(w *Warning, to, reason string) { record(w, w.State, to, reason) }
		// New warnings go in by batches as they are found, so that a
		// province's first refresh does not hold them all at once.
		flush := func() error {
			if err := tx.insertRows(ctx, "warnings", warningColumns, inserts); err != nil {
				if isUniqueViolation(err) {
					return errorf(apperr.ECONFLICT, "%d 年 %d 月的预警正由另一次计算写入，请稍后重试", year, month)
				}
				return fmt.Errorf("保存预警失败：%w", err)
			}
			out.Raised += len(inserts)
			inserts = inserts[:0]
			return nil
		}
		seen := map[warningKey]bool{}
		for _, u := range units {
			u.unit.Changes = changes[u.unit.Code]
			st, err := u.unit.Status(byUnit[u.unit.Code], month, schedule)
			if err != nil {
				return errorf(apperr.EINVALID, "部门 %s %d 年度：%v", u.unit.Code, year, err)
			}
			st.Warn(rules)
			lines := append([]monitor.Line{st.Whole}, st.Projects...)
			for _, l := range lines {
				k := warningKey{u.id, l.Code}
				if seen[k] {
					continue // a project code repeated in a year stored before codes were checked: the first only
				}
				seen[k] = true
				old := existing[k]
				if l.Warning == nil {
					if old != nil && old.State == workflow.WarningOpen {
						move(old, workflow.WarningCleared, fmt.Sprintf("已不满足预警条件：%s", l.Sentence()))
						if err := tx.setWarningState(ctx, old.ID, workflow.WarningCleared, now); err != nil {
							return err
						}
						out.Cleared++
					}
					continue
				}
				m := l.Last()
				figures, err := json.Marshal(m)
				if err != nil {
					return err
				}
				sev := severity[l.Warning.Level]
				if old == nil {
					inserts = append(inserts, []any{u.id, l.Code, l.Name, month, rules.ID, rules.Version, sha,
						l.Warning.Level, l.Warning.Name, sev, l.Warning.Handling, l.Warning.Sentence, string(figures),
						int64(m.Adjusted), int64(m.PaidToDate), int64(m.Rate), int64(m.TimeProgress), int64(m.Gap),
						workflow.WarningOpen, now, now})
					fresh = append(fresh, k)
					if len(inserts) == warningBatch {
						if err := flush(); err != nil {
							return err
						}
					}
					continue
				}
				state := old.State
				switch {
				case old.State == workflow.WarningCleared:
					state = workflow.WarningOpen
					move(old, state, "再次触发预警："+l.Warning.Sentence)
					out.Reopened++
				case old.State != workflow.WarningOpen && sev > old.HandledSeverity:
					state = workflow.WarningOpen
					move(old, state, fmt.Sprintf("预警等级升至%s，重新待处理：%s", l.Warning.Name, l.Warning.Sentence))
					out.Reopened++
				case old.State != workflow.WarningOpen:
					out.Kept++
				}
				if state == old.State && old.Level == l.Warning.Level && old.Sentence == l.Warning.Sentence &&
					old.Paid == m.PaidToDate && old.Budget == m.Adjusted && old.RulesSHA256 == sha {
					continue
				}
				if state == old.State {
					out.Updated++
				}
				if _, err := tx.exec(ctx, `UPDATE warnings SET project_name = ?, rules_version = ?, rules_sha256 = ?, level = ?, level_name = ?,
					severity = ?, handling = ?, sentence = ?, figures = ?, budget = ?, paid = ?, rate = ?, time_progress = ?, gap = ?,
					state = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
					l.Name, rules.Version, sha, l.Warning.Level, l.Warning.Name, sev, l.Warning.Handling, l.Warning.Sentence, string(figures),
					int64(m.Adjusted), int64(m.PaidToDate), int64(m.Rate), int64(m.TimeProgress), int64(m.Gap), state, now, old.ID); err != nil {
					return fmt.Errorf("保存预警失败：%w", err)
				}
			}
		}
		// Warnings of lines no longer computed (a project removed from
		// the year): an open one is cleared, a handled one kept.
		for k, old := range existing {
			if !seen[k] && old.State == workflow.WarningOpen {
				move(old, workflow.WarningCleared, "该项目已不在本年度中")
				if err := tx.setWarningState(ctx, old.ID, workflow.WarningCleared, now); err != nil {
					return err
				}
				out.Cleared++
			}
		}
		if err := flush(); err != nil {
			return err
		}
		inserts, existing, seen = nil, nil, nil
		if len(fresh) > 0 {
			stored, err := tx.storedWarnings(ctx, year, month, rules.ID)
			if err != nil {
				return err
			}
			for _, k := range fresh {
				w := stored[k]
				record(w, "", workflow.WarningOpen, "触发预警："+w.Sentence)
			}
		}
		if err := tx.insertRows(ctx, "history", historyColumns, history); err != nil {
			return fmt.Errorf("写入修改记录失败：%w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

var warningColumns = []string{"department_year_id", "project_code", "project_name", "month", "rule", "rules_version", "rules_sha256",
	"level", "level_name", "severity", "handling", "sentence", "figures",
	"budget", "paid", "rate", "time_progress", "gap", "state", "raised_at", "updated_at"}

type warningKey struct {
	dy      int64
	project string
}

func (tx *txn) setWarningState(ctx context.Context, id int64, state string, now time.Time) error {
	if _, err := tx.exec(ctx, `UPDATE warnings SET state = ?, updated_at = ?, version = version + 1 WHERE id = ?`, state, now, id); err != nil {
		return fmt.Errorf("保存预警失败：%w", err)
	}
	return nil
}

// monitoredUnit is a department-year RefreshWarnings computes.
type monitoredUnit struct {
	id   int64
	unit monitor.Unit
}

// monitoredUnits reads the budgets of every department-year of year in a
// monitored stage: the department's initial budget from its document
// (extracted in SQL), the coded projects' from the projects table.
func (tx *txn) monitoredUnits(ctx context.Context, year int) ([]monitoredUnit, error) {
	budget := `json_extract(dy.data, '$.finance.budget.initial')`
	if tx.store.dialect == Postgres {
		budget = `dy.data->'finance'->'budget'->>'initial'`
	}
	stages := `dy.stage IN ('` + strings.Join(warningStages, `', '`) + `')`
	rows, err := tx.query(ctx, `SELECT dy.id, d.code, d.name, COALESCE(CAST(`+budget+` AS TEXT), '') FROM department_years dy
		JOIN departments d ON d.id = dy.department_id WHERE dy.year = ? AND `+stages+` ORDER BY d.code`, year)
	if err != nil {
		return nil, err
	}
	var out []monitoredUnit
	index := map[int64]int{}
	for rows.Next() {
		var u monitoredUnit
		var initial string
		if err := rows.Scan(&u.id, &u.unit.Code, &u.unit.Name, &initial); err != nil {
			rows.Close()
			return nil, err
		}
		u.unit.Year = year
		if initial != "" {
			if u.unit.Initial, err = money.Parse(initial); err != nil {
				rows.Close()
				return nil, errorf(apperr.EINVALID, "部门 %s %d 年度的年初预算数“%s”无效：%v", u.unit.Code, year, initial, err)
			}
		}
		index[u.id] = len(out)
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.query(ctx, `SELECT p.department_year_id, p.code, p.name, p.initial, p.kind FROM projects p
		JOIN department_years dy ON dy.id = p.department_year_id WHERE dy.year = ? AND `+stages+` AND p.code <> ''
		ORDER BY p.department_year_id, p.seq`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, initial int64
		var p monitor.UnitProject
		if err := rows.Scan(&id, &p.Code, &p.Name, &initial, &p.Kind); err != nil {
			return nil, err
		}
		p.Initial = money.Fen(initial)
		if i, ok := index[id]; ok {
			out[i].unit.Projects = append(out[i].unit.Projects, p)
		}
	}
	return out, rows.Err()
}

const warningSelect = `SELECT w.id, d.code, d.name, d.region, dy.year, w.month, w.project_code, w.project_name, w.rule, w.rules_version,
	w.rules_sha256, w.level, w.level_name, w.severity, w.handling, w.sentence, CAST(w.figures AS TEXT), w.budget, w.paid, w.rate,
	w.time_progress, w.gap, w.state, w.handled_severity, w.handler, w.comment, w.handled_at, w.responder, w.response,
	w.responded_at, w.raised_at, w.updated_at, w.version, dy.id, dy.version, dy.stage
	FROM warnings w JOIN department_years dy ON dy.id = w.department_year_id JOIN departments d ON d.id = dy.department_id`

func scanWarning(row interface{ Scan(...any) error }) (*Warning, error) {
	w := &Warning{}
	var figures string
	var budget, paid, rate, tp, gap int64
	var handledAt, respondedAt sql.NullTime
	if err := row.Scan(&w.ID, &w.DepartmentCode, &w.Department, &w.Region, &w.Year, &w.Month, &w.ProjectCode, &w.ProjectName,
		&w.Rule, &w.RulesVersion, &w.RulesSHA256, &w.Level, &w.LevelName, &w.Severity, &w.Handling, &w.Sentence, &figures,
		&budget, &paid, &rate, &tp, &gap, &w.State, &w.HandledSeverity, &w.Handler, &w.Comment, &handledAt, &w.Responder,
		&w.Response, &respondedAt, &w.RaisedAt, &w.UpdatedAt, &w.Version, &w.departmentYearID, &w.departmentYearVersion,
		&w.stage); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(figures), &w.Figures); err != nil {
		return nil, fmt.Errorf("预警 %d 的数据无法读取：%w", w.ID, err)
	}
	w.Budget, w.Paid = money.Fen(budget), money.Fen(paid)
	w.Rate, w.TimeProgress, w.Gap = monitor.Rate(rate), monitor.Rate(tp), monitor.Rate(gap)
	w.HandledAt, w.RespondedAt = handledAt.Time, respondedAt.Time
	return w, nil
}

// warnings reads the warnings warningSelect selects with the conditions
// and order of rest.
func (tx *txn) warnings(ctx context.Context, rest string, args ...any) ([]Warning, error) {
	rows, err := tx.query(ctx, warningSelect+rest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Warning
	for rows.Next() {
		w, err := scanWarning(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *w)
	}
	return out, rows.Err()
}

// storedWarnings reads what a refresh compares of the warnings of a
// year's month under a rules id (not their figures), by department-year
// and project code.
// warningBatch is how many new warnings a refresh writes at a time.
const warningBatch = 2000

func (tx *txn) storedWarnings(ctx context.Context, year, month int, rule string) (map[warningKey]*Warning, error) {
	rows, err := tx.query(ctx, `SELECT w.id, w.department_year_id, dy.version, w.project_code, w.level, w.severity, w.sentence,
		w.budget, w.paid, w.rules_sha256, w.state, w.handled_severity
		FROM warnings w JOIN department_years dy ON dy.id = w.department_year_id
		WHERE dy.year = ? AND w.month = ? AND w.rule = ?`, year, month, rule)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[warningKey]*Warning{}
	for rows.Next() {
		w := &Warning{}
		var budget, paid int64
		if err := rows.Scan(&w.ID, &w.departmentYearID, &w.departmentYearVersion, &w.ProjectCode, &w.Level, &w.Severity, &w.Sentence,
			&budget, &paid, &w.RulesSHA256, &w.State, &w.HandledSeverity); err != nil {
			return nil, err
		}
		w.Budget, w.Paid = money.Fen(budget), money.Fen(paid)
		out[warningKey{w.departmentYearID, w.ProjectCode}] = w
	}
	return out, rows.Err()
}

// WarningFilter selects warnings: optionally a year, a month, a level, a
// state, a department or a region. Cleared warnings (已解除) are left out
// unless State asks for them. Limit bounds the rows
// returned (at most MaxWarningsPage), Offset skips as many.
type WarningFilter struct {
	Year, Month    int
	Level, State   string
	DepartmentCode string
	Region         string
	Offset, Limit  int
}

// MaxWarningsPage bounds the warnings one call returns.
const MaxWarningsPage = 500

func (f WarningFilter) where() (string, []any) {
	conds := []string{"(w.state <> 'cleared' OR w.state = ?)"}
	args := []any{f.State}
	for _, c := range []struct {
		cond string
		v    any
		on   bool
	}{
		{"dy.year = ?", f.Year, f.Year != 0},
		{"w.month = ?", f.Month, f.Month != 0},
		{"w.level = ?", f.Level, f.Level != ""},
		{"w.state = ?", f.State, f.State != ""},
		{"d.code = ?", f.DepartmentCode, f.DepartmentCode != ""},
		{"d.region = ?", f.Region, f.Region != ""},
	} {
		if c.on {
			conds = append(conds, c.cond)
			args = append(args, c.v)
		}
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Warnings lists the warnings f selects, most severe first and, within a
// level, furthest behind first, with the number selected in all.
func (s *Store) Warnings(ctx context.Context, f WarningFilter) ([]Warning, int, error) {
	if f.Limit <= 0 || f.Limit > MaxWarningsPage {
		f.Limit = MaxWarningsPage
	}
	f.Offset = max(f.Offset, 0)
	where, args := f.where()
	var out []Warning
	var total int
	err := s.withReadTx(ctx, func(tx *txn) error {
		if err := tx.queryRow(ctx, `SELECT count(*) FROM warnings w JOIN department_years dy ON dy.id = w.department_year_id
			JOIN departments d ON d.id = dy.department_id`+where, args...).Scan(&total); err != nil {
			return err
		}
		var err error
		out, err = tx.warnings(ctx, where+` ORDER BY w.severity DESC, w.gap DESC, d.code, w.project_code LIMIT ? OFFSET ?`,
			append(args, f.Limit, f.Offset)...)
		return err
	})
	return out, total, err
}

// WarningCount is how many warnings of a level (and region, when counted
// by region) there are, and how many of them wait for the reviewer (open
// or responded).
type WarningCount struct {
	Region           string
	Level, LevelName string
	Severity         int
	Count, Pending   int
}

// WarningCounts counts the warnings of a year's month by level, and by
// region and level, most severe first; cleared warnings are not counted.
func (s *Store) WarningCounts(ctx context.Context, year, month int) (byLevel, byRegion []WarningCount, err error) {
	q := func(tx *txn, region string) ([]WarningCount, error) {
		rows, err := tx.query(ctx, `SELECT `+region+` w.level, max(w.level_name), max(w.severity), count(*),
			sum(CASE WHEN w.state IN ('open', 'responded') THEN 1 ELSE 0 END)
			FROM warnings w JOIN department_years dy ON dy.id = w.department_year_id JOIN departments d ON d.id = dy.department_id
			WHERE dy.year = ? AND w.month = ? AND w.state <> 'cleared'
			GROUP BY `+region+` w.level ORDER BY `+region+` max(w.severity) DESC`, year, month)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []WarningCount
		for rows.Next() {
			var c WarningCount
			dest := []any{&c.Level, &c.LevelName, &c.Severity, &c.Count, &c.Pending}
			if region != "" {
				dest = append([]any{&c.Region}, dest...)
			}
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	err = s.withReadTx(ctx, func(tx *txn) error {
		if byLevel, err = q(tx, ""); err != nil {
			return err
		}
		byRegion, err = q(tx, "d.region,")
		return err
	})
	return byLevel, byRegion, err
}

// GetWarning reads one warning.
func (s *Store) GetWarning(ctx context.Context, id int64) (*Warning, error) {
	var w *Warning
	err := s.withReadTx(ctx, func(tx *txn) error {
		var err error
		w, err = tx.warning(ctx, id)
		return err
	})
	return w, err
}

func (tx *txn) warning(ctx context.Context, id int64) (*Warning, error) {
	w, err := scanWarning(tx.queryRow(ctx, warningSelect+` WHERE w.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(apperr.ENOTFOUND, "未找到预警 %d", id)
	}
	return w, err
}

// MoveWarning moves warning id, read by the caller at expectedVersion, to
// state to as actor, with comment: the reviewer's opinion (通过, 退回,
// 无需处理) or the department editor's measures (反馈整改措施). The move
// must be one of workflow.WarningMoves for the actor's role as stored; a
// department user acts on their own department's warnings only. It
// refuses a missing comment or one breaking the text rule
// (apperr.EINVALID), a move not allowed (apperr.EFORBIDDEN) and a stale
// version (apperr.ECONFLICT). The move is a history row of the
// department-year at path warnings[ID].state, the comment as reason; the
// year's version does not change. It returns the warning after the move.
func (s *Store) MoveWarning(ctx context.Context, id int64, to, comment string, expectedVersion int, actor User) (*Warning, error) {
	comment = strings.TrimSpace(comment)
	where := fmt.Sprintf("预警 %d：", id)
	var out *Warning
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		w, err := tx.warning(ctx, id)
		if err != nil {
			return err
		}
		if err := checkDepartment(a, w.DepartmentCode, w.Year); err != nil {
			return err
		}
		if w.Version != expectedVersion {
			return errorf(apperr.ECONFLICT, "%s已被他人处理或已重新计算（当前版本 %d，页面版本 %d），请刷新页面后再操作", where, w.Version, expectedVersion)
		}
		mv, err := workflow.FindWarningMove(w.State, to, a.Role)
		if err != nil {
			return errorf(apperr.EFORBIDDEN, "%s%v", where, err)
		}
		label := "处理意见"
		if a.Role == workflow.Editor {
			label = "整改措施"
		}
		if comment == "" {
			return errorf(apperr.EINVALID, "%s请填写%s", where, label)
		}
		if err := checkField(where, label, evaluation.TextParagraph, comment); err != nil {
			return err
		}
		now := s.now()
		if a.Role == workflow.Editor {
			_, err = tx.exec(ctx, `UPDATE warnings SET state = ?, responder = ?, response = ?, responded_at = ?, updated_at = ?,
				version = version + 1 WHERE id = ?`, to, a.Username, comment, now, now, id)
		} else {
			_, err = tx.exec(ctx, `UPDATE warnings SET state = ?, handler = ?, comment = ?, handled_at = ?, handled_severity = severity,
				updated_at = ?, version = version + 1 WHERE id = ?`, to, a.Username, comment, now, now, id)
		}
		if err != nil {
			return fmt.Errorf("保存预警处理失败：%w", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
			VALUES (?, ?, ?, ?, 'status', ?, ?, ?, ?)`, w.departmentYearID, w.departmentYearVersion, now, a.Username,
			fmt.Sprintf("warnings[%d].state", id), w.State, to, mv.Action+"："+comment); err != nil {
			return fmt.Errorf("写入修改记录失败：%w", err)
		}
		// A warning handled after year end changes the monitoring item.
		if err := tx.rescoreWithRecords(ctx, w.departmentYearID, w.stage); err != nil {
			return err
		}
		out, err = tx.warning(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MaxPaymentsPage bounds the payments one call of WarningPayments returns.
const MaxPaymentsPage = 200

// WarningPayments lists the payments behind a warning's figures: those
// of its unit (and project, for a project's warning) paid in its year up
// to the end of its month, by date and voucher, limit rows from offset
// (limit at most MaxPaymentsPage), with their number and sum in all.
func (s *Store) WarningPayments(ctx context.Context, w *Warning, offset, limit int) (rows []monitor.Payment, total int, sum money.Fen, err error) {
	if limit <= 0 || limit > MaxPaymentsPage {
		limit = MaxPaymentsPage
	}
	offset = max(offset, 0)
	// Before the first day of the next month (dates compare as text in
	// SQLite, as dates in PostgreSQL).
	end := fmt.Sprintf("%04d-%02d-01", w.Year, w.Month+1)
	if w.Month == 12 {
		end = fmt.Sprintf("%04d-01-01", w.Year+1)
	}
	cond := ` FROM payments WHERE year = ? AND unit_code = ? AND paid_on < ?`
	args := []any{w.Year, w.DepartmentCode, end}
	if s.dialect == Postgres {
		d, _ := civil.ParseDate(end) // formatted above: cannot fail
		args[2] = d.Time()
	}
	if w.ProjectCode != "" {
		cond += ` AND project_code = ?`
		args = append(args, w.ProjectCode)
	}
	err = s.withReadTx(ctx, func(tx *txn) error {
		sumText := `CAST(COALESCE(SUM(amount), 0) AS TEXT)`
		var total64 int64
		var st string
		if err := tx.queryRow(ctx, `SELECT count(*), `+sumText+cond, args...).Scan(&total64, &st); err != nil {
			return err
		}
		total = int(total64)
		var err error
		if sum, err = parseSum(st); err != nil {
			return errorf(apperr.EINVALID, "支付金额合计%s", err)
		}
		date := `paid_on`
		if s.dialect == Postgres {
			date = `to_char(paid_on, 'YYYY-MM-DD')`
		}
		r, err := tx.query(ctx, `SELECT `+date+`, unit_code, project_code, functional_class, economic_class, fund_type, amount, voucher, payee, memo`+
			cond+` ORDER BY paid_on, voucher LIMIT ? OFFSET ?`, append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var p monitor.Payment
			var on string
			var amount int64
			if err := r.Scan(&on, &p.UnitCode, &p.ProjectCode, &p.FunctionalClass, &p.EconomicClass, &p.FundType, &amount, &p.Voucher, &p.Payee, &p.Memo); err != nil {
				return err
			}
			p.Amount = money.Fen(amount)
			if p.PaidOn, err = civil.ParseDate(on); err != nil {
				return err
			}
			rows = append(rows, p)
		}
		return r.Err()
	})
	return rows, total, sum, err
}

// DepartmentYearWarnings lists the warnings of one department-year, the
// latest month first, most severe first; cleared ones are left out.
func (s *Store) DepartmentYearWarnings(ctx context.Context, code string, year int) ([]Warning, error) {
	var out []Warning
	err := s.withReadTx(ctx, func(tx *txn) error {
		var err error
		out, err = tx.warnings(ctx, ` WHERE d.code = ? AND dy.year = ? AND w.state <> 'cleared'
			ORDER BY w.month DESC, w.severity DESC, w.project_code LIMIT ?`, code, year, MaxWarningsPage)
		return err
	})
	return out, err
}

// WarningPeriod is a year and month that has warnings.
type WarningPeriod struct{ Year, Month int }

// WarningPeriods lists the years and months with warnings, latest first
// (at most 120).
func (s *Store) WarningPeriods(ctx context.Context) ([]WarningPeriod, error) {
	var out []WarningPeriod
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT DISTINCT dy.year, w.month FROM warnings w JOIN department_years dy ON dy.id = w.department_year_id
			ORDER BY dy.year DESC, w.month DESC LIMIT 120`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p WarningPeriod
			if err := rows.Scan(&p.Year, &p.Month); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// curvesByUnit gathers monthly sums into twelve-month curves by unit and
// project as they are read.
type curvesByUnit map[string]map[monitor.Key]*[12]money.Fen

// add gives the function that adds one monthly sum; what names the sums
// in an error.
func (m curvesByUnit) add(year int, what string) func(monitor.MonthlyPaid) error {
	return func(r monitor.MonthlyPaid) error {
		c := m[r.UnitCode]
		if c == nil {
			c = map[monitor.Key]*[12]money.Fen{}
			m[r.UnitCode] = c
		}
		if err := monitor.AddTo(c, r, false); err != nil {
			return errorf(apperr.EINVALID, "%d 年预算单位 %s 的%s合计%v", year, r.UnitCode, what, err)
		}
		return nil
	}
}
