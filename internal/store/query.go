package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jixiao/jixiao/internal/assess"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Listing is one stored department-year, without its data.
type Listing struct {
	DepartmentCode string
	Department     string
	Year           int
	// Stage is workflow.Declaration, Execution or Evaluation; Status is
	// the status within it.
	Stage  string
	Status string
	// Total and Grade are 0 and empty before the evaluation stage: lists
	// show the stage instead.
	Total     num.Points
	Grade     string
	Version   int
	UpdatedAt time.Time
	// Review is the result of the finance bureau's review, as stored with
	// the year (never computed when read).
	Review Review
}

// Review is a department-year's result after the finance bureau's review
// (复核后得分), as the store keeps it (migration 00006): the total after
// review by assess.AfterReview, the grade it earns, and how many
// department review scores (复核得分) changed the total. With none (Counted
// 0) the total and grade are the self-score's.
type Review struct {
	Total   num.Points
	Grade   string
	Counted int
}

// Record is a stored department-year with its data and the framework files
// it was scored with.
type Record struct {
	Listing
	Evaluation *evaluation.Evaluation
	// Framework and ProjectFramework are the pinned framework files'
	// bytes; ProjectFramework is nil when none was pinned.
	Framework, ProjectFramework []byte
	// Source is where the data was imported from.
	Source string
	// Parent and Region are the department's registered parent department
	// and region (master data, with Listing.Department its name).
	Parent, Region string
	// OpenedFrom is the year this one was opened from (OpenYears); 0 for
	// a year that was imported.
	OpenedFrom int
	// Baselined says the year's targets were approved (批复): it has a
	// target baseline.
	Baselined bool
	// Cycle are the records kept beside the year (its ex-ante
	// evaluations) as the assessment pipeline reads them: every edge that
	// assesses a stored year passes it (assess.Options.Cycle).
	// CycleStamp changes whenever they do, for caches of scores.
	Cycle      *evaluation.Cycle
	CycleStamp string
	// Rules are the store's rules files (Store.Rules) the year is assessed
	// and monitored with.
	Rules *datafile.RuleSet
	// Reviews are the year's review scores (复核得分) by scope and code,
	// with reason and reviewer, for the pipeline (assess.Options.Reviews);
	// nil without any.
	Reviews assess.Scores
}

// EditableParts is what the department's editor may change in a year now:
// workflow.EditableParts, and, until the store owns them, two parts more
// — the declared part of a year in the evaluation stage that was never
// declared on jixiao (no baseline: imported at year end, nothing
// approved to keep), and last year's figures wherever the year-end part
// is open (KeepPrior, which fills them from the previous year, is not
// built). Forms show the other parts read-only.
func EditableParts(stage, status string, baselined bool) map[string]bool {
	allowed := workflow.EditableParts(stage, status)
	if !workflow.Editable(status) {
		return allowed
	}
	if stage == workflow.Evaluation && !baselined {
		allowed[workflow.PartDeclared] = true
	}
	if allowed[workflow.PartYearEnd] {
		allowed[workflow.PartPrior] = true
	}
	return allowed
}

// StatusName names the listing's status within its stage in Chinese
// (workflow.StatusName).
func (l Listing) StatusName() string { return workflow.StatusName(l.Stage, l.Status) }

// StageStatus names where the year stands, for lists: the status within
// the declaration stage with the stage ("目标申报 · 草稿"), the execution
// stage alone ("执行监控中"), a status of the evaluation stage alone.
func (l Listing) StageStatus() string {
	if l.Stage == workflow.Declaration {
		return l.StageName() + " · " + l.StatusName()
	}
	return l.StatusName()
}

// StageName names the listing's stage in Chinese.
func (l Listing) StageName() string { return workflow.StageName(l.Stage) }

// Scored reports whether the listing's year is scored: from the
// evaluation stage on.
func (l Listing) Scored() bool { return l.Stage == "" || l.Stage == workflow.Evaluation }

// Master is the department's registered master data, which every write
// of the department-year's data carries (evaluation.KeepMaster).
func (r *Record) Master() evaluation.Master {
	return evaluation.Master{Name: r.Department, Parent: r.Parent, Region: r.Region}
}

// Change is one history row: an action (empty Path) or one field it
// changed, at a data-file path, with the old and new values as text.
type Change struct {
	Version       int
	At            time.Time
	Actor, Action string
	// ActorName is the actor's display name when the actor is an
	// account, else the actor as recorded (an operator's import).
	ActorName      string
	Path, Old, New string
	Reason         string
}

// Field names the changed field in words: the status, a review score
// (复核得分, its indicator and, for a project, the project), or a data
// field as ev names it (evaluation.FieldLabel). ev is the department-year's
// current data; nil names data fields by their path.
func (c Change) Field(ev *evaluation.Evaluation) string {
	switch {
	case c.Path == "status":
		return "状态"
	case c.Path == "stage":
		return "阶段"
	case strings.HasPrefix(c.Path, "adjustments[") && strings.HasSuffix(c.Path, "].status"):
		return "目标调整第" + strings.TrimSuffix(strings.TrimPrefix(c.Path, "adjustments["), "].status") + "号状态"
	case strings.HasPrefix(c.Path, "baseline[") && strings.HasSuffix(c.Path, "]"):
		return "批复的绩效目标第 " + strings.TrimSuffix(strings.TrimPrefix(c.Path, "baseline["), "]") + " 版（校验码）"
	case strings.HasPrefix(c.Path, "warnings[") && strings.HasSuffix(c.Path, "].state"):
		return "预警（编号 " + strings.TrimSuffix(strings.TrimPrefix(c.Path, "warnings["), "].state") + "）处理状态"
	case strings.HasPrefix(c.Path, "review."):
		scope, code, ok := strings.Cut(strings.TrimPrefix(c.Path, "review."), ".")
		if !ok {
			return c.Path
		}
		if scope == ScopeDepartment {
			return "复核得分（指标 " + code + "）"
		}
		if n, err := strconv.Atoi(scope); err == nil && ev != nil && n >= 1 && n <= len(ev.Projects) {
			return "项目“" + ev.Projects[n-1].Name + "”复核得分（指标 " + code + "）"
		}
		return "项目 " + scope + " 复核得分（指标 " + code + "）"
	case strings.HasPrefix(c.Path, "exante["):
		return exanteLabel(c.Path, ev)
	case strings.HasPrefix(c.Path, "rectification["):
		return rectificationLabel(c.Path)
	case strings.HasPrefix(c.Path, "results."):
		return resultLabel(c.Path, ev)
	case ev != nil && c.Path != "":
		return ev.FieldLabel(c.Path)
	}
	return c.Path
}

// exanteLabel names an ex-ante history path ("exante[CODE].status"):
// 项目“NAME”事前绩效评估状态.
func exanteLabel(path string, ev *evaluation.Evaluation) string {
	code, rest, ok := strings.Cut(strings.TrimPrefix(path, "exante["), "]")
	part, known := map[string]string{"": "", ".data": "评估内容", ".status": "状态"}[rest]
	if !ok || !known {
		return path
	}
	name := "项目 " + code
	if ev != nil {
		for _, p := range ev.Projects {
			if p.Code == code {
				name = "项目“" + p.Name + "”"
				break
			}
		}
	}
	return name + "事前绩效评估" + part
}

const listingColumns = `d.code, d.name, dy.year, dy.stage, dy.status, dy.total, dy.grade, dy.version, dy.updated_at,
	dy.review_total, dy.review_grade, dy.review_count`

func scanListing(row interface{ Scan(...any) error }, l *Listing, more ...any) error {
	var total, reviewTotal int64
	dest := append([]any{&l.DepartmentCode, &l.Department, &l.Year, &l.Stage, &l.Status, &total, &l.Grade, &l.Version, &l.UpdatedAt,
		&reviewTotal, &l.Review.Grade, &l.Review.Counted}, more...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	l.Total, l.Review.Total = num.Points(total), num.Points(reviewTotal)
	l.UpdatedAt = l.UpdatedAt.UTC()
	return nil
}

// ValueName is a value of the change in words: a status or an
// adjustment's status by its Chinese name, a yes-or-no field (a
// register's 中小企业, 闲置, 标签缺失, 待调拨; evaluation.Diff writes
// them true and false) as 是 or 否, anything else as it is.
func (c Change) ValueName(v string) string {
	switch {
	case c.Path == "status":
		if n, ok := workflow.StatusNames[v]; ok {
			return n
		}
	case strings.HasPrefix(c.Path, "adjustments["):
		if n, ok := AdjustmentStatusNames[v]; ok {
			return n
		}
	case strings.HasPrefix(c.Path, "warnings[") && v != "":
		return workflow.WarningStateName(v)
	case strings.HasPrefix(c.Path, "rectification[") && strings.HasSuffix(c.Path, "].status") && v != "":
		return rectify.StatusName(v)
	case v == "true":
		return "是"
	case v == "false":
		return "否"
	}
	return v
}

// List returns every stored department-year, by department code and year,
// whatever its status: for the command line and administrators. The web
// layer lists with ListFiltered and Visible.
func (s *Store) List(ctx context.Context) ([]Listing, error) {
	var out []Listing
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT `+listingColumns+`
			FROM department_years dy JOIN departments d ON d.id = dy.department_id
			ORDER BY d.code, dy.year`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l Listing
			if err := scanListing(rows, &l); err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("读取数据列表失败：%w", err)
	}
	return out, nil
}

var getQuery = hot(`SELECT ` + listingColumns + `, dy.data, dy.source, f.content, pf.content, d.parent, d.region, COALESCE(dy.opened_from, 0),
	CASE WHEN EXISTS (SELECT 1 FROM target_baselines b WHERE b.department_year_id = dy.id) THEN 1 ELSE 0 END, dy.id
	FROM department_years dy
	JOIN departments d ON d.id = dy.department_id
	JOIN framework_versions f ON f.id = dy.framework_version_id
	LEFT JOIN framework_versions pf ON pf.id = dy.project_framework_version_id
	WHERE d.code = ? AND dy.year = ?`)

// Get returns the department-year of the department with the code.
func (s *Store) Get(ctx context.Context, code string, year int) (*Record, error) {
	r := Record{Rules: s.rules}
	var data []byte
	if !storable(code) {
		return nil, notFound(code, year)
	}
	err := s.withReadTx(ctx, func(tx *txn) error {
		var id int64
		err := scanListing(tx.queryRow(ctx, getQuery, code, year), &r.Listing, &data, &r.Source, &r.Framework, &r.ProjectFramework, &r.Parent, &r.Region, &r.OpenedFrom, &r.Baselined, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(code, year)
		}
		if err != nil {
			return err
		}
		r.Cycle, r.CycleStamp, err = tx.cycleFor(ctx, id, r.OpenedFrom)
		if err != nil {
			return err
		}
		if r.Stage == workflow.Evaluation {
			if r.Reviews, err = tx.reviewScoresOf(ctx, id); err != nil {
				return err
			}
		}
		if r.OpenedFrom > 0 && r.Stage != workflow.Evaluation {
			var stamp string
			if r.Cycle.PriorActuals, stamp, err = tx.priorActuals(ctx, code, r.OpenedFrom); err != nil {
				return err
			}
			r.CycleStamp += stamp
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.Evaluation = new(evaluation.Evaluation)
	if err := json.Unmarshal(data, r.Evaluation); err != nil {
		return nil, fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", code, year, err)
	}
	return &r, nil
}

// History returns the changes made to a department-year, oldest first.
func (s *Store) History(ctx context.Context, code string, year int) ([]Change, error) {
	var out []Change
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT h.version, h.at, h.actor, COALESCE(NULLIF(u.display_name, ''), h.actor), h.action, h.path, h.old_value, h.new_value, h.reason
			FROM history h LEFT JOIN users u ON u.username = h.actor WHERE h.department_year_id = ? ORDER BY h.id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Change
			if err := rows.Scan(&c.Version, &c.At, &c.Actor, &c.ActorName, &c.Action, &c.Path, &c.Old, &c.New, &c.Reason); err != nil {
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

// LastStatusChange returns the latest workflow move of a department-year
// into status to (with its reason, actor and time), or nil when there is
// none: the workspace shows why a submission came back.
func (s *Store) LastStatusChange(ctx context.Context, code string, year int, to string) (*Change, error) {
	var out *Change
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		var c Change
		err = tx.queryRow(ctx, `SELECT h.version, h.at, h.actor, COALESCE(NULLIF(u.display_name, ''), h.actor), h.action, h.path, h.old_value, h.new_value, h.reason
			FROM history h LEFT JOIN users u ON u.username = h.actor
			WHERE h.department_year_id = ? AND h.path = 'status' AND h.new_value = ? ORDER BY h.id DESC LIMIT 1`, id, to).
			Scan(&c.Version, &c.At, &c.Actor, &c.ActorName, &c.Action, &c.Path, &c.Old, &c.New, &c.Reason)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		c.At = c.At.UTC()
		out = &c
		return nil
	})
	return out, err
}

// findDepartmentYear returns the id and version of a department-year.
var findDepartmentYearQuery = hot(`SELECT dy.id, dy.version FROM department_years dy JOIN departments d ON d.id = dy.department_id
	WHERE d.code = ? AND dy.year = ?`)

func (tx *txn) findDepartmentYear(ctx context.Context, code string, year int) (id int64, version int, err error) {
	if !storable(code) {
		return 0, 0, notFound(code, year)
	}
	err = tx.queryRow(ctx, findDepartmentYearQuery, code, year).Scan(&id, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, notFound(code, year)
	}
	return id, version, err
}

// Update replaces the data of a department-year that the caller read at
// expectedVersion, with res its new score under the same pinned frameworks.
// Before the evaluation stage a year is not scored: res may be nil, and
// whatever it is the total and grade stay 0 and empty.
// If someone changed it since, nothing is written and the error is
// apperr.ECONFLICT. Only a department-year with the department (status draft or
// returned, workflow.Editable) may be changed: any other is apperr.EFORBIDDEN.
// The dashboard summary (summaryOf) is written with the data. The data
// always carries the department's registered master data: ev's
// department name, parent and region are set to it
// (evaluation.KeepMaster; the caller shows the warnings) and the
// department itself is never changed here. Text that breaks the text rule
// (evaluation.CheckTexts), in ev, actor or reason, is apperr.EINVALID. Every
// changed field is recorded in history; data equal to what is stored
// writes nothing. It returns the version now stored.
func (s *Store) Update(ctx context.Context, code string, year int, ev *evaluation.Evaluation, res *scoring.Result, expectedVersion int, actor, reason string) (int, error) {
	v, _, err := s.UpdateWith(ctx, code, year, ev, res, expectedVersion, actor, reason)
	return v, err
}

// UpdateWith is Update returning the warnings of what the store kept. A
// year with approved targets (a baseline: after 批复) always carries the
// latest baseline's declared fields (evaluation.KeepBaseline): the
// findings hold a W183 for each declared field ev stated otherwise and a
// W182 for each project or indicator in no baseline. When keeping the
// baseline changed ev in the evaluation stage, the year is scored again
// with its pinned frameworks and that score is stored instead of res.
func (s *Store) UpdateWith(ctx context.Context, code string, year int, ev *evaluation.Evaluation, res *scoring.Result, expectedVersion int, actor, reason string) (int, diag.List, error) {
	switch {
	case ev == nil:
		return 0, nil, errorf(apperr.EINVALID, "部门 %s %d 年度：缺少评价数据", code, year)
	case ev.Department.Code != code || ev.Year != year:
		return 0, nil, errorf(apperr.EINVALID, "部门 %s %d 年度：修改后的数据属于部门 %s %d 年度，不能更改部门编码或年度", code, year, ev.Department.Code, ev.Year)
	case res != nil && len(res.Projects) != len(ev.Projects):
		return 0, nil, errorf(apperr.EINVALID, "部门 %s %d 年度有 %d 个项目，评分结果却有 %d 个", code, year, len(ev.Projects), len(res.Projects))
	}
	if err := checkEvaluationText(ev, fmt.Sprintf("部门 %s %d 年度", code, year)); err != nil {
		return 0, nil, err
	}
	if err := checkField("", "修改人", evaluation.TextName, actor); err != nil {
		return 0, nil, err
	}
	if err := checkField("", "修改原因", evaluation.TextParagraph, reason); err != nil {
		return 0, nil, err
	}
	newVersion := expectedVersion
	var found diag.List
	err := s.withTx(ctx, func(tx *txn) error {
		var (
			id      int64
			version int
			stage   string
			status  string
			stored  []byte
			master  evaluation.Master
			fwID    string
			pfwID   sql.NullString
		)
		err := tx.queryRow(ctx, `SELECT dy.id, dy.version, dy.stage, dy.status, dy.data, d.name, d.parent, d.region, f.framework_id, pf.framework_id
			FROM department_years dy
			JOIN departments d ON d.id = dy.department_id
			JOIN framework_versions f ON f.id = dy.framework_version_id
			LEFT JOIN framework_versions pf ON pf.id = dy.project_framework_version_id
			WHERE d.code = ? AND dy.year = ?`, code, year).Scan(&id, &version, &stage, &status, &stored, &master.Name, &master.Parent, &master.Region, &fwID, &pfwID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(code, year)
		}
		if err != nil {
			return err
		}
		if !workflow.Editable(status) {
			return notEditable(code, year, status)
		}
		if version != expectedVersion {
			return conflict(code, year, version, expectedVersion)
		}
		scored := stage == workflow.Evaluation
		if scored && res == nil {
			return errorf(apperr.EINVALID, "部门 %s %d 年度处于年终自评阶段，保存数据需要评分结果", code, year)
		}
		if !scored {
			res = nil
		}
		if ev.Framework != fwID {
			return errorf(apperr.EINVALID, "部门 %s %d 年度按指标框架 %s 评分，修改后的数据却使用 %s；更换框架请重新导入", code, year, fwID, ev.Framework)
		}
		if len(ev.Projects) > 0 && (!pfwID.Valid || pfwID.String != ev.ProjectFrameworkID()) {
			return errorf(apperr.EINVALID, "部门 %s %d 年度未按项目指标框架 %s 评分；更换框架请重新导入", code, year, ev.ProjectFrameworkID())
		}
		found = ev.KeepMaster(master)
		baselines, err := tx.latestBaselines(ctx, []int64{id})
		if err != nil {
			return err
		}
		var data []byte
		if b, ok := baselines[id]; ok {
			var kept diag.List
			res, data, kept, err = keepBaseline(ev, b.data, stage, res, func() ([]byte, []byte, *evaluation.Cycle, error) { return tx.pinnedFrameworks(ctx, id) })
			if err != nil {
				return err
			}
			found = append(found, kept...)
		} else if data, err = json.Marshal(ev); err != nil {
			return errorf(apperr.EINVALID, "部门 %s %d 年度的数据无法编码：%v", code, year, err)
		}
		var old evaluation.Evaluation
		if err := json.Unmarshal(stored, &old); err != nil {
			return fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", code, year, err)
		}
		if again, err := json.Marshal(&old); err == nil && bytes.Equal(again, data) {
			return nil // nothing changed
		}
		changes := evaluation.Diff(&old, ev)
		_, baselined := baselines[id]
		if err := refuseFrozen(code, year, stage, status, baselined, &old, ev, changes); err != nil {
			return err
		}
		now := s.now()
		total, grade := resultTotal(res)
		args := append([]any{string(data), total, grade, now}, summaryArgs(ev)...)
		r, err := tx.exec(ctx, `UPDATE department_years SET data = ?, total = ?, grade = ?, version = version + 1, updated_at = ?,
			`+summarySet+` WHERE id = ? AND version = ?`, append(args, id, expectedVersion)...)
		if err != nil {
			return fmt.Errorf("保存部门 %s %d 年度失败：%w", code, year, err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return tx.conflict(ctx, id, key{code, year}, expectedVersion)
		}
		newVersion = expectedVersion + 1
		if err := tx.refreshReview(ctx, id, res); err != nil {
			return err
		}
		if err := tx.deleteProjects(ctx, []int64{id}); err != nil {
			return err
		}
		if err := tx.insertRows(ctx, "projects", projectColumns, appendProjectRows(nil, id, ev, res)); err != nil {
			return fmt.Errorf("写入项目失败：%w", err)
		}
		history := appendHistoryRows(nil, id, newVersion, now, actor, "update", reason, changes)
		if err := tx.insertRows(ctx, "history", historyColumns, history); err != nil {
			return fmt.Errorf("写入修改记录失败：%w", err)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return newVersion, found, nil
}

// Filter selects department-years for ListFiltered. A zero field selects
// any value. Status lists the statuses allowed: nil means any status, an
// empty non-nil slice means none (the result of And on filters that
// cannot both hold).
type Filter struct {
	DepartmentCode string
	Year           int
	// Stage selects one stage (workflow.Declaration, …); empty any.
	Stage  string
	Status []string
}

// none is a filter that matches nothing.
func none() Filter { return Filter{Status: []string{}} }

// Visible is what a user may list: the public (u == nil) only published
// department-years, an editor or approver only their department's, a
// reviewer or administrator every department-year in every status (the
// finance bureau follows progress, including who has not yet submitted).
// A disabled account sees what the public sees.
//
// The web layer must build every listing as
//
//	s.ListFiltered(ctx, store.Visible(user).And(fromRequest))
//
// never from the request alone and never with List: And narrows, so a
// request can only see less than Visible allows, never more.
func Visible(u *User) Filter {
	switch {
	case u == nil || u.Disabled:
		return Filter{Status: []string{workflow.Published}}
	case u.InDepartment():
		if u.DepartmentCode == "" {
			return none()
		}
		return Filter{DepartmentCode: u.DepartmentCode}
	case u.Role == workflow.Reviewer || u.Role == workflow.Admin:
		return Filter{}
	}
	return none()
}

// And returns the filter selecting what both f and g select.
func (f Filter) And(g Filter) Filter {
	out := f
	switch {
	case g.DepartmentCode == "":
	case f.DepartmentCode == "":
		out.DepartmentCode = g.DepartmentCode
	case f.DepartmentCode != g.DepartmentCode:
		return none()
	}
	switch {
	case g.Year == 0:
	case f.Year == 0:
		out.Year = g.Year
	case f.Year != g.Year:
		return none()
	}
	switch {
	case g.Stage == "":
	case f.Stage == "":
		out.Stage = g.Stage
	case f.Stage != g.Stage:
		return none()
	}
	switch {
	case g.Status == nil:
	case f.Status == nil:
		out.Status = append([]string{}, g.Status...)
	default:
		out.Status = []string{}
		for _, st := range f.Status {
			if slices.Contains(g.Status, st) {
				out.Status = append(out.Status, st)
			}
		}
	}
	return out
}

// where is the WHERE clause (with a leading space, or empty) and its
// arguments selecting what f selects from department_years dy joined with
// departments d. A filter that selects nothing must be caught before.
func (f Filter) where() (string, []any) {
	var (
		conds []string
		args  []any
	)
	if f.DepartmentCode != "" {
		conds, args = append(conds, "d.code = ?"), append(args, f.DepartmentCode)
	}
	if f.Year != 0 {
		conds, args = append(conds, "dy.year = ?"), append(args, f.Year)
	}
	if f.Stage != "" {
		conds, args = append(conds, "dy.stage = ?"), append(args, f.Stage)
	}
	if len(f.Status) > 0 {
		conds, args = append(conds, "dy.status IN ("+placeholders(len(f.Status))+")"), append(args, anys(f.Status)...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListFiltered returns the department-years f selects, by department code
// and year. See Visible for how the web layer must build f.
func (s *Store) ListFiltered(ctx context.Context, f Filter) ([]Listing, error) {
	if f.Status != nil && len(f.Status) == 0 {
		return nil, nil
	}
	where, args := f.where()
	q := `SELECT ` + listingColumns + ` FROM department_years dy JOIN departments d ON d.id = dy.department_id` + where
	q += " ORDER BY d.code, dy.year"
	var out []Listing
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l Listing
			if err := scanListing(rows, &l); err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("读取数据列表失败：%w", err)
	}
	return out, nil
}
