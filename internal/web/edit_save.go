package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

// editProblem is one error or warning in a summary list, linked to the field
// or fieldset it is about (Target is the element id; empty for none).
type editProblem struct{ Message, Target string }

// workbookFinding is a finding about an uploaded workbook, at its cell.
type workbookFinding struct {
	Sheet, Cell, Row, Field, Message string
}

// workbookResult is what was found in a workbook that was not saved.
type workbookResult struct {
	File             string
	Errors, Warnings []workbookFinding
}

type editPage struct {
	// ResultRefs are the 参考 of earlier years' results decisions shown
	// on a declaration (the department and its continuing projects), and
	// refEv the stored year they are looked up for.
	ResultRefs []resultRefLine
	refEv      *evaluation.Evaluation
	Base       string
	Listing    store.Listing
	Total      num.Points
	Points     num.Points
	Grade      string
	Sections   []*editSection
	Reason     string
	// Errors and Warnings of the form, every one; the fields hold theirs too.
	Errors, Warnings []editProblem
	ReasonError      string
	Upload           *workbookResult
	UploadReasonErr  string
	MaxUpload        string
	// Preview is the form's preview (preview.go), nil unless one was asked.
	Preview *previewResult
	// Declaration: the year is in the declaration stage and the form is
	// its declaration (edit_declare.go), with Hidden the row counts.
	Declaration bool
	Hidden      []editHidden
	// Execution: the year is in the execution stage and the form holds
	// the registers alone (a declaration page without the declaration).
	Execution bool
	// Unit is what the amounts are shown and read in: "yuan" or "wan".
	Unit string

	fields map[string]*editField
	groups []*editGroup
	bad    map[string]bool // paths whose entry could not be read
}

// newEditPage is the form for the stored data, with the pages of its
// lists asked for in form and its amounts in unit.
func newEditPage(sc *scored, form url.Values, unit string) *editPage {
	if !sc.rec.Scored() {
		lists := registerLists()
		p := newDeclarationPage(sc, sc.rec.Evaluation, lists, storedView(lists, sc.rec.Evaluation, form))
		p.useUnit(unit)
		p.refEv = sc.rec.Evaluation
		return p
	}
	lists := yearEndLists()
	return newYearEndPage(sc, sc.rec.Evaluation, lists, storedView(lists, sc.rec.Evaluation, form), unit)
}

// newYearEndPage is the year-end form showing ev, which holds the rows
// of the lists v shows.
func newYearEndPage(sc *scored, ev *evaluation.Evaluation, lists []editList, v rowsView, unit string) *editPage {
	p := &editPage{
		Base: evaluationPath(sc.rec.Listing), Listing: sc.rec.Listing,
		Total: sc.res.Total, Points: sc.res.Points, Grade: sc.res.Grade, MaxUpload: maxWorkbookUploadText,
	}
	p.Sections, p.Hidden = buildEditForm(ev, lists, v, p.Base)
	p.index()
	p.lockParts(sc.rec)
	p.useUnit(unit)
	return p
}

// newDeclarationPage is the declaration form for a year in the
// declaration stage, showing the rows of ev: its targets and projects,
// and the lists (the registers) as v shows them.
func newDeclarationPage(sc *scored, ev *evaluation.Evaluation, lists []editList, v rowsView) *editPage {
	p := &editPage{Base: evaluationPath(sc.rec.Listing), Listing: sc.rec.Listing, MaxUpload: maxWorkbookUploadText, Declaration: true,
		Execution: sc.rec.Stage == workflow.Execution}
	if !p.Execution {
		p.Sections, p.Hidden = buildDeclarationForm(ev)
	}
	secs, hidden := listSections(lists, ev, v, p.Base)
	p.Sections, p.Hidden = append(p.Sections, secs...), append(p.Hidden, hidden...)
	p.index()
	p.lockParts(sc.rec)
	return p
}

// lockParts shows read-only every field of a part of the document the
// editor may not change now (store.EditableParts: the targets and funds
// approved at 批复 in the evaluation stage, for one), which the form then
// does not read.
func (p *editPage) lockParts(rec *store.Record) {
	allowed := store.EditableParts(rec.Stage, rec.Status, rec.Baselined)
	for _, f := range p.fields {
		part := evaluation.PartOf(f.Path)
		if part == "" || allowed[part] {
			continue
		}
		f.ReadOnly = true
		f.Hint = "本阶段不能在此修改（" + workflow.PartNames[part] + "）"
		if part == workflow.PartDeclared {
			f.Hint = "已批复的绩效目标和资金，不能在此修改；如需变更请申请目标调整"
		}
	}
}

// index lists the page's groups and fields.
func (p *editPage) index() {
	p.fields, p.bad = map[string]*editField{}, map[string]bool{}
	for _, sec := range p.Sections {
		for _, g := range sec.Groups {
			p.groups = append(p.groups, g)
			for _, f := range g.Fields {
				p.fields[f.Path] = f
			}
		}
	}
}

// underPath reports whether path is at or below the data path parent.
func underPath(path, parent string) bool {
	return path == parent || strings.HasPrefix(path, parent+".") || strings.HasPrefix(path, parent+"[")
}

// attach puts a finding on the field or fieldset it is about and, for an
// error, in the summary. Warnings about nothing on the form are left out
// (the form cannot act on them); so are findings about an entry that
// could not be read (they concern the value kept in its place).
func (p *editPage) attach(d diag.Finding) {
	if d.Severity == diag.Info || p.bad[d.Path] {
		return
	}
	isErr := d.Severity == diag.Error
	if f, ok := p.fields[d.Path]; ok {
		if isErr {
			f.Errors = append(f.Errors, d.Message)
			p.Errors = append(p.Errors, editProblem{f.name + "：" + d.Message, f.ID})
		} else {
			f.Warnings = append(f.Warnings, d.Message)
			p.Warnings = append(p.Warnings, editProblem{f.name + "：" + d.Message, f.ID})
		}
		return
	}
	var best *editGroup
	for _, g := range p.groups {
		if underPath(d.Path, g.Path) && (best == nil || len(g.Path) > len(best.Path)) {
			best = g
		}
	}
	if best != nil {
		if isErr {
			best.Errors = append(best.Errors, d.Message)
			p.Errors = append(p.Errors, editProblem{best.Legend + "：" + d.Message, best.ID})
		} else {
			best.Warnings = append(best.Warnings, d.Message)
			p.Warnings = append(p.Warnings, editProblem{best.Legend + "：" + d.Message, best.ID})
		}
		return
	}
	if isErr {
		msg := d.Message
		if d.Path != "" {
			msg += "（" + d.Path + "）"
		}
		p.Errors = append(p.Errors, editProblem{Message: msg})
	}
}

func (p *editPage) attachAll(ds diag.List) {
	for _, d := range ds {
		p.attach(d)
	}
}

// currentFindings shows the warnings the stored data gives rise to.
func (p *editPage) currentFindings(sc *scored) {
	for _, d := range sc.ds {
		if d.Severity == diag.Warning {
			p.attach(d)
		}
	}
}

// apply reads the posted form into ev, which holds the data the form was
// made from: every field posted that differs from what it showed is read
// and set; a problem is recorded on its field. Fields not posted keep
// their values.
func (p *editPage) apply(form url.Values, ev *evaluation.Evaluation) {
	for _, g := range p.groups {
		if g.Removed {
			continue // its entries go with it
		}
		type entry struct {
			f   *editField
			raw string
		}
		var entries []entry
		empty := true
		for _, f := range g.Fields {
			raw := f.Value
			if vs, ok := form[f.Path]; ok && len(vs) > 0 {
				raw = vs[0]
			}
			entries = append(entries, entry{f, raw})
			empty = empty && strings.TrimSpace(raw) == ""
		}
		if g.clear != nil && empty {
			for _, e := range entries {
				e.f.Value = e.raw
			}
			g.clear(ev)
			continue
		}
		for _, e := range entries {
			if e.f.ReadOnly {
				continue // shown, not read: its part is not editable now
			}
			changed := e.raw != e.f.Value
			e.f.Value = e.raw
			v, msg := e.f.read(e.raw)
			if msg != "" {
				e.f.Errors = append(e.f.Errors, msg)
				p.Errors = append(p.Errors, editProblem{e.f.name + "：" + msg, e.f.ID})
				p.bad[e.f.Path] = true
				continue
			}
			if changed {
				e.f.set(ev, v)
			}
		}
	}
}

// keepMaster makes ev carry the department's registered master data, as
// store.Update will, and lists a warning for each field the data stated
// otherwise (the form has no field for them).
func (p *editPage) keepMaster(ev *evaluation.Evaluation, m evaluation.Master) {
	for _, d := range ev.KeepMaster(m) {
		p.Warnings = append(p.Warnings, editProblem{Message: d.Message})
	}
}

// readChangeReason checks a reason for a change; it returns the problem, if any.
func readChangeReason(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", "请填写修改原因"
	case len([]rune(s)) > maxChangeReason:
		return "", fmt.Sprintf("修改原因不能超过 %d 字", maxChangeReason)
	}
	if msg := evaluation.CheckText(evaluation.TextParagraph, s); msg != "" {
		return "", "修改原因" + msg
	}
	return s, ""
}

func (s *server) renderEdit(w http.ResponseWriter, r *http.Request, status int, errMsg string, p *editPage) {
	p.sortProblems()
	title := fmt.Sprintf("修改填报数据：%s %d 年度", p.Listing.Department, p.Listing.Year)
	switch {
	case p.Execution:
		title = fmt.Sprintf("修改台账：%s %d 年度", p.Listing.Department, p.Listing.Year)
	case p.Declaration:
		title = fmt.Sprintf("绩效目标申报：%s %d 年度", p.Listing.Department, p.Listing.Year)
		// The reviewer's comments on each indicator, beside it.
		cs, err := s.st.Comments(r.Context(), p.Listing.DepartmentCode, p.Listing.Year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.attachComments(cs)
		p.ResultRefs = s.resultRefLines(r, p.Listing.DepartmentCode, p.Listing.Year, p.refEv)
	}
	s.render(w, r, status, "edit", title, errMsg, p)
}

// sortProblems puts the problems in the order of the form; the reason
// last, then what the form has no field for.
func (p *editPage) sortProblems() {
	order := map[string]int{}
	for _, sec := range p.Sections {
		for _, g := range sec.Groups {
			order[g.ID] = len(order)
			for _, f := range g.Fields {
				order[f.ID] = len(order)
			}
		}
	}
	order["edit-reason"] = len(order)
	rank := func(pr editProblem) int {
		if i, ok := order[pr.Target]; ok {
			return i
		}
		return len(order)
	}
	for _, list := range [][]editProblem{p.Errors, p.Warnings} {
		slices.SortStableFunc(list, func(a, b editProblem) int { return rank(a) - rank(b) })
	}
}

// editAgain shows the form freshly loaded, with a status and a message:
// after a conflict, what is shown must be what is stored now.
func (s *server) editAgain(w http.ResponseWriter, r *http.Request, status int, msg string) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := mayEditData(currentUser(r), sc.rec.Listing); err != nil {
		s.refuse(w, r, err, nil)
		return
	}
	p := newEditPage(sc, r.Form, requestUnit(w, r))
	p.currentFindings(sc)
	s.renderEdit(w, r, status, msg, p)
}

// editSaveFailed answers an error from store.Update.
func (s *server) editSaveFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch code := apperr.Code(err); code {
	case apperr.ECONFLICT, apperr.EINVALID:
		s.editAgain(w, r, httpStatus(code), "修改未保存："+errorMessage(err))
	default:
		s.refuse(w, r, err, nil)
	}
}

// loadEditable loads the department-year for a data change: 404 for what
// the user may not see, 403 (on the workspace) for what they may not
// change.
func (s *server) loadEditable(w http.ResponseWriter, r *http.Request, get bool) (*store.User, *scored, bool) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if err := mayEditData(u, sc.rec.Listing); err != nil {
		if get {
			s.fail(w, r, err)
		} else {
			s.refuse(w, r, err, nil)
		}
		return nil, nil, false
	}
	return u, sc, true
}

// editData shows the form.
func (s *server) editData(w http.ResponseWriter, r *http.Request) {
	_, sc, ok := s.loadEditable(w, r, true)
	if !ok {
		return
	}
	p := newEditPage(sc, r.URL.Query(), requestUnit(w, r))
	p.currentFindings(sc)
	s.renderEdit(w, r, http.StatusOK, "", p)
}

// saveData reads the form, checks everything and saves in one update, or
// shows the form again with what was entered and every problem.
func (s *server) saveData(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.loadEditable(w, r, false)
	if !ok {
		return
	}
	l := sc.rec.Listing
	sub, status, msg, err := readEdit(w, r, sc)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if msg != "" {
		s.editAgain(w, r, status, msg)
		return
	}
	p := sub.page
	if sub.adding {
		s.renderEdit(w, r, http.StatusOK, "", p)
		return
	}
	if len(p.Errors) > 0 {
		s.renderEdit(w, r, http.StatusUnprocessableEntity, "", p)
		return
	}
	what := "修改年终自评数据："
	switch {
	case p.Execution:
		what = "修改台账："
	case p.Declaration:
		what = "修改绩效目标申报："
	}
	nv, err := s.st.Update(r.Context(), l.DepartmentCode, l.Year, sub.ev, sc.res, sub.version, u.Username, what+sub.reason)
	if err != nil {
		s.editSaveFailed(w, r, err)
		return
	}
	var warns []string
	for _, pw := range p.Warnings {
		warns = append(warns, pw.Message)
	}
	switch {
	case nv == sub.version:
		s.setFlash(w, "提交的内容与现有数据相同，没有修改任何数据。")
	case p.Execution:
		s.setFlash(w, flashWithWarnings("台账已保存。", warns))
	case p.Declaration:
		s.setFlash(w, flashWithWarnings("绩效目标申报已保存。", warns))
	default:
		s.setFlash(w, flashWithWarnings(fmt.Sprintf("填报数据已保存：总分 %s → %s 分，等级 %s。", sub.before.Total, sc.res.Total, sc.res.Grade), warns))
	}
	http.Redirect(w, r, evaluationPath(l), http.StatusSeeOther)
}

// editSubmission is the posted edit form, read and checked: what a save
// saves and a preview (preview.go) shows.
type editSubmission struct {
	page    *editPage              // the form as entered, with every problem
	ev      *evaluation.Evaluation // the stored data with the form applied
	version int                    // the version the form was made from
	reason  string                 // the reason for the change; "" when the page lists it as a problem
	before  *scoring.Result        // the stored data's result
	// scored says whether ev could be scored: sc.res is then ev's result,
	// else sc is as it was and the page says why.
	scored bool
	// adding: the form asked for a blank row (an add button); the form
	// is shown again, nothing is saved.
	adding bool
}

// readEdit reads the posted edit form for sc the one way both the save and
// the preview do: the form bounded and parsed, the version checked, every
// field read onto a copy of the stored data (sc.rec is not changed), the
// reason, the assessment pipeline with the pinned frameworks,
// every problem on the page. A form that cannot be read, or was made from
// another version, gives instead the status and message to answer with;
// err is an internal error.
func readEdit(w http.ResponseWriter, r *http.Request, sc *scored) (sub *editSubmission, status int, msg string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDataForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, "表单内容过多，无法读取；请分几次修改，或使用填报表。", nil
		}
		return nil, http.StatusBadRequest, "表单无法读取，请重试。", nil
	}
	v, err := formAtVersion(r, sc.rec.Listing)
	if err != nil {
		return nil, httpStatus(apperr.Code(err)), errorMessage(err), nil
	}
	if !sc.rec.Scored() {
		sub, err := readDeclaration(r, sc, v)
		return sub, 0, "", err
	}
	form := r.PostForm
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		return nil, 0, "", err
	}
	lists := yearEndLists()
	view := postedView(lists, ev, form)
	p := newYearEndPage(sc, ev, lists, view, form.Get("unit"))
	removed := removedRows(form)
	p.markRemoved(removed)
	p.apply(form, ev)
	m := removeListRows(lists, ev, removed)
	dropEmptyRegisters(ev)
	adding := form.Get("add") != ""
	p.Reason = form.Get("reason")
	reason, problem := readChangeReason(p.Reason)
	if problem != "" && !adding {
		p.ReasonError = problem
		p.Errors = append(p.Errors, editProblem{"修改原因：" + problem, "edit-reason"})
	}
	before := sc.res
	for _, d := range sc.rescore(ev, changeOptions()).Findings {
		d.Path = m.form(d.Path)
		p.attach(d)
	}
	p.keepMaster(ev, sc.rec.Master())
	if adding {
		p.quietRows(view.newRow)
	}
	return &editSubmission{page: p, ev: ev, version: v, reason: reason, before: before, scored: sc.res != before, adding: adding}, 0, "", nil
}

// flashWithWarnings adds warnings to a flash message, as many as fit the
// flash cookie.
func flashWithWarnings(msg string, warns []string) string {
	if len(warns) == 0 {
		return msg
	}
	msg += fmt.Sprintf("请注意 %d 条提示：", len(warns))
	for i, w := range warns {
		next := w + "；"
		if len(msg)+len(next) > 800 {
			return msg + fmt.Sprintf("等（其余 %d 条见“修改填报数据”页）", len(warns)-i)
		}
		msg += next
	}
	return strings.TrimSuffix(msg, "；") + "。"
}
