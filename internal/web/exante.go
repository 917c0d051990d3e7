package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
)

// This file is the ex-ante evaluation (事前绩效评估) of the new projects of
// a declaration-stage year (docs/cycle.md §2 tracks): the workspace lists
// the projects that need one; the assessor fills the record on one page
// (scores per indicator of the ex-ante framework with reasons, the
// report's four parts, the conclusion), sees the score with its trace,
// downloads the Word report; the approver or reviewer gives the
// conclusion. Records are stored beside the year (store.SaveExante) and
// decide W186 and B1.1 for it (store.Record.Cycle).

// exanteLine is one project on the workspace's ex-ante list.
type exanteLine struct {
	Code, Name, Amount string
	// Needed says the project needs an ex-ante evaluation; Assessor who
	// carries it out.
	Needed   bool
	Assessor string
	Status   string
	// Result is the score and conclusion ("79.5 分，调整后予以支持").
	Result string
	Met    bool
	Href   string
}

// exanteLines lists the new projects of ev that need an ex-ante
// evaluation under c, and any other project with a record.
func exanteLines(base string, ev *evaluation.Evaluation, c *evaluation.Cycle) []exanteLine {
	if c == nil {
		return nil
	}
	needs := map[int]evaluation.ExanteNeed{}
	for _, n := range c.ExanteNeeds(ev) {
		needs[n.Index] = n
	}
	var out []exanteLine
	for i, p := range ev.Projects {
		n, needed := needs[i]
		rec, has := c.Exante[p.Code]
		if !needed && !has {
			continue
		}
		l := exanteLine{Code: p.Code, Name: p.Name, Amount: p.Initial.WanShort(), Needed: needed, Met: n.Met(),
			Assessor: exante.AssessorNames[exante.AssessorDepartment], Status: "未开展",
			Href: base + "/exante/" + url.PathEscape(p.Code)}
		if n.Finance {
			l.Assessor = exante.AssessorNames[exante.AssessorFinance]
		}
		if has {
			l.Status = store.ExanteStatusNames[store.ExanteDraft]
			if rec.Concluded {
				l.Status = store.ExanteStatusNames[store.ExanteConcluded]
				l.Result = fmt.Sprintf("%s 分，%s", rec.Total, framework.ConclusionName(rec.Conclusion))
			}
		}
		if p.Code == "" {
			l.Href = "" // a project needs its code before it can be evaluated
		}
		out = append(out, l)
	}
	return out
}

// exanteItem is one checklist item on the form.
type exanteItem struct {
	Code, Text     string
	Points         num.Points
	Failed         bool
	Reason, Deduct string
}

// exanteIndicator is one scored indicator of the ex-ante framework on the
// form, with what was entered and, once scored, its node.
type exanteIndicator struct {
	Code, Name, Kind     string
	Definition, Standard string
	Points               num.Points
	Level, Score         string
	Work, Reason         string
	Items                []exanteItem
	Node                 *scoring.Node
}

type exantePageData struct {
	Base, Path  string
	Listing     store.Listing
	Project     *evaluation.Project
	Requirement exante.Requirement
	Record      *exante.Evaluation
	Stored      *store.ExanteEvaluation
	Assessment  *exante.Assessment
	Indicators  []exanteIndicator
	Findings    diag.List
	Conclusions []struct{ Code, Name string }
	Levels      []struct{ Code, Name string }
	CanEdit     bool
	CanConclude bool
	// Reason is the reason entered with a refused save.
	Reason string
}

// maxExanteForm bounds the ex-ante form: four report paragraphs and a
// reason per indicator.
const maxExanteForm = 512 << 10

// exanteState is what every ex-ante handler starts from: the year as
// the user may see it, the project, its stored record if any, the
// requirement under the ex-ante rules, and the library its framework
// comes from (the pinned file of a stored record).
type exanteState struct {
	sc      *scored
	project *evaluation.Project
	stored  *store.ExanteEvaluation
	req     exante.Requirement
	lib     exante.Frameworks
	th      exante.Thresholds
}

func (s *server) exanteState(r *http.Request) (*exanteState, error) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		return nil, err
	}
	ev := sc.rec.Evaluation
	pcode := r.PathValue("project")
	st := &exanteState{sc: sc, th: s.st.Rules().Exante.Thresholds()}
	for i := range ev.Projects {
		if ev.Projects[i].Code == pcode && pcode != "" {
			st.project = &ev.Projects[i]
		}
	}
	if st.project == nil {
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: fmt.Sprintf("部门 %s %d 年度没有编码为“%s”的项目", sc.rec.DepartmentCode, sc.rec.Year, pcode)}
	}
	kind := st.project.Kind
	if kind == "" {
		kind = exante.KindNew
	}
	st.req = st.th.Need(kind, st.project.Initial)
	st.stored, err = s.st.ExanteEvaluation(r.Context(), sc.rec.DepartmentCode, sc.rec.Year, pcode)
	switch {
	case apperr.Code(err) == apperr.ENOTFOUND:
		st.stored = nil
		lib, _ := datafile.LoadLibrary(s.fwDirs...)
		st.lib = lib
	case err != nil:
		return nil, err
	default:
		lib, err := datafile.PinnedLibrary(st.stored.Framework)
		if err != nil {
			return nil, fmt.Errorf("项目 %s 事前绩效评估留存的指标框架无法读取：%w", pcode, err)
		}
		st.lib = lib
	}
	return st, nil
}

// assessor is who assesses the project: the stored record's, else the
// one the amount requires (the department when none is required).
func (st *exanteState) assessor() string {
	if st.stored != nil {
		return st.stored.Assessor
	}
	if st.req.Assessor != "" {
		return st.req.Assessor
	}
	return exante.AssessorDepartment
}

// record is the stored record, or a new one drawn from the year's
// project.
func (st *exanteState) record() *exante.Evaluation {
	if st.stored != nil {
		return st.stored.Record
	}
	ev := st.sc.rec.Evaluation
	return &exante.Evaluation{Framework: exante.DefaultFramework, Year: ev.Year, Assessor: st.assessor(),
		Department: exante.Department{Code: ev.Department.Code, Name: ev.Department.Name},
		Scores:     map[string]evaluation.Input{}}
}

// withProject sets the record's project from the year's: the record
// evaluates what the year declares.
func (st *exanteState) withProject(rec *exante.Evaluation) {
	p := st.project
	// A record evaluates a proposal of a new project (a continuing one
	// needs none; its record, if made, is still scored, I210).
	rec.Project = exante.Project{Code: p.Code, Name: p.Name, Kind: exante.KindNew, Unit: p.Unit, Amount: p.Initial, Period: rec.Project.Period}
	rec.Year, rec.Department.Code = st.sc.rec.Year, st.sc.rec.DepartmentCode
}

func (s *server) exantePage(w http.ResponseWriter, r *http.Request) {
	st, err := s.exanteState(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rec := st.record()
	st.withProject(rec)
	s.showExante(w, r, st, rec, http.StatusOK, "", "")
}

// showExante renders the page for rec (stored, or as just entered when a
// save was refused).
func (s *server) showExante(w http.ResponseWriter, r *http.Request, st *exanteState, rec *exante.Evaluation, status int, errMsg, reason string) {
	u := currentUser(r)
	l := st.sc.rec.Listing
	a := exante.Assess(rec, st.lib, exante.Options{Thresholds: st.th})
	d := exantePageData{
		Base: evaluationPath(l), Listing: l, Project: st.project, Requirement: st.req, Record: rec, Stored: st.stored,
		Assessment: a, Findings: a.Findings, Reason: reason,
		CanEdit:     canEditExante(u, l, st.assessor()) == nil && (st.stored == nil || st.stored.Status == store.ExanteDraft),
		CanConclude: canConcludeExante(u, l, st.assessor()) == nil && st.stored != nil,
	}
	d.Path = d.Base + "/exante/" + url.PathEscape(st.project.Code)
	for _, c := range framework.Conclusions {
		d.Conclusions = append(d.Conclusions, struct{ Code, Name string }{c.Code, c.Name})
	}
	for _, lv := range []string{framework.LevelMet, framework.LevelPartly, framework.LevelNotMet} {
		d.Levels = append(d.Levels, struct{ Code, Name string }{lv, framework.LevelNames[lv]})
	}
	if a.Framework != nil {
		d.Indicators = exanteIndicators(a.Framework, rec, a.Result)
	}
	title := fmt.Sprintf("%s · 事前绩效评估", st.project.Name)
	s.render(w, r, status, "exante", title, errMsg, d)
}

// exanteIndicators lists the scored indicators of fw with rec's entries
// and, when scored, their nodes.
func exanteIndicators(fw *framework.Framework, rec *exante.Evaluation, res *scoring.ProjectResult) []exanteIndicator {
	var out []exanteIndicator
	fw.Walk(func(in *framework.Indicator, depth int) {
		if !editable(in) {
			return
		}
		inp := rec.Scores[in.Code]
		x := exanteIndicator{Code: in.Code, Name: in.Name, Kind: in.Rule.Kind, Definition: in.Definition, Standard: in.Standard,
			Points: in.Points, Level: inp.Level, Work: inp.Work, Reason: inp.Reason}
		if inp.Score != nil {
			x.Score = inp.Score.String()
		}
		failed := map[string]evaluation.ItemCheck{}
		for _, c := range inp.Checklist {
			if !c.Passed {
				failed[c.Item] = c
			}
		}
		for _, it := range in.Rule.Items {
			c, f := failed[it.Code]
			item := exanteItem{Code: it.Code, Text: it.Text, Points: it.Points, Failed: f, Reason: c.Reason}
			if c.Deduct != nil {
				item.Deduct = c.Deduct.String()
			}
			x.Items = append(x.Items, item)
		}
		if res != nil {
			x.Node = findNode(res.Indicators, in.Code)
		}
		out = append(out, x)
	})
	return out
}

// exanteFromForm reads the posted form into rec (a copy of the stored or
// new record): every indicator of fw, the report, the conclusion. What
// cannot be read is an error naming the field, all at once.
func exanteFromForm(r *http.Request, rec *exante.Evaluation, fw *framework.Framework) error {
	f := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	var probs []string
	rec.Evaluator = f("evaluator")
	rec.Date = civil.Date{}
	if t := f("date"); t != "" {
		d, err := civil.ParseDate(t)
		if err != nil {
			probs = append(probs, fmt.Sprintf("评估报告日期“%s”无效，应为 年-月-日", t))
		}
		rec.Date = d
	}
	rec.Project.Period = f("period")
	rec.Report = exante.Report{Subject: f("subject"), Work: f("work"), Assessment: f("assessment"), Suggestions: f("suggestions"), Other: f("other")}
	rec.Conclusion, rec.ConclusionReason = f("conclusion"), f("conclusion_reason")
	if rec.Conclusion != "" && framework.ConclusionName(rec.Conclusion) == "" {
		probs = append(probs, "评估结论的选项无效")
	}
	scores := map[string]evaluation.Input{}
	fw.Walk(func(in *framework.Indicator, depth int) {
		if !editable(in) {
			return
		}
		inp := evaluation.Input{Work: f("work-" + in.Code), Reason: f("reason-" + in.Code)}
		if t := f("score-" + in.Code); t != "" {
			p, err := num.ParsePoints(t)
			if err != nil {
				probs = append(probs, fmt.Sprintf("指标 %s %s 的得分“%s”不是有效的分数", in.Code, in.Name, t))
			} else {
				inp.Score = &p
			}
		}
		switch in.Rule.Kind {
		case framework.KindQualitative:
			inp.Level = f("level-" + in.Code)
			if inp.Level != "" && framework.LevelNames[inp.Level] == "" {
				probs = append(probs, fmt.Sprintf("指标 %s %s 的评价等级无效", in.Code, in.Name))
			}
		case framework.KindChecklist:
			inp.Score = nil
			for _, it := range in.Rule.Items {
				if f("item-"+it.Code) != "failed" {
					continue
				}
				c := evaluation.ItemCheck{Item: it.Code, Reason: f("itemreason-" + it.Code)}
				if t := f("itemdeduct-" + it.Code); t != "" {
					p, err := num.ParsePoints(t)
					if err != nil {
						probs = append(probs, fmt.Sprintf("检查项 %s 的扣分“%s”不是有效的分数", it.Code, t))
					} else {
						c.Deduct = &p
					}
				}
				inp.Checklist = append(inp.Checklist, c)
			}
		}
		if inp.Level == "" && inp.Score == nil && inp.Work == "" && inp.Reason == "" && len(inp.Checklist) == 0 && in.Rule.Kind != framework.KindChecklist {
			return // not filled yet: the assessment says it is missing
		}
		scores[in.Code] = inp
	})
	rec.Scores = scores
	if len(probs) > 0 {
		return invalid("%s", strings.Join(probs, "；"))
	}
	return nil
}

// exanteFormFor starts a posted ex-ante form: the form read within
// limit bytes, the state as the user may see it (404 otherwise), and may
// checked for the project's assessor (403 otherwise).
func (s *server) exanteFormFor(w http.ResponseWriter, r *http.Request, limit int64, may func(*store.User, store.Listing, string) error) (*exanteState, *store.User, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, invalid("表单无法读取或超过 %d KB", limit>>10))
		return nil, nil, false
	}
	st, err := s.exanteState(r)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	u := currentUser(r)
	if err := may(u, st.sc.rec.Listing, st.assessor()); err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return st, u, true
}

// saveExante stores the form: created at version 0 or saved over the
// version read. A record that cannot be scored yet is kept as a draft,
// and the page says what is missing.
func (s *server) saveExante(w http.ResponseWriter, r *http.Request) {
	st, u, ok := s.exanteFormFor(w, r, maxExanteForm, canEditExante)
	if !ok {
		return
	}
	l := st.sc.rec.Listing
	version := 0
	var err error
	if st.stored != nil {
		if version, err = strconv.Atoi(r.PostFormValue("version")); err != nil || version < 1 {
			s.fail(w, r, invalid("表单缺少记录版本，请刷新页面后重试"))
			return
		}
	}
	rec, err := cloneExante(st.record())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	st.withProject(rec)
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	fw, _ := st.lib.Framework(rec.FrameworkID())
	if fw == nil {
		s.fail(w, r, invalid("未找到事前绩效评估指标框架 %s", rec.FrameworkID()))
		return
	}
	if err := exanteFromForm(r, rec, fw); err != nil {
		s.showExante(w, r, st, rec, http.StatusUnprocessableEntity, errorMessage(err), reason)
		return
	}
	a := exante.Assess(rec, st.lib, exante.Options{Thresholds: st.th})
	histReason := "填写事前绩效评估"
	if reason != "" {
		histReason += "：" + reason
	}
	saved, err := s.st.SaveExante(r.Context(), l.DepartmentCode, l.Year, store.ExanteSave{Assessment: a, Version: version}, u.Username, histReason)
	if err != nil {
		s.showExante(w, r, st, rec, httpStatus(apperr.Code(err)), errorMessage(err), reason)
		return
	}
	msg := "事前绩效评估已保存"
	if saved.Scored {
		msg += fmt.Sprintf("：综合得分 %s 分，按得分为“%s”。", saved.Total, framework.ConclusionName(saved.Conclusion))
	} else {
		msg += "为草稿，尚不能评分：请按页面上的问题补充。"
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, evaluationPath(l)+"/exante/"+url.PathEscape(st.project.Code), http.StatusSeeOther)
}

// cloneExante copies a record through JSON, so that a refused form
// never changes the stored one.
func cloneExante(rec *exante.Evaluation) (*exante.Evaluation, error) {
	out, err := cloneJSON(rec)
	if err != nil {
		return nil, err
	}
	if out.Scores == nil {
		out.Scores = map[string]evaluation.Input{}
	}
	return out, nil
}

// concludeExante gives (action conclude) or withdraws (action reopen,
// with a reason) the conclusion.
func (s *server) concludeExante(w http.ResponseWriter, r *http.Request) {
	st, u, ok := s.exanteFormFor(w, r, 64<<10, canConcludeExante)
	if !ok {
		return
	}
	l := st.sc.rec.Listing
	if st.stored == nil {
		s.fail(w, r, invalid("项目 %s 尚无事前绩效评估记录", st.project.Code))
		return
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.fail(w, r, invalid("表单缺少记录版本，请刷新页面后重试"))
		return
	}
	conclude := r.PostFormValue("action") == "conclude"
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	e, err := s.st.ConcludeExante(r.Context(), l.DepartmentCode, l.Year, st.project.Code, version, conclude, u.Username, reason)
	if err != nil {
		s.showExante(w, r, st, st.stored.Record, httpStatus(apperr.Code(err)), errorMessage(err), "")
		return
	}
	if conclude {
		s.setFlash(w, fmt.Sprintf("已出具评估结论：%s（%s 分）。", framework.ConclusionName(e.Conclusion), e.Total))
	} else {
		s.setFlash(w, "评估结论已撤回，记录可以重新修改。")
	}
	http.Redirect(w, r, evaluationPath(l)+"/exante/"+url.PathEscape(st.project.Code), http.StatusSeeOther)
}

// exanteReport serves the Word report of a stored record that scores.
func (s *server) exanteReport(w http.ResponseWriter, r *http.Request) {
	st, err := s.exanteState(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if st.stored == nil {
		s.fail(w, r, &apperr.Error{Code: apperr.ENOTFOUND, Message: fmt.Sprintf("项目 %s 尚无事前绩效评估记录", st.project.Code)})
		return
	}
	a := exante.Assess(st.stored.Record, st.lib, exante.Options{Thresholds: st.th})
	if a.Result == nil {
		s.fail(w, r, &apperr.Error{Code: apperr.ECONFLICT, Message: "事前绩效评估记录尚不完整、不能评分，暂不能生成评估报告"})
		return
	}
	f, _ := render.Lookup("docx")
	var buf bytes.Buffer
	if err := f.Render(r.Context(), &buf, report.Exante(a), s.pdf); err != nil {
		s.renderFailed(w, r, err)
		return
	}
	name := st.project.Name + "事前绩效评估报告.docx"
	ascii := fmt.Sprintf("exante-%s-%d-%s.docx", asciiOnly(st.sc.rec.DepartmentCode), st.sc.rec.Year, asciiOnly(st.project.Code))
	attachment(w, f.ContentType, ascii, name)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

func init() {
	funcs["assessorName"] = func(a string) string { return exante.AssessorNames[a] }
	funcs["conclusionName"] = framework.ConclusionName
}
