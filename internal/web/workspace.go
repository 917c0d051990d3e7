package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// figure is one labelled amount or rate.
type figure struct{ Label, Value string }

// row is one indicator in the workspace table.
type row struct {
	Depth  int
	Node   *scoring.Node
	Leaf   bool
	Review *store.ReviewScore
	// Comments are the comments made on this indicator, oldest first.
	Comments []store.Comment
}

// moveForm is one workflow move offered on the workspace. Refused is the
// error of a move that was just refused, shown beside its form with what
// was entered (Comment).
type moveForm struct {
	workflow.Transition
	Refused, Comment string
}

// editForm is the form for changing one indicator's self-score.
type editForm struct {
	Code, Name string
	Points     num.Points
	Kind       string
	Items      []itemView // checklist
	Score      string     // manual, qualitative
	Level      string     // qualitative
	Reason     string
	// Comments are the comments made on this indicator, shown with the
	// form.
	Comments []store.Comment
	// State is the indicator's state as the page's result has it.
	State scoreState
	// Set when the edit was refused: the form is shown open with the
	// error, the field it is about (Field, the field's name) and the
	// findings and, when the entry was invalid, with what was entered
	// (see placeError in workspace_forms.go).
	Refused, Field        string
	Problems              []string
	Item, Outcome, Deduct string // checklist
	EnteredReason         string
}

type itemView struct {
	Code, Text string
	Points     num.Points
	Register   bool // decided from the registers unless overridden
}

type workspaceData struct {
	Base    string
	Listing store.Listing
	// OpenedFrom is the year this one was opened from (0: imported).
	OpenedFrom int
	// Unscored: in the evaluation stage but not scorable yet; Findings
	// say why.
	Unscored bool
	Ev       *evaluation.Evaluation
	Res      *scoring.Result
	Figures  []figure
	Rows     []row
	Moves    []moveForm
	Edits    []editForm
	Reviews  []reviewForm // leaves a reviewer may score
	// ReviewSets are the reviewer's forms for the other leaves: the
	// department's targets and checklist items, each project's
	// indicators.
	ReviewSets []reviewSet
	// ProjectReviews are each project's total and grade after review
	// (nil before any review score), beside its self-score.
	ProjectReviews []assess.ProjectReview
	// ReviewLetter says the user may download the review opinion letter.
	ReviewLetter bool
	CanComment   bool
	Comment      commentForm
	Comments     []store.Comment
	// ReviewTotal is the total with the review scores in place of the
	// self-scores they replace (nil before any review score), over
	// ReviewCount review scores, graded ReviewGrade.
	ReviewTotal *num.Points
	ReviewCount int
	ReviewGrade string
	// Returned is the move that sent a returned submission back, with
	// its reason, shown first, and Commented the indicators that have
	// comments, linked from it.
	Returned  *store.Change
	Commented []string
	Findings  diag.List
	// Quality are the target-quality findings (绩效目标质量审核, W190–W195)
	// of the stored data.
	Quality diag.List
	Formats []string
	// Declared is the declared targets with their comments, before the
	// evaluation stage.
	Declared *declaredView
	// Adjustments are the year's 目标调整; CanAdjust says the user may
	// propose one, of one of AdjustScopes; CanDecide that the user
	// decides them.
	Adjustments  []adjustmentRow
	CanAdjust    bool
	AdjustScopes []editOption
	CanDecide    bool
	// Checkpoints are the year's checkpoint reports (绩效监控表), by
	// month; NewCheckpoints are the cycle rules' checkpoint months the
	// page offers to fill in, whose reports are not stored yet, in the
	// execution stage.
	Checkpoints    []store.CheckpointReport
	NewCheckpoints []int
	// Warnings are the year's execution warnings (预警), latest month
	// first, with their handling and the department's answers.
	Warnings []store.Warning
	// Exante are the new projects that need an ex-ante evaluation and
	// those with one (事前绩效评估), with ExanteRule the threshold in words.
	Exante     []exanteLine
	ExanteRule string
	// Focus and Alert are for a workspace that htmx swaps in after a score
	// edit made in place: Focus "summary" gives the new total the focus;
	// Alert is an error about no one form, which takes the focus.
	Focus, Alert string
	// ResultRefs are the 参考 of earlier years' results decisions, in the
	// declaration stage.
	ResultRefs []resultRefLine
}

// workspace shows a department-year: figures, scores with their traces,
// review scores, comments and the moves the user may make.
func (s *server) workspace(w http.ResponseWriter, r *http.Request) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showWorkspace(w, r, sc, http.StatusOK, "", nil)
}

// showWorkspace renders the workspace with a status, an error message and
// findings (from a refused edit).
func (s *server) showWorkspace(w http.ResponseWriter, r *http.Request, sc *scored, status int, errMsg string, findings diag.List) {
	s.showWorkspaceForm(w, r, sc, status, errMsg, "", findings)
}

// showWorkspaceForm is showWorkspace with the error placed in the form
// that was submitted, on the field with the name when field is set.
func (s *server) showWorkspaceForm(w http.ResponseWriter, r *http.Request, sc *scored, status int, errMsg, field string, findings diag.List) {
	u := currentUser(r)
	l := sc.rec.Listing
	ev := sc.rec.Evaluation
	reviews, err := s.st.ReviewScores(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	comments, err := s.st.Comments(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byCode := map[string]*store.ReviewScore{}
	for i := range reviews {
		if reviews[i].Scope == store.ScopeDepartment {
			byCode[reviews[i].IndicatorCode] = &reviews[i]
		}
	}
	// The comments of the whole year come in one query; each indicator's
	// are shown with its row and its form.
	onIndicator := map[string][]store.Comment{}
	for _, c := range comments {
		if c.IndicatorCode != "" && c.Scope == "" {
			onIndicator[c.IndicatorCode] = append(onIndicator[c.IndicatorCode], c)
		}
	}
	d := workspaceData{
		Base: evaluationPath(l), Listing: l, OpenedFrom: sc.rec.OpenedFrom, Ev: ev, Res: sc.result(), Unscored: sc.unscored,
		CanComment: canComment(u, l) == nil, Comments: comments, Findings: findings, Quality: qualityFindings(sc.ds),
		Formats: render.Exts(), Exante: exanteLines(evaluationPath(l), ev, sc.rec.Cycle),
	}
	if c := sc.rec.Cycle; c != nil {
		d.ExanteRule = c.ExanteRule()
	}
	for _, t := range moves(u, l) {
		d.Moves = append(d.Moves, moveForm{Transition: t})
	}
	if !l.Scored() {
		d.Declared = newDeclaredView(ev, comments)
	}
	if l.Stage == workflow.Declaration {
		d.ResultRefs = s.resultRefLines(r, l.DepartmentCode, l.Year, ev)
	}
	if l.Stage != workflow.Declaration {
		adjs, err := s.st.Adjustments(r.Context(), l.DepartmentCode, l.Year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Adjustments = adjustmentRows(l, ev, adjs)
		if d.CanAdjust = canAdjust(u, l) == nil; d.CanAdjust {
			d.AdjustScopes = adjustScopes(ev)
		}
		d.CanDecide = canDecideAdjustment(u, l) == nil
	}
	if d.Checkpoints, err = s.st.Checkpoints(r.Context(), l.DepartmentCode, l.Year); err != nil {
		s.fail(w, r, err)
		return
	}
	if l.Stage == workflow.Execution {
		// The cycle rules' checkpoints without a report yet.
		have := map[int]bool{}
		for _, c := range d.Checkpoints {
			have[c.Month] = true
		}
		for _, m := range s.st.CheckpointMonths() {
			if !have[m] {
				d.NewCheckpoints = append(d.NewCheckpoints, m)
			}
		}
	}
	if l.Stage == workflow.Execution || l.Scored() {
		if d.Warnings, err = s.st.DepartmentYearWarnings(r.Context(), l.DepartmentCode, l.Year); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if l.Status == workflow.Returned {
		if d.Returned, err = s.st.LastStatusChange(r.Context(), l.DepartmentCode, l.Year, workflow.Returned); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	d.Figures = financeFigures(ev)
	if !l.Scored() {
		// A declaration has no final accounts yet: the budget it declares
		// and last year's income, carried over when the year was opened.
		d.Figures = []figure{
			{"年初预算数（万元）", ev.Finance.Budget.Initial.Wan()},
			{"上年决算收入（万元）", ev.Finance.PriorIncome.Wan()},
		}
	}
	var walk func(ns []*scoring.Node, depth int)
	walk = func(ns []*scoring.Node, depth int) {
		for _, n := range ns {
			rw := row{Depth: depth, Node: n, Leaf: len(n.Children) == 0, Review: byCode[n.Code], Comments: onIndicator[n.Code]}
			if len(rw.Comments) > 0 {
				d.Commented = append(d.Commented, n.Code)
			}
			d.Rows = append(d.Rows, rw)
			walk(n.Children, depth+1)
		}
	}
	if d.Res != nil {
		walk(d.Res.Indicators, 0)
	}
	if sc.unscored && len(d.Findings) == 0 {
		d.Findings = sc.ds.Errors()
	}
	if canEdit(u, l) == nil && sc.fw != nil {
		d.Edits = editForms(sc.fw, ev, sc.res, byCode)
		for i := range d.Edits {
			d.Edits[i].Comments = onIndicator[d.Edits[i].Code]
		}
	}
	if canReview(u, l) == nil {
		for _, rw := range d.Rows {
			if reviewable(sc.fw, rw.Node) {
				f := reviewForm{row: rw, State: newScoreState(sc.fw, sc.res.Indicators, rw.Node.Code, rw.Review), Score: rw.Node.Score.String()}
				if rw.Review != nil {
					f.Score, f.Reason = rw.Review.Score.String(), rw.Review.Reason
				}
				d.Reviews = append(d.Reviews, f)
			}
		}
	}
	if canReview(u, l) == nil && d.Res != nil {
		d.ReviewSets = reviewSets(sc.res, reviews)
	}
	d.ReviewLetter = d.Res != nil && canSeeReviewLetter(u, l) == nil
	if d.Res != nil && len(reviews) > 0 {
		d.ProjectReviews = assess.AfterReview(sc.res, sc.fw, sc.pfw, store.ScoresOf(reviews)).Projects
	}
	if d.Res == nil {
		// Not scored (yet): no review either.
	} else if total, n := reviewedTotal(sc.res, reviews); n > 0 {
		d.ReviewTotal, d.ReviewCount = &total, n
		if sc.fw != nil {
			d.ReviewGrade = sc.fw.Grade(total)
		}
	}
	errMsg = d.refusedMove(r, errMsg)
	errMsg = d.refusedReviews(r, errMsg, status == http.StatusUnprocessableEntity)
	errMsg = d.placeError(r, status, errMsg, field, findings)
	title := fmt.Sprintf("%s %d 年度", l.Department, l.Year)
	s.render(w, r, status, "workspace", title, errMsg, d)
}

func financeFigures(ev *evaluation.Evaluation) []figure {
	f := ev.Finance
	out := []figure{
		{"收入合计（万元）", ev.IncomeTotal().Wan()},
		{"年初预算数（万元）", f.Budget.Initial.Wan()},
		{"全年预算数（万元）", f.Budget.Adjusted.Wan()},
		{"决算支出合计（万元）", f.Expenditure.Total().Wan()},
		{"其中：基本支出（万元）", f.Expenditure.Basic.Wan()},
		{"其中：项目支出（万元）", f.Expenditure.Project.Wan()},
		{"年末财政拨款结转和结余（万元）", f.Carryover.Wan()},
	}
	if rate, ok := report.ExecutionRate(ev); ok {
		out = append(out, figure{"预算执行率", rate + "%"})
	}
	return out
}

// editable reports whether the web form can set an indicator's score:
// rules that take the officer's judgement.
func editable(in *framework.Indicator) bool {
	if in == nil || in.Rule == nil || !in.Leaf() {
		return false
	}
	switch in.Rule.Kind {
	case framework.KindManual, framework.KindChecklist, framework.KindQualitative:
		return true
	}
	return false
}

func editForms(fw *framework.Framework, ev *evaluation.Evaluation, res *scoring.Result, reviews map[string]*store.ReviewScore) []editForm {
	var out []editForm
	fw.Walk(func(in *framework.Indicator, depth int) {
		if !editable(in) {
			return
		}
		inp := ev.Scores[in.Code]
		f := editForm{Code: in.Code, Name: in.Name, Points: in.Points, Kind: in.Rule.Kind, Level: inp.Level, Reason: inp.Reason,
			State: newScoreState(fw, res.Indicators, in.Code, reviews[in.Code])}
		if f.State.Status != "" {
			f.Points = f.State.Points
		}
		if inp.Score != nil {
			f.Score = inp.Score.String()
		}
		for _, it := range in.Rule.Items {
			f.Items = append(f.Items, itemView{Code: it.Code, Text: it.Text, Points: it.Points, Register: it.Check != nil && ev.Registers != nil})
		}
		out = append(out, f)
	})
	return out
}

// formVersion reads the version the form was shown with.
func formVersion(r *http.Request) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("version")))
	if err != nil || v < 1 {
		return 0, &apperr.Error{Code: apperr.EINVALID, Message: "表单缺少数据版本，请刷新页面后重试"}
	}
	return v, nil
}

// formAtVersion reads the version the form was shown with and refuses a
// form made from another version than l's.
func formAtVersion(r *http.Request, l store.Listing) (int, error) {
	v, err := formVersion(r)
	if err == nil {
		err = checkVersion(l, v)
	}
	return v, err
}

// checkVersion refuses a form made from an older version.
func checkVersion(l store.Listing, v int) error {
	if v != l.Version {
		return &apperr.Error{Code: apperr.ECONFLICT, Message: fmt.Sprintf("部门 %s %d 年度的数据已被他人修改（当前版本 %d，您编辑的版本 %d），请查看最新内容后重试", l.DepartmentCode, l.Year, l.Version, v)}
	}
	return nil
}

// refuse shows the workspace again, freshly loaded, with the error's
// status and message; what the user may not see stays a 404.
func (s *server) refuse(w http.ResponseWriter, r *http.Request, err error, findings diag.List) {
	code := apperr.Code(err)
	if code == apperr.EINTERNAL {
		s.internalError(w, r, err)
		return
	}
	sc, lerr := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if lerr != nil || code == apperr.ENOTFOUND || code == apperr.EUNAUTHORIZED {
		if lerr == nil {
			lerr = err
		}
		s.fail(w, r, lerr)
		return
	}
	s.showWorkspaceForm(w, r, sc, httpStatus(code), errorMessage(err), errorField(err), findings)
}

// parseForm bounds and parses a posted form.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return &apperr.Error{Code: apperr.EINVALID, Message: "表单无法读取"}
	}
	return nil
}

// refusedMove puts the error of a refused move beside the move's form,
// with the reason entered, and returns the error left for the top of the
// page: none when the form is shown, else errMsg.
func (d *workspaceData) refusedMove(r *http.Request, errMsg string) string {
	if errMsg == "" || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/transition") {
		return errMsg
	}
	to := r.PostFormValue("to")
	for i := range d.Moves {
		if d.Moves[i].To == to {
			d.Moves[i].Refused, d.Moves[i].Comment = errMsg, r.PostFormValue("comment")
			return ""
		}
	}
	return errMsg
}

// transition moves the department-year to another status.
func (s *server) transition(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.formFor(w, r, nil)
	if !ok {
		return
	}
	l := sc.rec.Listing
	t, err := s.doTransition(r, u, l, r.PostFormValue("to"), r.PostFormValue("version"), r.PostFormValue("comment"))
	if err != nil {
		s.refuse(w, r, err, nil)
		return
	}
	if t.ToStage != "" {
		s.setFlash(w, fmt.Sprintf("已%s：本年度进入“%s”阶段，当前状态为“%s”。", t.Action, workflow.StageName(t.ToStage), workflow.StatusName(t.ToStage, t.To)))
	} else {
		s.setFlash(w, fmt.Sprintf("已%s：当前状态为“%s”。", t.Action, workflow.StatusName(t.Stage, t.To)))
	}
	http.Redirect(w, r, evaluationPath(l), http.StatusSeeOther)
}

// doTransition checks and makes a move, for the page and the API.
func (s *server) doTransition(r *http.Request, u *store.User, l store.Listing, to, versionText, comment string) (workflow.Transition, error) {
	v, err := strconv.Atoi(strings.TrimSpace(versionText))
	if err != nil || v < 1 {
		return workflow.Transition{}, &apperr.Error{Code: apperr.EINVALID, Message: "缺少数据版本，请刷新后重试"}
	}
	if err := checkVersion(l, v); err != nil {
		return workflow.Transition{}, err
	}
	t, err := canTransition(u, l, to)
	if err != nil {
		return t, err
	}
	if t.NeedsComment && strings.TrimSpace(comment) == "" {
		return t, &apperr.Error{Code: apperr.EINVALID, Message: fmt.Sprintf("%s需要填写原因", t.Action)}
	}
	if _, err := s.st.Transition(r.Context(), l.DepartmentCode, l.Year, to, *u, comment, v); err != nil {
		return t, err
	}
	// The reason for a return is also kept as a comment, so that the
	// department sees it beside the data.
	if t.NeedsComment {
		body := t.Action + "：" + strings.TrimSpace(comment)
		if _, err := s.st.AddComment(r.Context(), l.DepartmentCode, l.Year, "", "", body, *u); err != nil && apperr.Code(err) != apperr.EFORBIDDEN {
			s.log.Error("comment on transition", "err", err)
		}
	}
	return t, nil
}

// cloneEvaluation deep-copies an evaluation through JSON, as the store
// keeps it.
func cloneEvaluation(ev *evaluation.Evaluation) (*evaluation.Evaluation, error) { return cloneJSON(ev) }

// cloneJSON deep-copies a stored document through JSON.
func cloneJSON[T any](v *T) (*T, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

func invalid(format string, a ...any) *apperr.Error {
	return &apperr.Error{Code: apperr.EINVALID, Message: fmt.Sprintf(format, a...)}
}

// setScore changes the self-score input of one department indicator,
// rescores with the pinned frameworks and saves, unless the new score has
// errors (such as points lost without a reason), which are shown instead.
func (s *server) setScore(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.formFor(w, r, canEdit)
	if !ok {
		return
	}
	l := sc.rec.Listing
	v, err := formAtVersion(r, l)
	if err != nil {
		s.refuse(w, r, err, nil)
		return
	}
	code := r.PathValue("indicator")
	var in *framework.Indicator
	if sc.fw != nil {
		in = sc.fw.Find(code)
	}
	if in == nil {
		s.refuse(w, r, invalid("指标框架中没有指标 %q", code), nil)
		return
	}
	if !editable(in) {
		s.refuse(w, r, invalid("指标 %s %s 由数据自动计算，不能直接修改得分", in.Code, in.Name), nil)
		return
	}
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	inp := ev.Scores[code]
	switch in.Rule.Kind {
	case framework.KindManual:
		p, err := num.ParsePoints(strings.TrimSpace(r.PostFormValue("score")))
		if err != nil {
			s.refuse(w, r, onField("score", invalid("得分 %q 不是有效的分数", r.PostFormValue("score"))), nil)
			return
		}
		inp.Score, inp.Reason = &p, reason
	case framework.KindQualitative:
		level := r.PostFormValue("level")
		if framework.LevelNames[level] == "" {
			s.refuse(w, r, onField("level", invalid("请选择评价等级")), nil)
			return
		}
		inp.Level, inp.Reason, inp.Score = level, reason, nil
		if t := strings.TrimSpace(r.PostFormValue("score")); t != "" {
			p, err := num.ParsePoints(t)
			if err != nil {
				s.refuse(w, r, onField("score", invalid("得分 %q 不是有效的分数", t)), nil)
				return
			}
			inp.Score = &p
		}
	case framework.KindChecklist:
		if err := setChecklist(&inp, in, ev, r.PostFormValue("item"), r.PostFormValue("outcome"), strings.TrimSpace(r.PostFormValue("deduct")), reason); err != nil {
			s.refuse(w, r, err, nil)
			return
		}
	}
	if ev.Scores == nil {
		ev.Scores = map[string]evaluation.Input{}
	}
	ev.Scores[code] = inp
	before := sc.res.Total
	if a := sc.rescore(ev, changeOptions()); a.Err() != nil {
		s.refuse(w, r, invalid("修改未保存：请按下列提示补充后重试"), a.Findings.Errors())
		return
	}
	histReason := "修改指标 " + code + " 自评得分"
	if reason != "" {
		histReason += "：" + reason
	}
	if _, err := s.st.Update(r.Context(), l.DepartmentCode, l.Year, ev, sc.res, v, u.Username, histReason); err != nil {
		s.refuse(w, r, err, nil)
		return
	}
	s.setFlash(w, fmt.Sprintf("指标 %s 已保存：总分 %s → %s 分。", code, before, sc.res.Total))
	http.Redirect(w, r, evaluationPath(l), http.StatusSeeOther)
}

// setChecklist records one checklist item's outcome in inp.
func setChecklist(inp *evaluation.Input, in *framework.Indicator, ev *evaluation.Evaluation, item, outcome, deduct, reason string) error {
	var it *framework.ChecklistItem
	for i := range in.Rule.Items {
		if in.Rule.Items[i].Code == item {
			it = &in.Rule.Items[i]
		}
	}
	if it == nil {
		return onField("item", invalid("指标 %s 没有检查项 %q", in.Code, item))
	}
	register := it.Check != nil && ev.Registers != nil
	var kept []evaluation.ItemCheck
	for _, c := range inp.Checklist {
		if c.Item != item {
			kept = append(kept, c)
		}
	}
	inp.Checklist = kept
	switch outcome {
	case "auto":
		if !register {
			return onField("outcome", invalid("检查项 %s 不由台账评定，请选择通过或未通过", item))
		}
		return nil
	case "passed":
		if !register {
			return nil // items not listed pass
		}
		if reason == "" {
			return onField("reason", invalid("调整台账评定结果必须说明原因"))
		}
		inp.Checklist = append(inp.Checklist, evaluation.ItemCheck{Item: item, Passed: true, Reason: reason, Override: reason})
		return nil
	case "failed":
		c := evaluation.ItemCheck{Item: item, Passed: false, Reason: reason}
		if register {
			if reason == "" {
				return onField("reason", invalid("调整台账评定结果必须说明原因"))
			}
			c.Override = reason
		}
		if deduct != "" {
			p, err := num.ParsePoints(deduct)
			if err != nil {
				return onField("deduct", invalid("扣分 %q 不是有效的分数", deduct))
			}
			c.Deduct = &p
		}
		inp.Checklist = append(inp.Checklist, c)
		return nil
	}
	return onField("outcome", invalid("请选择检查项 %s 的结果", item))
}

// setReview records a reviewer's score for one department indicator.
func (s *server) setReview(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.formFor(w, r, canReview)
	if !ok {
		return
	}
	l := sc.rec.Listing
	code := r.PathValue("indicator")
	n := findNode(sc.res.Indicators, code)
	if n == nil || !reviewable(sc.fw, n) {
		s.refuse(w, r, invalid("指标 %q 不是可复核的末级指标（复核得分填在指标框架的末级指标上）", code), nil)
		return
	}
	p, err := num.ParsePoints(strings.TrimSpace(r.PostFormValue("score")))
	if err != nil {
		s.refuse(w, r, onField("score", invalid("复核得分 %q 不是有效的分数", r.PostFormValue("score"))), nil)
		return
	}
	if p < 0 || p > n.Points {
		s.refuse(w, r, onField("score", invalid("指标 %s 的复核得分 %s 超出范围（0 至 %s 分）", code, p, n.Points)), nil)
		return
	}
	reason := r.PostFormValue("reason")
	if strings.TrimSpace(reason) == "" {
		s.refuse(w, r, onField("reason", invalid("请填写复核理由：指标 %s 的复核得分必须说明理由", code)), nil)
		return
	}
	if err := s.st.SetReviewScore(r.Context(), l.DepartmentCode, l.Year, store.ScopeDepartment, code, p, reason, *u); err != nil {
		if apperr.Code(err) == apperr.EINVALID {
			// The score and indicator were checked above: what the
			// store refuses is the reason's text.
			err = onField("reason", err)
		}
		s.refuse(w, r, err, nil)
		return
	}
	s.setFlash(w, fmt.Sprintf("指标 %s 的复核得分已保存：%s 分。", code, p))
	http.Redirect(w, r, evaluationPath(l), http.StatusSeeOther)
}

// reviewable reports whether a reviewer may score the node in its own
// form: a leaf of the framework that applies and has no targets under it
// in the scored tree (an indicator scored by its targets is reviewed on
// the targets, in the department's review form with the checklist items:
// reviewSets).
func reviewable(fw *framework.Framework, n *scoring.Node) bool {
	if fw == nil || n.NotApplicable != "" || len(n.Children) > 0 {
		return false
	}
	in := fw.Find(n.Code)
	return in != nil && in.Leaf()
}

// findNode returns the scored node with the code, or nil.
func findNode(ns []*scoring.Node, code string) *scoring.Node {
	for _, n := range ns {
		if n.Code == code {
			return n
		}
		if m := findNode(n.Children, code); m != nil {
			return m
		}
	}
	return nil
}

// addComment adds a comment, on one indicator if the form names one.
func (s *server) addComment(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.formFor(w, r, canComment)
	if !ok {
		return
	}
	l := sc.rec.Listing
	indicator := strings.TrimSpace(r.PostFormValue("indicator"))
	scope := ""
	if target := strings.TrimSpace(r.PostFormValue("target")); target != "" && !l.Scored() {
		// Before the evaluation stage a comment is on a declared
		// indicator, of the department or of a project.
		scope, indicator = splitTargetKey(target)
		if !hasDeclaredTarget(sc.rec.Evaluation, scope, indicator) {
			s.refuse(w, r, onField("target", invalid("申报的绩效目标中没有所选的指标（%s），请刷新页面后重新选择", target)), nil)
			return
		}
	} else if indicator != "" && (sc.fw == nil || sc.fw.Find(indicator) == nil) {
		s.refuse(w, r, onField("indicator", invalid("指标框架中没有指标 %q", indicator)), nil)
		return
	}
	body := r.PostFormValue("body")
	if strings.TrimSpace(body) == "" {
		s.refuse(w, r, onField("body", invalid("请填写意见内容")), nil)
		return
	}
	if _, err := s.st.AddComment(r.Context(), l.DepartmentCode, l.Year, scope, indicator, body, *u); err != nil {
		if apperr.Code(err) == apperr.EINVALID {
			// The indicator was checked above: what the store refuses
			// is the comment's text.
			err = onField("body", err)
		}
		s.refuse(w, r, err, nil)
		return
	}
	s.setFlash(w, "意见已发表。")
	http.Redirect(w, r, evaluationPath(l)+"#comments", http.StatusSeeOther)
}

// formFor is the start of every form handler on a department-year: load it
// as the signed-in user may see it (404 otherwise), check that the user may
// act (403 otherwise; nil check skips this), and parse the form.
func (s *server) formFor(w http.ResponseWriter, r *http.Request, may func(*store.User, store.Listing) error) (*store.User, *scored, bool) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if may != nil {
		if err := may(u, sc.rec.Listing); err != nil {
			s.refuse(w, r, err, nil)
			return nil, nil, false
		}
	}
	if err := parseForm(w, r); err != nil {
		s.refuse(w, r, err, nil)
		return nil, nil, false
	}
	return u, sc, true
}

// moveList is what the template "movelist" shows a page's moves with.
type moveList struct {
	Base    string
	Version int
	Moves   []moveForm
}

// moveArgs is what the template "moveform" shows one move with.
type moveArgs struct {
	Base    string
	Version int
	Index   int
	Move    moveForm
}

// commentBy names a comment's author with their role: 财政局审核人（财政审核人）.
func commentBy(c store.Comment) string {
	name := c.AuthorName
	if name == "" {
		name = c.Author
	}
	if r := workflow.RoleNames[c.AuthorRole]; r != "" {
		return name + "（" + r + "）"
	}
	return name
}

func init() {
	// moveList and moveArgsAt feed the templates "movelist" and
	// "moveform" (layout.html): the moves of a page whose forms post to
	// Base/transition with the version.
	funcs["moveList"] = func(base string, version int, moves []moveForm) moveList {
		return moveList{Base: base, Version: version, Moves: moves}
	}
	funcs["moveArgsAt"] = func(l moveList, i int, m moveForm) moveArgs {
		return moveArgs{Base: l.Base, Version: l.Version, Index: i, Move: m}
	}
	funcs["commentBy"] = commentBy
}

// qualityFindings are the target-quality findings among ds; their
// messages name the project and the indicator.
func qualityFindings(ds diag.List) diag.List {
	var out diag.List
	for _, d := range ds {
		if strings.HasPrefix(d.Code, "W19") {
			out = append(out, d)
		}
	}
	return out
}
