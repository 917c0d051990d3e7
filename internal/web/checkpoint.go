package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file is the checkpoint report (绩效目标执行监控表) of a month:
//
//	GET  …/monitoring/{month}             the form (the department's editor, while the report is a
//	                                       draft or returned, in the execution stage) or the report as
//	                                       entered, with the moves the user may make
//	POST …/monitoring/{month}             save (with the report's version)
//	POST …/monitoring/{month}/check       live validation (htmx), saves nothing
//	POST …/monitoring/{month}/transition  a move of the report (workflow.CheckpointTransitions)
//	GET  …/monitoring/{month}/table.EXT   the monitoring tables as docx, xlsx or md
//
// Who may see it is who may see the year (load); who may fill it in is
// canFillCheckpoint; the moves are checkpointMoves; the store checks each
// again against the account as stored.

// checkpointFormats are the downloads of the monitoring tables.
var checkpointFormats = []string{"docx", "xlsx", "md"}

// cpRow is one declared indicator on the page.
type cpRow struct {
	monitor.Row
	Index int
	// Key identifies the indicator in the form (project code / indicator
	// code), checked when the form comes back.
	Key string
	// Problems are the findings on this row.
	Problems []string
}

// cpProject is one coded project on the page with its figures.
type cpProject struct {
	Index            int
	Code, Name       string
	Initial, Paid    string // 万元
	Rate             string // "31.20%" or "—"
	Projection       string // 万元, from the ledger
	Expected         string // yuan as entered, or ""
	Rows             []cpRow
	ExpectedProblems []string
}

type checkpointData struct {
	Base, YearBase string
	Listing        store.Listing
	Month          int
	Months         string // "1—7月"
	// Report is nil before the first save.
	Report  *store.CheckpointReport
	Version int
	Status  string // in Chinese
	DueOn   string
	CanFill bool
	Dept    []cpRow // the department's indicators
	Project []cpProject
	Moves   []moveForm
	// Findings of the entered data (the draft's check), and Missing the
	// entries a submission still needs (E235).
	Findings diag.List
	Missing  int
	Formats  []string
	Causes   []monitor.Choice
	Likely   []monitor.Choice
	Returned *store.Change
}

// checkpointMonth reads the month path segment.
func checkpointMonth(r *http.Request) (int, error) {
	m, err := strconv.Atoi(r.PathValue("month"))
	if err != nil || m < 1 || m > 12 || strconv.Itoa(m) != r.PathValue("month") {
		return 0, &apperr.Error{Code: apperr.ENOTFOUND, Message: "监控月份应为 1 至 12"}
	}
	return m, nil
}

// checkpointFor loads the year the user may see, the month and the
// stored report (nil when none).
func (s *server) checkpointFor(r *http.Request) (*scored, int, *store.CheckpointReport, error) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		return nil, 0, nil, err
	}
	month, err := checkpointMonth(r)
	if err != nil {
		return nil, 0, nil, err
	}
	l := sc.rec.Listing
	rep, err := s.st.Checkpoint(r.Context(), l.DepartmentCode, l.Year, month)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return sc, month, nil, nil
	}
	return sc, month, rep, err
}

// checkpointPage shows the report of a month.
func (s *server) checkpointPage(w http.ResponseWriter, r *http.Request) {
	sc, month, rep, err := s.checkpointFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := &monitor.Checkpoint{Month: month}
	if rep != nil {
		c = rep.Data
	}
	s.showCheckpoint(w, r, sc, rep, c, http.StatusOK, "", "")
}

// showCheckpoint renders the page with c as entered (the stored report,
// or a refused form) and an error; refusedMove names the move refused.
func (s *server) showCheckpoint(w http.ResponseWriter, r *http.Request, sc *scored, rep *store.CheckpointReport, c *monitor.Checkpoint, status int, errMsg, refusedMove string) {
	d, err := s.checkpointData(r, sc, rep, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range d.Moves {
		if d.Moves[i].To == refusedMove && errMsg != "" {
			d.Moves[i].Refused, d.Moves[i].Comment, errMsg = errMsg, r.PostFormValue("comment"), ""
		}
	}
	l := sc.rec.Listing
	s.render(w, r, status, "checkpoint", fmt.Sprintf("%s %d 年 %s绩效监控表", l.Department, l.Year, d.Months), errMsg, d)
}

func (s *server) checkpointData(r *http.Request, sc *scored, rep *store.CheckpointReport, c *monitor.Checkpoint) (*checkpointData, error) {
	u := currentUser(r)
	l := sc.rec.Listing
	ev := sc.rec.Evaluation
	base := evaluationPath(l)
	d := &checkpointData{
		Base: fmt.Sprintf("%s/monitoring/%d", base, c.Month), YearBase: base, Listing: l, Month: c.Month,
		Months: monthsText(c.Month), Report: rep, Status: "未填写",
		CanFill: canFillCheckpoint(u, l, rep) == nil, Formats: checkpointFormats,
		Causes: monitor.CauseChoices(), Likely: monitor.LikelihoodChoices(),
	}
	if due, err := s.st.CheckpointDue(l.Year, c.Month); err == nil {
		d.DueOn = due.Chinese()
	} else {
		d.DueOn = "待国务院节假日安排公布后确定"
	}
	if rep != nil {
		d.Version, d.Status, d.DueOn = rep.Version, rep.StatusName(), rep.DueOn.Chinese()
		if rep.Status == workflow.Returned {
			h, err := s.st.History(r.Context(), l.DepartmentCode, l.Year)
			if err != nil {
				return nil, err
			}
			path := fmt.Sprintf("monitoring[%d].status", c.Month)
			for i := len(h) - 1; i >= 0; i-- {
				if h[i].Path == path && h[i].New == workflow.Returned {
					d.Returned = &h[i]
					break
				}
			}
		}
	}
	for _, t := range checkpointMoves(u, l, rep) {
		d.Moves = append(d.Moves, moveForm{Transition: t})
	}
	st, err := s.st.Execution(r.Context(), sc.rec, c.Month, s.st.Rules().Schedule())
	if err != nil {
		return nil, err
	}
	d.Findings, d.Missing = checkpointFindings(ev, c)
	// under lists the findings at path or below it.
	under := func(path string) []string {
		if strings.HasSuffix(path, "[]") {
			return nil // a row with no entry has no findings of its own
		}
		var out []string
		for _, f := range d.Findings {
			if f.Path == path || strings.HasPrefix(f.Path, path+".") || strings.HasPrefix(f.Path, path+"[") {
				out = append(out, f.Code+" "+f.Message)
			}
		}
		return out
	}
	projects := map[string]int{}
	for i := range ev.Projects {
		p := &ev.Projects[i]
		if p.Code == "" {
			continue
		}
		cp := cpProject{Index: len(d.Project), Code: p.Code, Name: p.Name, Rate: "—"}
		for _, line := range st.Projects {
			if line.Code == p.Code {
				m := line.Last()
				cp.Initial, cp.Paid, cp.Projection = m.Initial.Wan(), m.PaidToDate.Wan(), m.Projection.Paid.Wan()
				if m.HasRate {
					cp.Rate = m.Rate.String() + "%"
				}
			}
		}
		if e, ok := c.ProjectEntry(p.Code); ok && e.Expected != nil {
			cp.Expected = e.Expected.String()
		}
		for j, pp := range c.Projects {
			if pp.Code == p.Code {
				cp.ExpectedProblems = append(under(fmt.Sprintf("projects[%d].expected", j)), under(fmt.Sprintf("projects[%d].code", j))...)
			}
		}
		projects[p.Code] = len(d.Project)
		d.Project = append(d.Project, cp)
	}
	for i, row := range monitor.Rows(ev, c) {
		cr := cpRow{Row: row, Index: i, Key: row.Project + "/" + row.Target.Code, Problems: under(row.Path)}
		if row.Project == "" {
			d.Dept = append(d.Dept, cr)
		} else {
			j := projects[row.Project]
			d.Project[j].Rows = append(d.Project[j].Rows, cr)
		}
	}
	return d, nil
}

// checkpointFindings are the findings of c as a draft, and how many
// entries a submission still needs (E235).
func checkpointFindings(ev *evaluation.Evaluation, c *monitor.Checkpoint) (diag.List, int) {
	missing := 0
	for _, f := range monitor.ValidateCheckpoint(ev, c, true) {
		if f.Code == diag.CheckpointIncomplete {
			missing++
		}
	}
	return monitor.ValidateCheckpoint(ev, c, false), missing
}

func monthsText(m int) string {
	if m == 1 {
		return "1月"
	}
	return fmt.Sprintf("1—%d月", m)
}

// maxCheckpointForm bounds the posted form: a few thousand rows of text.
const maxCheckpointForm = 4 << 20

// readCheckpoint reads the posted form into a checkpoint report of month
// against the declared rows of ev. A form made from other declared
// targets (a 目标调整 approved since) is ECONFLICT; an amount that is not
// one is EINVALID naming the project.
func readCheckpoint(form url.Values, ev *evaluation.Evaluation, month int) (*monitor.Checkpoint, error) {
	c := &monitor.Checkpoint{Month: month}
	rows := monitor.Rows(ev, c)
	var bad []string
	for i, row := range rows {
		f := func(name string) string { return strings.TrimSpace(form.Get(fmt.Sprintf("r%d.%s", i, name))) }
		if f("key") != row.Project+"/"+row.Target.Code {
			return nil, &apperr.Error{Code: apperr.ECONFLICT, Message: "申报的绩效目标已有变化（例如经目标调整），请刷新页面后重新填写"}
		}
		p := monitor.Progress{Code: row.Target.Code, ToDate: f("to_date"), Expected: f("expected"), Likelihood: f("likelihood"),
			Explanation: f("explanation"), Measures: f("measures"), Remark: f("remark")}
		for _, v := range form[fmt.Sprintf("r%d.causes", i)] {
			p.Causes = append(p.Causes, strings.TrimSpace(v))
		}
		if p.ToDate+p.Expected+p.Likelihood+p.Explanation+p.Measures+p.Remark == "" && len(p.Causes) == 0 {
			continue
		}
		if row.Project == "" {
			c.Targets = append(c.Targets, p)
			continue
		}
		pp := projectOf(c, row.Project)
		pp.Indicators = append(pp.Indicators, p)
	}
	n := 0
	for i := range ev.Projects {
		p := &ev.Projects[i]
		if p.Code == "" {
			continue
		}
		v := strings.TrimSpace(form.Get(fmt.Sprintf("p%d.expected", n)))
		n++
		if v == "" {
			continue
		}
		amt, err := money.Parse(v)
		if err != nil {
			bad = append(bad, fmt.Sprintf("项目“%s”全年预计执行数 %q：%v", p.Name, v, err))
			continue
		}
		projectOf(c, p.Code).Expected = &amt
	}
	if len(bad) > 0 {
		return c, &apperr.Error{Code: apperr.EINVALID, Message: strings.Join(bad, "；")}
	}
	return c, nil
}

// projectOf returns the project entry of code in c, adding it.
func projectOf(c *monitor.Checkpoint, code string) *monitor.ProjectProgress {
	for i := range c.Projects {
		if c.Projects[i].Code == code {
			return &c.Projects[i]
		}
	}
	c.Projects = append(c.Projects, monitor.ProjectProgress{Code: code})
	return &c.Projects[len(c.Projects)-1]
}

// checkpointForm loads, bounds and parses a posted checkpoint form.
func (s *server) checkpointForm(w http.ResponseWriter, r *http.Request) (*scored, int, *store.CheckpointReport, bool) {
	sc, month, rep, err := s.checkpointFor(r)
	if err != nil {
		s.fail(w, r, err)
		return nil, 0, nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCheckpointForm)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, &apperr.Error{Code: apperr.EINVALID, Message: "表单无法读取（过大或格式错误）"})
		return nil, 0, nil, false
	}
	return sc, month, rep, true
}

// saveCheckpoint saves the department's entries.
func (s *server) saveCheckpoint(w http.ResponseWriter, r *http.Request) {
	sc, month, rep, ok := s.checkpointForm(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	l := sc.rec.Listing
	if err := canFillCheckpoint(u, l, rep); err != nil {
		s.showCheckpoint(w, r, sc, rep, storedOrEmpty(rep, month), http.StatusForbidden, errorMessage(err), "")
		return
	}
	c, err := readCheckpoint(r.PostForm, sc.rec.Evaluation, month)
	if err != nil {
		s.showCheckpoint(w, r, sc, rep, orStored(c, rep, month), httpStatus(apperr.Code(err)), errorMessage(err), "")
		return
	}
	v, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || v < 0 {
		s.showCheckpoint(w, r, sc, rep, c, http.StatusUnprocessableEntity, "表单缺少数据版本，请刷新页面后重试", "")
		return
	}
	_, ds, err := s.st.SaveCheckpoint(r.Context(), l.DepartmentCode, l.Year, c, v, *u, "在线填报")
	if err != nil {
		if apperr.Code(err) == apperr.EINTERNAL {
			s.internalError(w, r, err)
			return
		}
		s.showCheckpoint(w, r, sc, rep, c, httpStatus(apperr.Code(err)), errorMessage(err), "")
		return
	}
	msg := "绩效监控表已保存。"
	if n := len(ds); n > 0 {
		msg = fmt.Sprintf("绩效监控表已保存；有 %d 处需要补充或核实，见下方检查结果。", n)
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, fmt.Sprintf("%s/monitoring/%d", evaluationPath(l), month), http.StatusSeeOther)
}

func roleOf(u *store.User) string {
	if u == nil {
		return "访客"
	}
	return workflow.RoleNames[u.Role]
}

func statusOf(rep *store.CheckpointReport) string {
	if rep == nil {
		return "未填写"
	}
	return rep.StatusName()
}

func storedOrEmpty(rep *store.CheckpointReport, month int) *monitor.Checkpoint {
	if rep != nil {
		return rep.Data
	}
	return &monitor.Checkpoint{Month: month}
}

func orStored(c *monitor.Checkpoint, rep *store.CheckpointReport, month int) *monitor.Checkpoint {
	if c != nil {
		return c
	}
	return storedOrEmpty(rep, month)
}

// checkCheckpoint is the live check of the form (htmx): the findings of
// what is entered, as a fragment. It saves nothing.
func (s *server) checkCheckpoint(w http.ResponseWriter, r *http.Request) {
	sc, month, rep, ok := s.checkpointForm(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := canFillCheckpoint(currentUser(r), sc.rec.Listing, rep); err != nil {
		buf.WriteString(`<p class="error" role="alert">` + template.HTMLEscapeString(errorMessage(err)) + `</p>`)
	} else if c, err := readCheckpoint(r.PostForm, sc.rec.Evaluation, month); err != nil {
		buf.WriteString(`<p class="error" role="alert">` + template.HTMLEscapeString(errorMessage(err)) + `</p>`)
	} else {
		// Only the findings: no figures from the ledger as the editor types.
		d := &checkpointData{}
		d.Findings, d.Missing = checkpointFindings(sc.rec.Evaluation, c)
		if err := s.pages["checkpoint"].ExecuteTemplate(&buf, "cpcheck", d); err != nil {
			s.internalError(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// transitionCheckpoint makes a move of the report.
func (s *server) transitionCheckpoint(w http.ResponseWriter, r *http.Request) {
	sc, month, rep, ok := s.checkpointForm(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	l := sc.rec.Listing
	to := r.PostFormValue("to")
	var t workflow.Transition
	var err error = forbidden("%s不能对状态为“%s”的绩效监控表进行该操作", roleOf(u), statusOf(rep))
	for _, m := range checkpointMoves(u, l, rep) {
		if m.To == to {
			t, err = m, nil
		}
	}
	if err == nil {
		v, verr := strconv.Atoi(r.PostFormValue("version"))
		if verr != nil {
			err = &apperr.Error{Code: apperr.EINVALID, Message: "缺少数据版本，请刷新后重试"}
		} else {
			_, err = s.st.TransitionCheckpoint(r.Context(), l.DepartmentCode, l.Year, month, to, *u, r.PostFormValue("comment"), v)
		}
	}
	if err != nil {
		if apperr.Code(err) == apperr.EINTERNAL {
			s.internalError(w, r, err)
			return
		}
		s.showCheckpoint(w, r, sc, rep, storedOrEmpty(rep, month), httpStatus(apperr.Code(err)), errorMessage(err), to)
		return
	}
	s.setFlash(w, fmt.Sprintf("已%s：监控表当前状态为“%s”。", t.Action, workflow.StatusName(workflow.Checkpoint, t.To)))
	http.Redirect(w, r, fmt.Sprintf("%s/monitoring/%d", evaluationPath(l), month), http.StatusSeeOther)
}

// downloadCheckpoint serves the monitoring tables of the month.
func (s *server) downloadCheckpoint(w http.ResponseWriter, r *http.Request) {
	ext, ok := strings.CutPrefix(r.PathValue("file"), "table.")
	if !ok || !slices.Contains(checkpointFormats, ext) {
		s.renderError(w, r, http.StatusNotFound, "页面不存在。")
		return
	}
	sc, month, rep, err := s.checkpointFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := sc.rec.Listing
	st, err := s.st.Execution(r.Context(), sc.rec, month, s.st.Rules().Schedule())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc := report.BuildMonitoring(report.Monitoring{Evaluation: sc.rec.Evaluation, Checkpoint: storedOrEmpty(rep, month), Status: st})
	f, _ := render.Lookup(ext)
	var buf bytes.Buffer
	if err := f.Render(r.Context(), &buf, doc, s.pdf); err != nil {
		s.renderFailed(w, r, err)
		return
	}
	name := fmt.Sprintf("%s%d年%s绩效目标执行监控表.%s", l.Department, l.Year, monthsText(month), ext)
	ascii := fmt.Sprintf("monitoring-%s-%d-%02d.%s", asciiOnly(l.DepartmentCode), l.Year, month, ext)
	w.Header().Set("Content-Type", contentTypeOf(ext))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", ascii, encodeRFC5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

func init() {
	// dict passes several values to a sub-template: dict "K" v "K2" v2.
	funcs["dict"] = func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				m[k] = kv[i+1]
			}
		}
		return m
	}
	funcs["monthsText"] = monthsText
	funcs["hasCause"] = func(e monitor.Progress, k string) bool {
		for _, c := range e.Causes {
			if c == k {
				return true
			}
		}
		return false
	}
	funcs["directionSign"] = func(t evaluation.Target) string {
		return map[string]string{">=": "≥", "<=": "≤", "=": "=", "qualitative": "定性"}[t.Direction]
	}
	funcs["quarterName"] = func(q int) string {
		if q < 0 || q > 4 {
			return ""
		}
		return monitor.QuarterNames[q]
	}
}
