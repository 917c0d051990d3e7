package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Task kinds (Task.Kind). Each source of tasks (taskSources) gives one or
// more kinds; a new source is one function appended to taskSources.
const (
	TaskDeclare           = "declare"            // the editor submits the targets
	TaskApproveDeclare    = "approve_declare"    // the approver forwards them
	TaskExamineDeclare    = "examine_declare"    // the reviewer examines them
	TaskEvaluate          = "evaluate"           // the editor submits the self-evaluation
	TaskApproveEvaluation = "approve_evaluation" // the approver forwards it
	TaskReview            = "review"             // the reviewer reviews it
	TaskCheckpoint        = "checkpoint"         // the editor fills a checkpoint report
	TaskApproveCheckpoint = "approve_checkpoint" // the approver forwards it
	TaskReviewCheckpoint  = "review_checkpoint"  // the reviewer examines it
	TaskAnswerWarning     = "answer_warning"     // the editor answers a returned warning
	TaskHandleWarnings    = "handle_warnings"    // the reviewer handles a year's warnings
	TaskDecideAdjustment  = "decide_adjustment"  // the reviewer decides a 目标调整
	TaskRectify           = "rectify"            // the editor files measures or reports a rectification done
	TaskConfirmRectify    = "confirm_rectify"    // the reviewer confirms a rectification reported done
)

// TaskKindNames names each kind in Chinese, for lists.
var TaskKindNames = map[string]string{
	TaskDeclare: "目标申报", TaskApproveDeclare: "申报审批", TaskExamineDeclare: "目标审核",
	TaskEvaluate: "绩效自评", TaskApproveEvaluation: "自评审批", TaskReview: "财政复核",
	TaskCheckpoint: "绩效监控", TaskApproveCheckpoint: "监控审批", TaskReviewCheckpoint: "监控审核",
	TaskAnswerWarning: "预警反馈", TaskHandleWarnings: "预警处理", TaskDecideAdjustment: "目标调整",
	TaskRectify: "问题整改", TaskConfirmRectify: "整改确认",
}

// Task is something a user has to do, with the department-year it is
// about, where to do it and by when.
type Task struct {
	Kind  string
	Title string // in Chinese: 提交 2024 年度绩效目标申报
	// DepartmentCode, Department and Year name the department-year.
	DepartmentCode, Department string
	Year                       int
	// Link is the web route where the task is done.
	Link string
	// Due is the date it is due by (zero: no date set); DueBasis says
	// where the date comes from (the annual notice's date, or the cycle
	// rule), in Chinese.
	Due      civil.Date
	DueBasis string
	// Overdue: Due is before the day the list was made for (derived,
	// never stored).
	Overdue bool
	// Key identifies the task across lists (notifications_sent keys on
	// it with the due date): kind, department, year and what else tells
	// it apart.
	Key string
}

// KindName names the task's kind in Chinese.
func (t Task) KindName() string { return TaskKindNames[t.Kind] }

// TaskList is a user's open tasks on a day: overdue first, then by due
// date, then those without one; at most MaxTasks of Total.
type TaskList struct {
	Today civil.Date
	Tasks []Task
	Total int
	// Overdue counts the overdue tasks among all Total.
	Overdue int
}

// MaxTasks bounds the tasks one list returns (Total says how many there
// are); maxTaskRows bounds the rows one source reads.
const (
	MaxTasks    = 200
	maxTaskRows = 5000
)

// taskQuery is what every source of tasks is given: the user (the stored
// account), what the user may see (Visible), the day, the annual dates in
// force and the cycle rules with the calendar.
type taskQuery struct {
	user   User
	filter Filter
	today  civil.Date
	dates  cycleDates
	rules  *cycle.Rules
	cal    cycle.Calendar
}

// due is the annual date key in force for the year and region, with its
// basis, or the zero date.
func (q *taskQuery) due(year int, region, key string) (civil.Date, string) {
	if d, ok := q.dates.lookup(year, region, key); ok {
		basis := cycle.DateNames[key]
		if d.Region != "" {
			basis += "（" + d.Region + "）"
		}
		return d.Date, basis
	}
	return civil.Date{}, ""
}

// where is the filter's WHERE condition (without WHERE) and arguments,
// "1=1" when it selects every department-year.
func (q *taskQuery) where() (string, []any) {
	w, args := q.filter.where()
	if w == "" {
		return "1=1", nil
	}
	return strings.TrimPrefix(w, " WHERE "), args
}

// taskSource reads one kind of tasks for the query's user.
type taskSource func(tx *txn, ctx context.Context, q *taskQuery) ([]Task, error)

// taskSources are every source of tasks.
var taskSources = []taskSource{(*txn).yearTasks, (*txn).checkpointTasks, (*txn).warningTasks, (*txn).adjustmentTasks, (*txn).rectificationTasks}

// rectificationTasks are the rectification items waiting for the user:
// for the department's editor, items to file measures for (due by the
// measures deadline) or to complete and report done (due by the
// completion deadline); for the reviewer, items reported done to confirm
// (the completion deadline as the date the work was due).
func (tx *txn) rectificationTasks(ctx context.Context, q *taskQuery) ([]Task, error) {
	var statuses []any
	switch q.user.Role {
	case workflow.Editor:
		statuses = []any{rectify.Open, rectify.InProgress}
	case workflow.Reviewer:
		statuses = []any{rectify.Done}
	default:
		return nil, nil
	}
	w, args := q.where()
	rows, err := tx.query(ctx, `SELECT d.code, d.name, dy.year, ri.number, ri.status, ri.problem, `+tx.dateCol("ri.measures_due")+`, `+tx.dateCol("ri.complete_due")+`
		FROM rectification_items ri JOIN department_years dy ON dy.id = ri.department_year_id JOIN departments d ON d.id = dy.department_id
		WHERE `+w+` AND ri.status IN (`+placeholders(len(statuses))+`) ORDER BY d.code, dy.year, ri.number LIMIT `+strconv.Itoa(maxTaskRows),
		append(args, statuses...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var (
			t                  Task
			n                  int
			status, problem    string
			measures, complete string
		)
		if err := rows.Scan(&t.DepartmentCode, &t.Department, &t.Year, &n, &status, &problem, &measures, &complete); err != nil {
			return nil, err
		}
		due, basis, verb := complete, "整改完成期限", "完成整改并报告"
		switch {
		case status == rectify.Open:
			due, basis, verb = measures, "整改措施报送期限", "报送整改措施"
		case q.user.Role == workflow.Reviewer:
			verb = "确认整改完成情况"
		}
		if due != "" {
			if t.Due, err = civil.ParseDate(due); err != nil {
				return nil, err
			}
			t.DueBasis = basis
		}
		t.Kind = TaskRectify
		if q.user.Role == workflow.Reviewer {
			t.Kind = TaskConfirmRectify
		}
		t.Link = fmt.Sprintf("%s/rectification/%d", yearLink(t.DepartmentCode, t.Year), n)
		t.Title = fmt.Sprintf("%s：%d 年度第 %d 号整改事项，%s", verb, t.Year, n, problem)
		t.Key = fmt.Sprintf("%s:%s:%d:%d:%s", t.Kind, t.DepartmentCode, t.Year, n, status)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Tasks returns the open tasks of the account u (read again from the
// store: its role and department now) on the day today, scoped by what
// it may see (Visible): overdue first, then by due date, at most
// MaxTasks, with the count of all. A disabled or unknown account has
// none. Due dates come from the annual notice (cycle_dates, by the
// department's region) and the built-in cycle rules
// (datafile.DefaultCycle) on the official calendar.
func (s *Store) Tasks(ctx context.Context, u User, today civil.Date) (*TaskList, error) {
	if today.IsZero() {
		return nil, errorf(apperr.EINVALID, "待办事项的日期不能为空")
	}
	cal, err := calendar.Default()
	if err != nil {
		return nil, err
	}
	out := &TaskList{Today: today}
	var all []Task
	err = s.withReadTx(ctx, func(tx *txn) error {
		a, err := tx.user(ctx, u.ID)
		if err != nil || a.Disabled {
			return nil // no account, no tasks
		}
		f := Visible(&a)
		if f.Status != nil && len(f.Status) == 0 {
			return nil
		}
		q := &taskQuery{user: a, filter: f, today: today, rules: s.rules.Cycle, cal: cal}
		if q.dates, err = tx.datesInForce(ctx); err != nil {
			return err
		}
		for _, src := range taskSources {
			ts, err := src(tx, ctx, q)
			if err != nil {
				return err
			}
			all = append(all, ts...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("读取待办事项失败：%w", err)
	}
	for i := range all {
		all[i].Overdue = !all[i].Due.IsZero() && all[i].Due.Before(today)
		if all[i].Overdue {
			out.Overdue++
		}
	}
	SortTasks(all)
	out.Total = len(all)
	out.Tasks = all[:min(len(all), MaxTasks)]
	return out, nil
}

// SortTasks orders tasks overdue first, then by due date (those without
// one last), then by department, year and key.
func SortTasks(ts []Task) {
	slices.SortStableFunc(ts, func(a, b Task) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		if a.Due.IsZero() != b.Due.IsZero() {
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.DepartmentCode, b.DepartmentCode), cmp.Compare(a.Year, b.Year), cmp.Compare(a.Key, b.Key))
	})
}

// forwardStatuses are the statuses whose next forward move is role's, in
// the department-year's workflow and in the checkpoint report's alike:
// the editor submits a draft or returned one, the approver forwards a
// submitted one, the reviewer examines an approved one or one under
// review; nil for other roles.
func forwardStatuses(role string) []string {
	switch role {
	case workflow.Editor:
		return []string{workflow.Draft, workflow.Returned}
	case workflow.Approver:
		return []string{workflow.Submitted}
	case workflow.Reviewer:
		return []string{workflow.Approved, workflow.UnderReview}
	}
	return nil
}

func yearLink(code string, year int) string { return "/evaluations/" + code + "/" + strconv.Itoa(year) }

// yearTasks are the department-years whose next forward move is the
// user's: the editor submits a declaration or a self-evaluation (draft
// or returned), the approver forwards it, the reviewer examines the
// targets or reviews the self-evaluation.
func (tx *txn) yearTasks(ctx context.Context, q *taskQuery) ([]Task, error) {
	statuses := forwardStatuses(q.user.Role)
	if statuses == nil {
		return nil, nil
	}
	w, args := q.where()
	args = append(args, workflow.Declaration, workflow.Evaluation)
	args = append(args, anys(statuses)...)
	rows, err := tx.query(ctx, `SELECT d.code, d.name, d.region, dy.year, dy.stage, dy.status
		FROM department_years dy JOIN departments d ON d.id = dy.department_id
		WHERE `+w+` AND dy.stage IN (?, ?) AND dy.status IN (`+placeholders(len(statuses))+`)
		ORDER BY d.code, dy.year LIMIT `+strconv.Itoa(maxTaskRows), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var (
			t                     Task
			region, stage, status string
		)
		if err := rows.Scan(&t.DepartmentCode, &t.Department, &region, &t.Year, &stage, &status); err != nil {
			return nil, err
		}
		t.Link = yearLink(t.DepartmentCode, t.Year)
		declare := stage == workflow.Declaration
		what := fmt.Sprintf("%d 年度绩效自评", t.Year)
		key := cycle.EvaluationDue
		if declare {
			what, key = fmt.Sprintf("%d 年度绩效目标申报", t.Year), cycle.DeclarationDue
		}
		switch q.user.Role {
		case workflow.Editor:
			t.Kind, t.Title = TaskEvaluate, "提交 "+what
			if declare {
				t.Kind = TaskDeclare
			}
			if status == workflow.Returned {
				t.Title = "修改并重新提交 " + what + "（已退回）"
			}
		case workflow.Approver:
			t.Kind, t.Title = TaskApproveEvaluation, "审批 "+what+"并报送财政"
			if declare {
				t.Kind = TaskApproveDeclare
			}
		case workflow.Reviewer:
			t.Kind, t.Title, key = TaskReview, "复核 "+what, cycle.ReviewDue
			if declare {
				// No annual date is set for examining targets.
				t.Kind, t.Title, key = TaskExamineDeclare, "审核 "+what, ""
			}
		}
		if key != "" {
			t.Due, t.DueBasis = q.due(t.Year, region, key)
		}
		t.Key = fmt.Sprintf("%s:%s:%d", t.Kind, t.DepartmentCode, t.Year)
		out = append(out, t)
	}
	return out, rows.Err()
}

// checkpointTasks are checkpoint reports (绩效监控表): for the editor
// those stored as draft or returned, and those of a checkpoint month of
// the cycle rules not yet begun, from the first day of that month, in
// years being carried out (due by the rule, cycle.Rules.CheckpointDue);
// for the approver those submitted; for the reviewer those forwarded or
// under examination. A stored report is due on its due_on.
func (tx *txn) checkpointTasks(ctx context.Context, q *taskQuery) ([]Task, error) {
	statuses := forwardStatuses(q.user.Role)
	if statuses == nil {
		return nil, nil
	}
	w, args := q.where()
	rows, err := tx.query(ctx, `SELECT d.code, d.name, dy.year, mr.month, mr.status, `+tx.dateCol("mr.due_on")+`
		FROM monitoring_reports mr JOIN department_years dy ON dy.id = mr.department_year_id JOIN departments d ON d.id = dy.department_id
		WHERE `+w+` AND mr.status IN (`+placeholders(len(statuses))+`)
		ORDER BY d.code, dy.year, mr.month LIMIT `+strconv.Itoa(maxTaskRows), append(args, anys(statuses)...)...)
	if err != nil {
		return nil, err
	}
	var out []Task
	stored := map[string]bool{}
	for rows.Next() {
		var (
			t             Task
			month         int
			status, dueOn string
		)
		if err := rows.Scan(&t.DepartmentCode, &t.Department, &t.Year, &month, &status, &dueOn); err != nil {
			rows.Close()
			return nil, err
		}
		if t.Due, err = civil.ParseDate(dueOn); err != nil {
			rows.Close()
			return nil, fmt.Errorf("绩效监控表的截止日期 %q 无法读取：%w", dueOn, err)
		}
		t.DueBasis = q.rules.Deadlines[cycle.CheckpointReport].Name
		what := fmt.Sprintf("%d 年 1—%d 月绩效监控表", t.Year, month)
		switch q.user.Role {
		case workflow.Editor:
			t.Kind, t.Title = TaskCheckpoint, "填报并提交 "+what
			if status == workflow.Returned {
				t.Title = "修改并重新提交 " + what + "（已退回）"
			}
		case workflow.Approver:
			t.Kind, t.Title = TaskApproveCheckpoint, "审批 "+what+"并报送财政"
		case workflow.Reviewer:
			// The finance bureau has no date for examining a report.
			t.Kind, t.Title, t.Due, t.DueBasis = TaskReviewCheckpoint, "审核 "+what, civil.Date{}, ""
		}
		t.Link = fmt.Sprintf("%s/monitoring/%d", yearLink(t.DepartmentCode, t.Year), month)
		t.Key = fmt.Sprintf("%s:%s:%d:%d", t.Kind, t.DepartmentCode, t.Year, month)
		stored[fmt.Sprintf("%s:%d:%d", t.DepartmentCode, t.Year, month)] = true
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if q.user.Role != workflow.Editor {
		return out, nil
	}
	// Reports not begun: every stored one of the years being carried out
	// (whatever its status) is known first.
	rows, err = tx.query(ctx, `SELECT d.code, d.name, dy.year, COALESCE(mr.month, 0)
		FROM department_years dy JOIN departments d ON d.id = dy.department_id
		LEFT JOIN monitoring_reports mr ON mr.department_year_id = dy.id
		WHERE `+w+` AND dy.stage = ? ORDER BY d.code, dy.year LIMIT `+strconv.Itoa(maxTaskRows), append(args, workflow.Execution)...)
	if err != nil {
		return nil, err
	}
	type year struct {
		code, name string
		year       int
	}
	var years []year
	for rows.Next() {
		var (
			y     year
			month int
		)
		if err := rows.Scan(&y.code, &y.name, &y.year, &month); err != nil {
			rows.Close()
			return nil, err
		}
		if len(years) == 0 || years[len(years)-1].code != y.code || years[len(years)-1].year != y.year {
			years = append(years, y)
		}
		if month != 0 {
			stored[fmt.Sprintf("%s:%d:%d", y.code, y.year, month)] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, y := range years {
		for _, m := range q.rules.Months() {
			if stored[fmt.Sprintf("%s:%d:%d", y.code, y.year, m)] || q.today.Before(civil.MustDate(y.year, time.Month(m), 1)) {
				continue
			}
			t := Task{Kind: TaskCheckpoint, DepartmentCode: y.code, Department: y.name, Year: y.year,
				Title: fmt.Sprintf("填报并提交 %d 年 1—%d 月绩效监控表", y.year, m),
				Link:  fmt.Sprintf("%s/monitoring/%d", yearLink(y.code, y.year), m),
				Key:   fmt.Sprintf("%s:%s:%d:%d", TaskCheckpoint, y.code, y.year, m)}
			d, err := q.rules.CheckpointDue(y.year, m, q.cal)
			switch {
			case errors.Is(err, calendar.ErrUnknownYear):
				// Left without a date until the holidays are published.
			case err != nil:
				return nil, err
			default:
				t.Due, t.DueBasis = d, q.rules.Deadlines[cycle.CheckpointReport].Name
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// warningTasks are the editor's returned warnings (反馈整改措施, one task
// each) and, for the reviewer, each department-year's warnings waiting
// (open or answered), one task per year with their number. Warnings have
// no due date.
func (tx *txn) warningTasks(ctx context.Context, q *taskQuery) ([]Task, error) {
	w, args := q.where()
	switch q.user.Role {
	case workflow.Editor:
		rows, err := tx.query(ctx, `SELECT w.id, d.code, d.name, dy.year, w.month, w.project_code, w.sentence
			FROM warnings w JOIN department_years dy ON dy.id = w.department_year_id JOIN departments d ON d.id = dy.department_id
			WHERE `+w+` AND w.state = ? ORDER BY w.id LIMIT `+strconv.Itoa(maxTaskRows), append(args, workflow.WarningReturned)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []Task
		for rows.Next() {
			var (
				t                 Task
				id                int64
				month             int
				project, sentence string
			)
			if err := rows.Scan(&id, &t.DepartmentCode, &t.Department, &t.Year, &month, &project, &sentence); err != nil {
				return nil, err
			}
			scope := "部门整体"
			if project != "" {
				scope = "项目 " + project
			}
			t.Kind, t.Link = TaskAnswerWarning, fmt.Sprintf("/monitoring/warnings/%d", id)
			t.Title = fmt.Sprintf("反馈预警整改措施：%d 年 %d 月末，%s，%s", t.Year, month, scope, sentence)
			t.Key = fmt.Sprintf("%s:%s:%d:%d", t.Kind, t.DepartmentCode, t.Year, id)
			out = append(out, t)
		}
		return out, rows.Err()
	case workflow.Reviewer:
		rows, err := tx.query(ctx, `SELECT d.code, d.name, dy.year, COUNT(*)
			FROM warnings w JOIN department_years dy ON dy.id = w.department_year_id JOIN departments d ON d.id = dy.department_id
			WHERE `+w+` AND w.state IN (?, ?) GROUP BY d.code, d.name, dy.year ORDER BY d.code, dy.year LIMIT `+strconv.Itoa(maxTaskRows),
			append(args, workflow.WarningOpen, workflow.WarningResponded)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []Task
		for rows.Next() {
			var (
				t Task
				n int
			)
			if err := rows.Scan(&t.DepartmentCode, &t.Department, &t.Year, &n); err != nil {
				return nil, err
			}
			t.Kind, t.Link = TaskHandleWarnings, yearLink(t.DepartmentCode, t.Year)+"#warnings-h"
			t.Title = fmt.Sprintf("处理 %d 年度预算执行预警 %d 条（含部门已反馈的）", t.Year, n)
			t.Key = fmt.Sprintf("%s:%s:%d", t.Kind, t.DepartmentCode, t.Year)
			out = append(out, t)
		}
		return out, rows.Err()
	}
	return nil, nil
}

// adjustmentTasks are, for the reviewer, the 目标调整 still proposed
// (no due date: adjustments are decided as they come).
func (tx *txn) adjustmentTasks(ctx context.Context, q *taskQuery) ([]Task, error) {
	if q.user.Role != workflow.Reviewer {
		return nil, nil
	}
	w, args := q.where()
	rows, err := tx.query(ctx, `SELECT d.code, d.name, dy.year, a.number, a.scope
		FROM target_adjustments a JOIN department_years dy ON dy.id = a.department_year_id JOIN departments d ON d.id = dy.department_id
		WHERE `+w+` AND a.status = ? ORDER BY a.proposed_at, d.code, dy.year, a.number LIMIT `+strconv.Itoa(maxTaskRows),
		append(args, AdjustmentProposed)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var (
			t      Task
			number int
			scope  string
		)
		if err := rows.Scan(&t.DepartmentCode, &t.Department, &t.Year, &number, &scope); err != nil {
			return nil, err
		}
		what := "部门整体"
		if scope != ScopeDepartment {
			what = "项目 " + scope
		}
		t.Kind, t.Link = TaskDecideAdjustment, fmt.Sprintf("%s/adjustments/%d", yearLink(t.DepartmentCode, t.Year), number)
		t.Title = fmt.Sprintf("审核 %d 年度第%d号目标调整申请（%s）", t.Year, number, what)
		t.Key = fmt.Sprintf("%s:%s:%d:%d", t.Kind, t.DepartmentCode, t.Year, number)
		out = append(out, t)
	}
	return out, rows.Err()
}
