package web

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// 目标调整 on the web (docs/cycle.md §4): in the execution stage the
// department's editor proposes to change the approved targets of one
// scope — the department's own declared part, or one project by code —
// on the declaration form's fields of that scope, with a reason
// (store.ProposeAdjustment); the finance bureau's reviewer sees every
// changed field before and after and approves or rejects it
// (store.DecideAdjustment). Codes are frozen at 批复, so the form does not
// show them, and it neither adds nor removes rows.

// adjustmentsPath is the address of a department-year's adjustments.
func adjustmentsPath(l store.Listing) string { return evaluationPath(l) + "/adjustments" }

// scopeName names an adjustment's scope: 部门整体, or the project by name
// and code as ev has it.
func scopeName(ev *evaluation.Evaluation, scope string) string {
	if scope == evaluation.ScopeDepartment {
		return "部门整体"
	}
	for _, p := range ev.Projects {
		if p.Code == scope {
			return fmt.Sprintf("项目“%s”（%s）", p.Name, scope)
		}
	}
	return "项目 " + scope
}

// adjustScopes are the scopes an adjustment of ev may have.
func adjustScopes(ev *evaluation.Evaluation) []editOption {
	out := []editOption{{evaluation.ScopeDepartment, "部门整体（年度总体目标、资金和部门整体绩效目标）"}}
	for _, p := range ev.Projects {
		if p.Code != "" {
			out = append(out, editOption{p.Code, scopeName(ev, p.Code)})
		}
	}
	return out
}

// adjustSections are the declaration form's sections of one scope of ev,
// without the code fields, the remove boxes and the add buttons; false
// when ev has no such scope.
func adjustSections(ev *evaluation.Evaluation, scope string) ([]*editSection, bool) {
	all, _ := buildDeclarationForm(ev)
	want := map[string]bool{}
	if scope == evaluation.ScopeDepartment {
		want["declaration"], want["targets"] = true, true
	} else {
		for i, p := range ev.Projects {
			if p.Code != "" && p.Code == scope {
				want[editFieldID("", fmt.Sprintf("projects[%d]", i))] = true
			}
		}
	}
	var out []*editSection
	for _, sec := range all {
		if !want[sec.ID] {
			continue
		}
		sec.Adds = nil
		if sec.ID == "targets" {
			sec.Note = "定量指标（≥、≤、=）须填指标值和度量单位；季度节点值为截至各季度末的累计值。指标编码在批复时确定，不能调整。"
		}
		for _, g := range sec.Groups {
			g.Remove = ""
			var kept []*editField
			for _, f := range g.Fields {
				if !strings.HasSuffix(f.Path, ".code") {
					kept = append(kept, f)
				}
			}
			g.Fields = kept
		}
		out = append(out, sec)
	}
	return out, len(out) > 0
}

// adjustPage is the form proposing a 目标调整: first the choice of scope,
// then that scope's fields.
type adjustPage struct {
	*editPage
	Scope, ScopeName string
	AdjustScopes     []editOption
	// Refused is the store's refusal of the proposal, shown at the top of
	// the form with what was entered.
	Refused string
}

// newAdjustPage is the form for scope (empty: the choice of scope) made
// from ev; false when the scope is not one of ev.
func newAdjustPage(sc *scored, ev *evaluation.Evaluation, scope string) (*adjustPage, bool) {
	l := sc.rec.Listing
	p := &adjustPage{editPage: &editPage{Base: evaluationPath(l), Listing: l}, Scope: scope, AdjustScopes: adjustScopes(ev)}
	if scope == "" {
		p.index()
		return p, true
	}
	secs, ok := adjustSections(ev, scope)
	if !ok {
		return nil, false
	}
	p.Sections, p.ScopeName = secs, scopeName(ev, scope)
	p.index()
	return p, true
}

func (s *server) renderAdjust(w http.ResponseWriter, r *http.Request, status int, errMsg string, p *adjustPage) {
	p.sortProblems()
	title := fmt.Sprintf("申请目标调整：%s %d 年度", p.Listing.Department, p.Listing.Year)
	s.render(w, r, status, "adjust", title, errMsg, p)
}

// adjustForm shows the form proposing a 目标调整 (?scope= chooses the
// scope).
func (s *server) adjustForm(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := canAdjust(u, sc.rec.Listing); err != nil {
		s.fail(w, r, err)
		return
	}
	scope := strings.TrimSpace(r.URL.Query().Get("scope"))
	p, ok := newAdjustPage(sc, sc.rec.Evaluation, scope)
	if !ok {
		p, _ = newAdjustPage(sc, sc.rec.Evaluation, "")
		s.renderAdjust(w, r, http.StatusNotFound, fmt.Sprintf("本年度批复的绩效目标中没有调整范围“%s”，请重新选择", scope), p)
		return
	}
	p.currentFindings(sc)
	s.renderAdjust(w, r, http.StatusOK, "", p)
}

// proposeAdjustment reads the posted form of one scope and stores it as a
// proposal; a form with errors is shown again with every problem, a
// refused proposal with the store's reason.
func (s *server) proposeAdjustment(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.formFor(w, r, canAdjust)
	if !ok {
		return
	}
	l := sc.rec.Listing
	if _, err := formAtVersion(r, l); err != nil {
		s.fail(w, r, err)
		return
	}
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	scope := strings.TrimSpace(r.PostFormValue("scope"))
	p, ok := newAdjustPage(sc, ev, scope)
	if !ok {
		s.fail(w, r, invalid("本年度批复的绩效目标中没有调整范围“%s”，请返回重新选择", scope))
		return
	}
	p.apply(r.PostForm, ev)
	declRemove(ev, nil) // drops milestones and periods left empty
	if d := ev.Declaration; d != nil && reflect.DeepEqual(*d, evaluation.Declaration{}) {
		ev.Declaration = nil // the form's fields, left empty, made it
	}
	p.Reason = r.PostFormValue("reason")
	reason, problem := readChangeReason(p.Reason)
	if problem != "" {
		problem = strings.Replace(problem, "修改原因", "调整原因", 1)
		p.ReasonError = problem
		p.Errors = append(p.Errors, editProblem{"调整原因：" + problem, "edit-reason"})
	}
	for _, d := range sc.rescore(ev, declarationOptions()).Findings {
		p.attach(d)
	}
	if len(p.Errors) > 0 {
		s.renderAdjust(w, r, http.StatusUnprocessableEntity, "", p)
		return
	}
	proposed, _ := evaluation.Declared(ev).Scope(scope)
	a, err := s.st.ProposeAdjustment(r.Context(), l.DepartmentCode, l.Year, scope, proposed, reason, *u)
	if err != nil {
		if code := apperr.Code(err); code == apperr.EINTERNAL || code == apperr.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		p.Refused = errorMessage(err)
		s.renderAdjust(w, r, httpStatus(apperr.Code(err)), "", p)
		return
	}
	s.setFlash(w, fmt.Sprintf("已提交目标调整申请第%d号（%s），等待财政部门审核。", a.Number, p.ScopeName))
	http.Redirect(w, r, fmt.Sprintf("%s/%d", adjustmentsPath(l), a.Number), http.StatusSeeOther)
}

// fieldChange is one declared field an adjustment changes.
type fieldChange struct{ Label, Old, New string }

// declaredAsEvaluation is a document holding the declared part d, with
// no adjustment markers, for comparing and naming fields.
func declaredAsEvaluation(d *evaluation.DeclaredPart) *evaluation.Evaluation {
	d = d.Clone()
	for i := range d.Targets {
		d.Targets[i].Adjusted = nil
	}
	for i := range d.Projects {
		for j := range d.Projects[i].Targets {
			d.Projects[i].Targets[j].Adjusted = nil
		}
	}
	ev := &evaluation.Evaluation{}
	ev.KeepBaseline(d)
	return ev
}

// declaredChanges lists every field that differs between before and
// after (declared parts of one scope), named in words. A change of an
// indicator's value, direction or unit is one row showing the whole
// value before and after (≥365天 → ≥360天).
func declaredChanges(before, after *evaluation.DeclaredPart) []fieldChange {
	b, a := declaredAsEvaluation(before), declaredAsEvaluation(after)
	var out []fieldChange
	valueShown := map[string]bool{} // indicators whose value row is out
	for _, c := range evaluation.Diff(b, a) {
		label := a.FieldLabel(c.Path)
		if c.New == "" {
			label = b.FieldLabel(c.Path)
		}
		if at, field, ok := targetField(c.Path); ok && (field == "target" || field == "direction" || field == "unit") {
			if valueShown[at] {
				continue
			}
			valueShown[at] = true
			label = a.FieldLabel(at)
			if c.New == "" {
				label = b.FieldLabel(at)
			}
			out = append(out, fieldChange{Label: label + "指标值", Old: targetValue(b, at), New: targetValue(a, at)})
			continue
		}
		out = append(out, fieldChange{Label: label, Old: declaredValue(c.Path, c.Old), New: declaredValue(c.Path, c.New)})
	}
	return out
}

// targetField splits the path of an indicator's field ("targets[0].unit",
// "projects[1].targets[2].target") into the indicator's path and the
// field.
func targetField(path string) (at, field string, ok bool) {
	m := rowPath.FindStringSubmatch(path)
	if m == nil || (m[1] == "projects" && m[3] == "") || !strings.HasPrefix(path[len(m[0]):], ".") {
		return "", "", false
	}
	return m[0], path[len(m[0])+1:], true
}

// targetValue is the whole value (指标性质, 指标值, 度量单位) of the
// indicator at the path of ev, or （无） when ev has none there.
func targetValue(ev *evaluation.Evaluation, at string) string {
	m := rowPath.FindStringSubmatch(at)
	i, _ := strconv.Atoi(m[2])
	ts := ev.Targets
	if m[1] == "projects" {
		if i >= len(ev.Projects) {
			return "（无）"
		}
		ts = ev.Projects[i].Targets
		i, _ = strconv.Atoi(m[4])
	}
	if i >= len(ts) {
		return "（无）"
	}
	return report.TargetText(&ts[i])
}

// declaredValue shows a declared field's stored value in words.
func declaredValue(path, v string) string {
	switch {
	case v == "":
		return "（空）"
	case strings.HasSuffix(path, ".direction"):
		if n := directionWord(v); n != "" {
			return n
		}
	case strings.HasSuffix(path, ".category"):
		if n := framework.CategoryNames[v]; n != "" {
			return n
		}
	case strings.HasSuffix(path, ".basis"):
		if n := evaluation.BasisNames[v]; n != "" {
			return n
		}
	case strings.HasSuffix(path, ".kind"):
		for _, o := range kindOptions {
			if o.Value == v {
				return o.Label
			}
		}
	}
	return v
}

// directionWord names an indicator's direction (指标性质).
func directionWord(dir string) string {
	for _, o := range directionOptions {
		if o.Value == dir {
			return o.Label
		}
	}
	return ""
}

// adjustmentPage shows one 目标调整: what it changes, its state and, for
// the reviewer while it is pending, the decision form.
type adjustmentPage struct {
	Base      string
	Listing   store.Listing
	A         store.Adjustment
	ScopeName string
	Changes   []fieldChange
	// Stale: pending, and a baseline was approved since it was proposed.
	Stale     bool
	CanDecide bool
	// The decision form as entered, and its refusal.
	Decision, Comment, Refused, Field string
}

// adjustmentNumber reads the number in the path.
func adjustmentNumber(r *http.Request) (int, bool) {
	t := r.PathValue("number")
	n, err := strconv.Atoi(t)
	return n, err == nil && n > 0 && strconv.Itoa(n) == t
}

// showAdjustment renders adjustment number of the year sc as u may see it.
func (s *server) showAdjustment(w http.ResponseWriter, r *http.Request, sc *scored, status int, p adjustmentPage) {
	u := currentUser(r)
	l := sc.rec.Listing
	n, ok := adjustmentNumber(r)
	adjs, err := s.st.Adjustments(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var a *store.Adjustment
	for i := range adjs {
		if ok && adjs[i].Number == n {
			a = &adjs[i]
		}
	}
	if a == nil {
		s.fail(w, r, noAdjustment(l, r.PathValue("number")))
		return
	}
	bs, err := s.st.Baselines(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Base, p.Listing, p.A, p.ScopeName = evaluationPath(l), l, *a, scopeName(sc.rec.Evaluation, a.Scope)
	for _, b := range bs {
		if b.Seq == a.BaseSeq {
			if before, ok := b.Data.Scope(a.Scope); ok {
				p.Changes = declaredChanges(before, a.Proposed)
			}
		}
	}
	pending := a.Status == store.AdjustmentProposed
	p.Stale = pending && len(bs) > 0 && bs[len(bs)-1].Seq != a.BaseSeq
	p.CanDecide = pending && canDecideAdjustment(u, l) == nil
	title := fmt.Sprintf("目标调整第%d号：%s %d 年度", a.Number, l.Department, l.Year)
	s.render(w, r, status, "adjustment", title, "", p)
}

// noAdjustment is the error for an adjustment number the year lacks.
func noAdjustment(l store.Listing, number string) error {
	return &apperr.Error{Code: apperr.ENOTFOUND, Message: fmt.Sprintf("部门 %s %d 年度没有第%s号目标调整", l.DepartmentCode, l.Year, number)}
}

// adjustment shows one 目标调整.
func (s *server) adjustment(w http.ResponseWriter, r *http.Request) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showAdjustment(w, r, sc, http.StatusOK, adjustmentPage{})
}

// decideAdjustment records the reviewer's decision: decision=approve or
// reject, with a comment (required to reject).
func (s *server) decideAdjustment(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.formFor(w, r, canDecideAdjustment)
	if !ok {
		return
	}
	l := sc.rec.Listing
	n, ok := adjustmentNumber(r)
	if !ok {
		s.fail(w, r, noAdjustment(l, r.PathValue("number")))
		return
	}
	p := adjustmentPage{Decision: r.PostFormValue("decision"), Comment: r.PostFormValue("comment")}
	approve := p.Decision == "approve"
	var err error
	switch {
	case !approve && p.Decision != "reject":
		err, p.Field = invalid("请选择批准或不予批准"), "decision"
	case !approve && strings.TrimSpace(p.Comment) == "":
		err, p.Field = invalid("不予批准时请填写审核意见，说明理由"), "comment"
	default:
		_, err = s.st.DecideAdjustment(r.Context(), l.DepartmentCode, l.Year, n, approve, p.Comment, *u)
	}
	if err != nil {
		code := apperr.Code(err)
		if code == apperr.EINTERNAL || code == apperr.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		p.Refused = errorMessage(err)
		if code == apperr.ECONFLICT && approve {
			p.Refused += "。此申请不能再批准：请选择“不予批准”并说明，由填报人按现行批复的绩效目标重新申请。"
		}
		if p.Field == "" && code == apperr.EINVALID {
			p.Field = "comment"
		}
		// The page is shown from the stored state after the refusal.
		if sc, err = s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year")); err != nil {
			s.fail(w, r, err)
			return
		}
		s.showAdjustment(w, r, sc, httpStatus(code), p)
		return
	}
	if approve {
		s.setFlash(w, fmt.Sprintf("已批准目标调整第%d号：批复的绩效目标已按调整更新。", n))
	} else {
		s.setFlash(w, fmt.Sprintf("目标调整第%d号不予批准，审核意见已告知填报人。", n))
	}
	http.Redirect(w, r, fmt.Sprintf("%s/%d", adjustmentsPath(l), n), http.StatusSeeOther)
}

// adjustmentRow is one adjustment in the workspace's list.
type adjustmentRow struct {
	store.Adjustment
	ScopeName, Href string
}

// adjustmentRows are the adjustments of the year, for the workspace.
func adjustmentRows(l store.Listing, ev *evaluation.Evaluation, adjs []store.Adjustment) []adjustmentRow {
	out := make([]adjustmentRow, len(adjs))
	for i, a := range adjs {
		out[i] = adjustmentRow{Adjustment: a, ScopeName: scopeName(ev, a.Scope), Href: fmt.Sprintf("%s/%d", adjustmentsPath(l), a.Number)}
	}
	return out
}

// pendingTask is a pending adjustment on the reviewer's home page.
type pendingTask struct {
	store.PendingAdjustment
	Href string
}

// pendingTasks are the adjustments waiting for u's decision: a reviewer
// sees those of every department-year they may see.
func (s *server) pendingTasks(r *http.Request, u *store.User) ([]pendingTask, error) {
	if u == nil || u.Disabled || u.Role != workflow.Reviewer {
		return nil, nil
	}
	ps, err := s.st.PendingAdjustments(r.Context(), store.Visible(u).And(store.Filter{Stage: workflow.Execution}))
	if err != nil {
		return nil, err
	}
	out := make([]pendingTask, len(ps))
	for i, p := range ps {
		out[i] = pendingTask{PendingAdjustment: p, Href: fmt.Sprintf("%s/%d", adjustmentsPath(p.Listing), p.Number)}
	}
	return out, nil
}

func init() {
	funcs["adjustmentStatus"] = func(s string) string { return store.AdjustmentStatusNames[s] }
	funcs["commentScope"] = func(scope string) string {
		if code, ok := store.ScopeProject(scope); ok {
			return "项目 " + code + " "
		}
		return ""
	}
}

// Per-indicator comments on declared targets (docs/cycle.md §4: the
// reviewer comments on one indicator in any stage): a comment names the
// scope of its indicator, '' for the department's targets and
// store.ProjectScope(code) for a project's.

// targetKey is how a declared indicator is named in a posted comment form
// and in the lookup of its comments: scope#code.
func targetKey(scope, code string) string { return scope + "#" + code }

// splitTargetKey reads a targetKey.
func splitTargetKey(k string) (scope, code string) {
	i := strings.LastIndex(k, "#")
	if i < 0 {
		return "", k
	}
	return k[:i], k[i+1:]
}

// hasDeclaredTarget says whether ev has an indicator with the code in the
// scope.
func hasDeclaredTarget(ev *evaluation.Evaluation, scope, code string) bool {
	if code == "" {
		return false
	}
	ts := ev.Targets
	if scope != "" {
		project, ok := store.ScopeProject(scope)
		if !ok {
			return false
		}
		ts = nil
		for _, p := range ev.Projects {
			if p.Code != "" && p.Code == project {
				ts = p.Targets
			}
		}
	}
	for _, t := range ts {
		if t.Code == code {
			return true
		}
	}
	return false
}

// commentsByTarget groups the comments on indicators by targetKey.
func commentsByTarget(cs []store.Comment) map[string][]store.Comment {
	out := map[string][]store.Comment{}
	for _, c := range cs {
		if c.IndicatorCode != "" {
			k := targetKey(c.Scope, c.IndicatorCode)
			out[k] = append(out[k], c)
		}
	}
	return out
}

// declaredRow is one declared indicator on the workspace, with the
// comments made on it.
type declaredRow struct {
	Code, Name, Text, Unit string
	Anchor, Label          string
	Comments               []store.Comment
}

// declaredProject is a project's declared indicators.
type declaredProject struct {
	Code, Name string
	Rows       []declaredRow
}

// declaredView is the declared targets of a year before the evaluation
// stage, each with its comments.
type declaredView struct {
	Targets  []declaredRow
	Projects []declaredProject
	// Commented are the rows with comments, in order.
	Commented []declaredRow
	// Options are the indicators a comment may be made on.
	Options []editOption
}

func newDeclaredView(ev *evaluation.Evaluation, cs []store.Comment) *declaredView {
	by := commentsByTarget(cs)
	v := &declaredView{}
	row := func(scope, what string, t evaluation.Target) declaredRow {
		r := declaredRow{Code: t.Code, Name: t.Name, Text: report.TargetText(&t), Unit: t.Unit,
			Anchor: editFieldID("decl-", scope+"-"+t.Code), Label: strings.TrimSpace(what + " " + t.Code + " " + t.Name)}
		if t.Code != "" {
			r.Comments = by[targetKey(scope, t.Code)]
			v.Options = append(v.Options, editOption{targetKey(scope, t.Code), r.Label})
		}
		if len(r.Comments) > 0 {
			v.Commented = append(v.Commented, r)
		}
		return r
	}
	for _, t := range ev.Targets {
		v.Targets = append(v.Targets, row("", "部门整体", t))
	}
	for _, p := range ev.Projects {
		dp := declaredProject{Code: p.Code, Name: p.Name}
		for _, t := range p.Targets {
			scope := "-"
			if p.Code != "" {
				scope = store.ProjectScope(p.Code)
			}
			dp.Rows = append(dp.Rows, row(scope, "项目“"+p.Name+"”", t))
		}
		v.Projects = append(v.Projects, dp)
	}
	return v
}

// attachComments puts the comments on each declared indicator beside its
// fieldset of the declaration form, found by the codes the form shows.
func (p *editPage) attachComments(cs []store.Comment) {
	by := commentsByTarget(cs)
	if len(by) == 0 {
		return
	}
	projectCode := map[string]string{} // "projects[i]" → its code
	for path, f := range p.fields {
		if g := rowPath.FindStringSubmatch(path); g != nil && g[1] == "projects" && g[3] == "" && path == g[0]+".code" {
			projectCode[g[0]] = strings.TrimSpace(f.Value)
		}
	}
	for _, g := range p.groups {
		m := rowPath.FindStringSubmatch(g.Path)
		if m == nil || m[0] != g.Path {
			continue
		}
		code, ok := p.fields[g.Path+".code"]
		if !ok || strings.TrimSpace(code.Value) == "" {
			continue
		}
		scope := ""
		switch {
		case m[1] == "targets":
		case m[3] != "" && projectCode["projects["+m[2]+"]"] != "":
			scope = store.ProjectScope(projectCode["projects["+m[2]+"]"])
		default:
			continue
		}
		g.Comments = by[targetKey(scope, strings.TrimSpace(code.Value))]
	}
}
