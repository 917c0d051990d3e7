package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/results"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Results applied to the budget (结果应用, docs/cycle.md §2, §3.2,
// migration 00017): suggestions are computed live, for every department
// and project of an evaluation-stage year accepted or published, from the
// grade after review and the rules file (internal/results); a reviewer's
// decision is a results_decisions row, recorded in the year's history at
// "results.SCOPE.decision". The year's version does not change.

// Result scopes: the department overall, or a project by code ("project:"
// + code) or, without a code, by position ("seq:" + n).
const (
	ResultScopeDepartment = "department"
	resultScopeProject    = "project:"
	resultScopeSeq        = "seq:"
)

// MaxResultsYears bounds the department-years one Suggestions call reads
// (a province's 3,000 departments fit; the web pages ask for 20).
const MaxResultsYears = 10000

// resultStatuses are the statuses whose results are applied.
var resultStatuses = []string{workflow.Accepted, workflow.Published}

// BaseName names the figure a suggestion's amount is computed from: the
// year's initial budget (年初预算数) of the project, or of the department
// (finance.budget.initial).
const BaseName = "年初预算数"

// projectGradeColumn and projectGrade are the one place a project's grade
// for results is chosen: its grade after review where a review score of
// the project counts (projects.review_grade, migration 00020), else its
// own self-evaluation grade (projects.grade).
const projectGradeColumn = "p.review_grade || '|' || p.grade"

func projectGrade(stored string) (grade, note string) {
	review, self, _ := strings.Cut(stored, "|")
	if review != "" {
		return review, "项目复核后等级"
	}
	return self, "项目自评等级（未复核）"
}

// ResultsFilter selects department-years for Suggestions: Year is
// required; the others narrow. Grade is the department's grade after
// review; Decided is "decided" (every row decided), "undecided" (some row
// not) or empty. Limit 0 is MaxResultsYears.
type ResultsFilter struct {
	Year           int
	DepartmentCode string
	Region         string
	Grade          string
	Decided        string
	Offset, Limit  int
}

// Decided filter values.
const (
	ResultsDecided   = "decided"
	ResultsUndecided = "undecided"
)

// ResultsYear is one department-year's results: the department overall
// and each project.
type ResultsYear struct {
	DepartmentCode, Department, Region string
	Year                               int
	Status                             string
	Overall                            ResultRow
	Projects                           []ResultRow
	// OverdueRectifications counts the department's rectification items of
	// earlier years overdue today: when any is, the results rules'
	// no-rectification rule applies (not to exempt projects).
	OverdueRectifications int
}

// Rows are the department's row then the projects'.
func (y *ResultsYear) Rows() []ResultRow {
	return append([]ResultRow{y.Overall}, y.Projects...)
}

// ResultRow is the suggestion and decision of one scope.
type ResultRow struct {
	Scope       string
	ProjectCode string
	ProjectName string
	// Kind is the project's 项目属性 (new, continuing, or empty).
	Kind string
	// Grade is the grade after review; GradeNote says which grade it is.
	Grade, GradeNote string
	// Type is the project type: the decision's, else the default of Kind.
	Type string
	// Base is this year's initial budget (年初预算数) of the scope.
	Base money.Fen
	// Suggestion is the rules' suggestion, nil when there is none
	// (Problem says why: no grade).
	Suggestion *results.Result
	Problem    string
	// RectificationOpen: the department's earlier rectification is not in
	// place (ResultsYear.OverdueRectifications).
	RectificationOpen bool
	// Decision is the reviewer's decision, nil while there is none.
	Decision *ResultDecision
}

// Label names the scope in Chinese: 部门整体, or the project.
func (r ResultRow) Label() string {
	if r.Scope == ResultScopeDepartment {
		return "部门整体"
	}
	return r.ProjectName
}

// TypeName names the project type ("" for the department).
func (r ResultRow) TypeName() string { return results.TypeNames[r.Type] }

// Stale says the decision was made on another grade, type or base than
// the row has now, or suggested something else.
func (r ResultRow) Stale() bool {
	d := r.Decision
	if d == nil || r.Suggestion == nil {
		return false
	}
	return d.Grade != r.Grade || d.Type != r.Type || d.Base != r.Base || d.RuleID != r.Suggestion.Rule.ID ||
		d.Suggested != r.Suggestion.Amount
}

// ResultDecision is a stored decision with what it was decided on.
type ResultDecision struct {
	Type, Grade       string
	RulesID, RuleID   string
	Suggestion        string
	Base, Suggested   money.Fen
	Decision          string
	Decided           money.Fen
	Reason, DecidedBy string
	DecidedAt         time.Time
	Version           int
}

// DecisionName names a decision with the cut its amount makes of base
// when it is a reduce ("核减12.5%").
func DecisionName(rules *results.Rules, key string, base, amount money.Fen) string {
	s, ok := rules.Suggestions[key]
	if !ok {
		return key
	}
	if s.Effect != results.Reduce || base <= 0 {
		return s.Name
	}
	cut := new(big.Rat).SetFrac64(int64(base-amount)*100, int64(base))
	return s.Name + strings.TrimRight(strings.TrimRight(money.Decimal(cut, 2), "0"), ".") + "%"
}

// resultYearRow is what the first query reads of a department-year.
type resultYearRow struct {
	id                 int64
	year               int
	code, name, region string
	status             string
	grade, reviewGrade string
	budget             string
}

// resultsWhere is the WHERE clause selecting f's department-years.
func resultsWhere(f ResultsFilter) (string, []any) {
	conds := []string{"dy.year = ?", "dy.stage = ?", "dy.status IN (" + placeholders(len(resultStatuses)) + ")"}
	args := append([]any{f.Year, workflow.Evaluation}, anys(resultStatuses)...)
	if f.DepartmentCode != "" {
		conds, args = append(conds, "d.code = ?"), append(args, f.DepartmentCode)
	}
	if f.Region != "" {
		conds, args = append(conds, "d.region = ?"), append(args, f.Region)
	}
	if f.Grade != "" {
		conds, args = append(conds, "COALESCE(NULLIF(dy.review_grade, ''), dy.grade) = ?"), append(args, f.Grade)
	}
	counts := `(SELECT COUNT(*) FROM results_decisions r WHERE r.department_year_id = dy.id) %s 1 +
		(SELECT COUNT(*) FROM projects p WHERE p.department_year_id = dy.id)`
	switch f.Decided {
	case ResultsDecided:
		conds = append(conds, fmt.Sprintf(counts, ">="))
	case ResultsUndecided:
		conds = append(conds, fmt.Sprintf(counts, "<"))
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Suggestions lists the results of the department-years f selects, by
// department code, and how many f selects in all: each department's and
// project's grade after review, project type, the rule applying, the
// suggestion and the amount it implies, and the decision when there is
// one. Reads are a handful of queries whatever the number of years (the
// years, their projects, the projects' kinds from the documents in SQL,
// the decisions), never one per year. A filter's bad value is
// apperr.EINVALID naming every problem.
func (s *Store) Suggestions(ctx context.Context, f ResultsFilter, rules *results.Rules) ([]*ResultsYear, int, error) {
	var probs []string
	if f.Year < 2000 || f.Year > 2100 {
		probs = append(probs, fmt.Sprintf("年度应在 2000 至 2100 之间，实际为 %d", f.Year))
	}
	if f.Limit == 0 {
		f.Limit = MaxResultsYears
	}
	if f.Limit < 0 || f.Limit > MaxResultsYears {
		probs = append(probs, fmt.Sprintf("每次最多读取 %d 个部门年度，实际要求 %d 个", MaxResultsYears, f.Limit))
	}
	if f.Offset < 0 {
		probs = append(probs, "起始位置不能为负数")
	}
	if f.Grade != "" && !validResultGrade(f.Grade) {
		probs = append(probs, fmt.Sprintf("等级“%s”不是优、良、中、差之一", f.Grade))
	}
	if f.Decided != "" && f.Decided != ResultsDecided && f.Decided != ResultsUndecided {
		probs = append(probs, fmt.Sprintf("决定状态“%s”无效：应为 decided（已决定）或 undecided（未决定）", f.Decided))
	}
	for _, v := range []string{f.DepartmentCode, f.Region} {
		if !storable(v) {
			probs = append(probs, "筛选条件含有无效字符")
		}
	}
	if len(probs) > 0 {
		return nil, 0, errorf(apperr.EINVALID, "结果应用筛选条件有误：%s", strings.Join(probs, "；"))
	}
	var (
		out   []*ResultsYear
		total int
	)
	err := s.withReadTx(ctx, func(tx *txn) error {
		where, args := resultsWhere(f)
		from := ` FROM department_years dy JOIN departments d ON d.id = dy.department_id`
		if err := tx.queryRow(ctx, `SELECT COUNT(*)`+from+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("读取结果应用列表失败：%w", err)
		}
		var err error
		out, err = tx.resultYears(ctx, from+where+` ORDER BY d.code LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset), rules)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func validResultGrade(g string) bool {
	for _, x := range results.Grades {
		if x == g {
			return true
		}
	}
	return false
}

// resultYears reads the department-years selected by tail (FROM … WHERE …
// ORDER BY … LIMIT) with their projects, kinds and decisions, and
// computes their suggestions.
func (tx *txn) resultYears(ctx context.Context, tail string, args []any, rules *results.Rules) ([]*ResultsYear, error) {
	budget := `json_extract(dy.data, '$.finance.budget.initial')`
	if tx.store.dialect == Postgres {
		budget = `dy.data->'finance'->'budget'->>'initial'`
	}
	rows, err := tx.query(ctx, `SELECT dy.id, dy.year, d.code, d.name, d.region, dy.status, dy.grade, dy.review_grade,
		COALESCE(CAST(`+budget+` AS TEXT), '')`+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("读取结果应用列表失败：%w", err)
	}
	var years []resultYearRow
	for rows.Next() {
		var y resultYearRow
		if err := rows.Scan(&y.id, &y.year, &y.code, &y.name, &y.region, &y.status, &y.grade, &y.reviewGrade, &y.budget); err != nil {
			rows.Close()
			return nil, err
		}
		years = append(years, y)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*ResultsYear, len(years))
	index := make(map[int64]*ResultsYear, len(years))
	ids := make([]int64, len(years))
	for i, y := range years {
		ids[i] = y.id
		ry := &ResultsYear{Year: y.year, DepartmentCode: y.code, Department: y.name, Region: y.region, Status: y.status}
		grade, note := y.reviewGrade, "部门复核后等级"
		if grade == "" {
			grade, note = y.grade, "部门自评等级（未复核）"
		}
		ry.Overall = ResultRow{Scope: ResultScopeDepartment, Grade: grade, GradeNote: note}
		if y.budget != "" {
			b, err := money.Parse(y.budget)
			if err != nil {
				return nil, errorf(apperr.EINVALID, "部门 %s 的年初预算数“%s”无效：%v", y.code, y.budget, err)
			}
			ry.Overall.Base = b
		}
		out[i], index[y.id] = ry, ry
	}
	overdue, err := tx.overdueEarlier(ctx, ids)
	if err != nil {
		return nil, err
	}
	decisions, err := tx.resultDecisions(ctx, ids)
	if err != nil {
		return nil, err
	}
	for part := range chunks(ids, 500) {
		prow, err := tx.query(ctx, `SELECT p.department_year_id, p.seq, p.code, p.name, p.initial, p.kind, `+projectGradeColumn+`
			FROM projects p WHERE p.department_year_id IN (`+placeholders(len(part))+`) ORDER BY p.department_year_id, p.seq`, anys(part)...)
		if err != nil {
			return nil, fmt.Errorf("读取项目失败：%w", err)
		}
		for prow.Next() {
			var (
				id      int64
				seq     int
				r       ResultRow
				initial int64
				grade   string
			)
			if err := prow.Scan(&id, &seq, &r.ProjectCode, &r.ProjectName, &initial, &r.Kind, &grade); err != nil {
				prow.Close()
				return nil, err
			}
			r.Scope = resultScopeSeq + strconv.Itoa(seq)
			if r.ProjectCode != "" {
				r.Scope = resultScopeProject + r.ProjectCode
			}
			r.Base = money.Fen(initial)
			r.Grade, r.GradeNote = projectGrade(grade)
			index[id].Projects = append(index[id].Projects, r)
		}
		prow.Close()
		if err := prow.Err(); err != nil {
			return nil, err
		}
	}
	for i, ry := range out {
		id := ids[i]
		ry.OverdueRectifications = overdue[id]
		open := overdue[id] > 0
		ry.Overall.RectificationOpen = open
		ry.Overall = suggestRow(rules, ry.Overall, decisions[id][ResultScopeDepartment])
		for i := range ry.Projects {
			ry.Projects[i].RectificationOpen = open
			ry.Projects[i] = suggestRow(rules, ry.Projects[i], decisions[id][ry.Projects[i].Scope])
		}
	}
	return out, nil
}

// chunks yields ids in parts of at most n.
func chunks(ids []int64, n int) func(func([]int64) bool) {
	return func(yield func([]int64) bool) {
		for len(ids) > 0 {
			k := min(n, len(ids))
			if !yield(ids[:k]) {
				return
			}
			ids = ids[k:]
		}
	}
}

// suggestRow completes a row: its type (the decision's, else the kind's
// default), the suggestion and the decision.
func suggestRow(rules *results.Rules, r ResultRow, d *ResultDecision) ResultRow {
	r.Decision = d
	if r.Scope != ResultScopeDepartment {
		r.Type = rules.TypeFor(r.Kind)
		if d != nil && d.Type != "" {
			r.Type = d.Type
		}
	}
	if r.Grade == "" {
		r.Problem = "没有评价等级，无法给出建议"
		return r
	}
	scope := results.ScopeProject
	if r.Scope == ResultScopeDepartment {
		scope = results.ScopeDepartment
	}
	res, err := rules.Suggest(results.Input{Scope: scope, Type: r.Type, Grade: r.Grade, Base: r.Base, BaseName: BaseName,
		RectificationOpen: r.RectificationOpen})
	if err != nil {
		r.Problem = err.Error()
		return r
	}
	r.Suggestion = &res
	return r
}

// overdueEarlier counts, for each department-year of ids, the
// rectification items of its department's earlier years overdue today
// (rectify.Item.Overdue): rectification not in place, which the results
// rules answer with their no-rectification rule.
func (tx *txn) overdueEarlier(ctx context.Context, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	today := tx.store.Today().String()
	for part := range chunks(ids, 500) {
		rows, err := tx.query(ctx, `SELECT dy.id, COUNT(*) FROM department_years dy
			JOIN department_years e ON e.department_id = dy.department_id AND e.year < dy.year
			JOIN rectification_items ri ON ri.department_year_id = e.id
			WHERE dy.id IN (`+placeholders(len(part))+`) AND `+overdueSQL+` GROUP BY dy.id`,
			append(anys(part), today, today, today)...)
		if err != nil {
			return nil, fmt.Errorf("读取整改事项失败：%w", err)
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const decisionColumns = `department_year_id, scope, project_type, grade, rules_id, rule_id, suggestion, base_amount, suggested_amount,
	decision, decided_amount, reason, version, decided_by, decided_at`

func scanDecision(row interface{ Scan(...any) error }) (int64, string, *ResultDecision, error) {
	var (
		id                       int64
		scope                    string
		d                        ResultDecision
		base, suggested, decided int64
	)
	if err := row.Scan(&id, &scope, &d.Type, &d.Grade, &d.RulesID, &d.RuleID, &d.Suggestion, &base, &suggested,
		&d.Decision, &decided, &d.Reason, &d.Version, &d.DecidedBy, &d.DecidedAt); err != nil {
		return 0, "", nil, err
	}
	d.Base, d.Suggested, d.Decided, d.DecidedAt = money.Fen(base), money.Fen(suggested), money.Fen(decided), d.DecidedAt.UTC()
	return id, scope, &d, nil
}

// resultDecisions reads the decisions of the department-years ids, by
// id and scope.
func (tx *txn) resultDecisions(ctx context.Context, ids []int64) (map[int64]map[string]*ResultDecision, error) {
	out := map[int64]map[string]*ResultDecision{}
	for part := range chunks(ids, 500) {
		rows, err := tx.query(ctx, `SELECT `+decisionColumns+` FROM results_decisions WHERE department_year_id IN (`+placeholders(len(part))+`)`, anys(part)...)
		if err != nil {
			return nil, fmt.Errorf("读取结果应用决定失败：%w", err)
		}
		for rows.Next() {
			id, scope, d, err := scanDecision(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if out[id] == nil {
				out[id] = map[string]*ResultDecision{}
			}
			out[id][scope] = d
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ResultsOf is the results of one department-year (Suggestions for its
// code and year); apperr.ENOTFOUND when the year is not stored, and
// apperr.EINVALID when it is not accepted or published in the evaluation
// stage.
func (s *Store) ResultsOf(ctx context.Context, code string, year int, rules *results.Rules) (*ResultsYear, error) {
	var out *ResultsYear
	err := s.withReadTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		out, err = tx.resultsOf(ctx, st, rules)
		return err
	})
	return out, err
}

func (tx *txn) resultsOf(ctx context.Context, st dyState, rules *results.Rules) (*ResultsYear, error) {
	if st.stage != workflow.Evaluation || (st.status != workflow.Accepted && st.status != workflow.Published) {
		return nil, errorf(apperr.EINVALID, "部门 %s 年度尚未复核通过（%s），还不能应用评价结果", st.departmentCode, workflow.StatusName(st.stage, st.status))
	}
	ys, err := tx.resultYears(ctx, ` FROM department_years dy JOIN departments d ON d.id = dy.department_id WHERE dy.id = ? LIMIT 1`, []any{st.id}, rules)
	if err != nil {
		return nil, err
	}
	if len(ys) == 0 {
		return nil, errorf(apperr.ENOTFOUND, "部门 %s 年度不存在", st.departmentCode)
	}
	return ys[0], nil
}

// ResultDecisionInput is one decision: the scope, the project type (a
// project's; the reviewer may change the default), the decision (a
// suggestion key of the rules), the amount decided for next year, the
// reason (required when the decision or amount differs from the
// suggestion, and for every revision) and the version read (0: the first
// decision).
type ResultDecisionInput struct {
	Scope    string
	Type     string
	Decision string
	Amount   money.Fen
	Reason   string
	Version  int
}

// DecideResult records the finance bureau's decision for one scope of the
// department-year code, year (first decision: in.Version 0), or revises
// it (in.Version the decision's version: a reason is then required).
// Only a reviewer decides (apperr.EFORBIDDEN); the year must be accepted
// or published in the evaluation stage; every problem of the input is
// listed in one apperr.EINVALID; a stale version is apperr.ECONFLICT. The
// suggestion is computed again with the type given, and stored with the
// decision. History: "results.SCOPE.decision", old and new decision in
// words.
func (s *Store) DecideResult(ctx context.Context, code string, year int, in ResultDecisionInput, rules *results.Rules, actor User) (*ResultRow, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	where := fmt.Sprintf("部门 %s %d 年度结果应用：", code, year)
	var out ResultRow
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		if a.Role != workflow.Reviewer {
			return errorf(apperr.EFORBIDDEN, "%s只有财政部门的复核人可以决定结果应用", where)
		}
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		ry, err := tx.resultsOf(ctx, st, rules)
		if err != nil {
			return err
		}
		var row *ResultRow
		for _, r := range ry.Rows() {
			if r.Scope == in.Scope {
				row = &r
				break
			}
		}
		if row == nil {
			return errorf(apperr.ENOTFOUND, "%s没有“%s”（部门整体或本年度的项目）", where, in.Scope)
		}
		where = fmt.Sprintf("部门 %s %d 年度%s结果应用：", code, year, scopeLabel(row))
		var probs []string
		if row.Scope == ResultScopeDepartment {
			if in.Type != "" {
				probs = append(probs, "部门整体不设项目类型")
			}
		} else if results.TypeNames[in.Type] == "" {
			probs = append(probs, fmt.Sprintf("项目类型“%s”无效，应为经常性、一次性、阶段性或豁免", in.Type))
		}
		if _, ok := rules.Suggestions[in.Decision]; !ok {
			probs = append(probs, fmt.Sprintf("处理决定“%s”不是结果应用规则中的处理建议", in.Decision))
		}
		if in.Amount < 0 || in.Amount > money.MaxAmount {
			probs = append(probs, fmt.Sprintf("决定金额 %s 元应在 0 至 %s 元之间", in.Amount.YuanText(), money.MaxAmount.YuanText()))
		}
		if msg := evaluation.CheckText(evaluation.TextParagraph, in.Reason); msg != "" {
			probs = append(probs, "理由"+msg)
		}
		var sug *results.Result
		if len(probs) == 0 {
			// The suggestion again, with the type decided on.
			r := suggestRow(rules, ResultRow{Scope: row.Scope, Kind: row.Kind, Grade: row.Grade, Base: row.Base, RectificationOpen: row.RectificationOpen}, &ResultDecision{Type: in.Type})
			if r.Suggestion == nil {
				probs = append(probs, r.Problem)
			} else {
				sug, row.Type, row.Suggestion = r.Suggestion, r.Type, r.Suggestion
			}
		}
		if len(probs) == 0 && in.Reason == "" {
			switch {
			case in.Version > 0:
				probs = append(probs, "修改已作出的决定须说明理由")
			case in.Decision != sug.Suggestion || in.Amount != sug.Amount:
				probs = append(probs, fmt.Sprintf("决定与建议（%s，%s 元）不同，须说明理由", sug.Name, sug.Amount.YuanText()))
			}
		}
		if len(probs) > 0 {
			return errorf(apperr.EINVALID, "%s%s", where, strings.Join(probs, "；"))
		}
		old := row.Decision
		switch {
		case in.Version == 0 && old != nil:
			return errorf(apperr.ECONFLICT, "%s已由 %s 作出决定（第 %d 版），请刷新后修改", where, old.DecidedBy, old.Version)
		case in.Version != 0 && old == nil:
			return errorf(apperr.ECONFLICT, "%s尚未作出决定，无可修改", where)
		case old != nil && old.Version != in.Version:
			return errorf(apperr.ECONFLICT, "%s决定已被他人修改（当前第 %d 版，您看到的是第 %d 版），请刷新后重试", where, old.Version, in.Version)
		}
		now := s.now()
		typ := row.Type
		if row.Scope == ResultScopeDepartment {
			typ = ""
		}
		d := &ResultDecision{Type: typ, Grade: row.Grade, RulesID: rules.ID, RuleID: sug.Rule.ID, Suggestion: sug.Suggestion,
			Base: row.Base, Suggested: sug.Amount, Decision: in.Decision, Decided: in.Amount, Reason: in.Reason,
			DecidedBy: a.Username, DecidedAt: now, Version: 1}
		if old == nil {
			_, err = tx.exec(ctx, `INSERT INTO results_decisions (department_year_id, scope, project_type, grade, rules_id, rule_id, suggestion,
				base_amount, suggested_amount, decision, decided_amount, reason, version, decided_by, decided_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, st.id, row.Scope, typ, row.Grade, rules.ID, sug.Rule.ID, sug.Suggestion,
				int64(row.Base), int64(sug.Amount), in.Decision, int64(in.Amount), in.Reason, a.Username, now)
		} else {
			d.Version = old.Version + 1
			_, err = tx.exec(ctx, `UPDATE results_decisions SET project_type = ?, grade = ?, rules_id = ?, rule_id = ?, suggestion = ?,
				base_amount = ?, suggested_amount = ?, decision = ?, decided_amount = ?, reason = ?, version = version + 1, decided_by = ?, decided_at = ?
				WHERE department_year_id = ? AND scope = ? AND version = ?`, typ, row.Grade, rules.ID, sug.Rule.ID, sug.Suggestion,
				int64(row.Base), int64(sug.Amount), in.Decision, int64(in.Amount), in.Reason, a.Username, now, st.id, row.Scope, old.Version)
		}
		if err != nil {
			return fmt.Errorf("保存结果应用决定失败：%w", err)
		}
		from := ""
		if old != nil {
			from = decisionText(rules, old)
		}
		reason := in.Reason
		if reason == "" {
			reason = "按建议决定"
		}
		if _, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
			VALUES (?, ?, ?, ?, 'update', ?, ?, ?, ?)`, st.id, st.version, now, a.Username, "results."+row.Scope+".decision",
			from, decisionText(rules, d), reason); err != nil {
			return fmt.Errorf("写入修改记录失败：%w", err)
		}
		row.Decision = d
		out = *row
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func scopeLabel(r *ResultRow) string {
	if r.Scope == ResultScopeDepartment {
		return "部门整体"
	}
	return "项目“" + r.ProjectName + "”"
}

// decisionText is a decision in words, as history keeps it:
// "核减10%，504,000.00 元（一次性项目，等级 中）".
func decisionText(rules *results.Rules, d *ResultDecision) string {
	what := ""
	if d.Type != "" {
		what = results.TypeNames[d.Type] + "项目，"
	}
	return fmt.Sprintf("%s，%s 元（%s等级 %s）", DecisionName(rules, d.Decision, d.Base, d.Decided), d.Decided.YuanText(), what, d.Grade)
}

// ResultReference is the latest decided year's result of a scope, shown
// beside a later year as 参考 (read live, never copied).
type ResultReference struct {
	Year     int
	Grade    string
	Type     string
	Decision *ResultDecision
	// Suggestion and DecisionName are the suggestion and the decision in
	// words.
	Suggestion, DecisionName string
}

// ResultReferences reads, for the department code, the latest decision
// of each scope in a year before year: by scope ("department",
// "project:CODE"; positions of projects without a code do not carry
// across years and are left out).
func (s *Store) ResultReferences(ctx context.Context, code string, year int, rules *results.Rules) (map[string]ResultReference, error) {
	out := map[string]ResultReference{}
	if !storable(code) {
		return out, nil
	}
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT dy.year, r.department_year_id, r.scope, r.project_type, r.grade, r.rules_id, r.rule_id, r.suggestion,
			r.base_amount, r.suggested_amount, r.decision, r.decided_amount, r.reason, r.version, r.decided_by, r.decided_at
			FROM results_decisions r JOIN department_years dy ON dy.id = r.department_year_id JOIN departments d ON d.id = dy.department_id
			WHERE d.code = ? AND dy.year < ? AND r.scope NOT LIKE 'seq:%' ORDER BY dy.year DESC`, code, year)
		if err != nil {
			return fmt.Errorf("读取以前年度结果应用决定失败：%w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var y int
			_, scope, d, err := scanDecision(yearFirst{&y, rows})
			if err != nil {
				return err
			}
			if _, ok := out[scope]; ok {
				continue // a later year's decision is kept
			}
			out[scope] = ResultReference{Year: y, Grade: d.Grade, Type: d.Type, Decision: d,
				Suggestion:   DecisionName(rules, d.Suggestion, d.Base, d.Suggested),
				DecisionName: DecisionName(rules, d.Decision, d.Base, d.Decided)}
		}
		return rows.Err()
	})
	return out, err
}

// yearFirst scans the year, then a decision's columns.
type yearFirst struct {
	year *int
	rows *sql.Rows
}

func (r yearFirst) Scan(dest ...any) error { return r.rows.Scan(append([]any{r.year}, dest...)...) }

// resultLabel names a results history path ("results.project:P1.decision"):
// 项目“NAME”结果应用决定.
func resultLabel(path string, ev *evaluation.Evaluation) string {
	scope, ok := strings.CutSuffix(strings.TrimPrefix(path, "results."), ".decision")
	if !ok {
		return path
	}
	switch {
	case scope == ResultScopeDepartment:
		return "部门整体结果应用决定"
	case strings.HasPrefix(scope, resultScopeProject):
		code := strings.TrimPrefix(scope, resultScopeProject)
		if ev != nil {
			for _, p := range ev.Projects {
				if p.Code == code {
					return "项目“" + p.Name + "”结果应用决定"
				}
			}
		}
		return "项目 " + code + " 结果应用决定"
	case strings.HasPrefix(scope, resultScopeSeq):
		if n, err := strconv.Atoi(strings.TrimPrefix(scope, resultScopeSeq)); err == nil && ev != nil && n >= 1 && n <= len(ev.Projects) {
			return "项目“" + ev.Projects[n-1].Name + "”结果应用决定"
		}
		return "第 " + strings.TrimPrefix(scope, resultScopeSeq) + " 个项目结果应用决定"
	}
	return path
}
