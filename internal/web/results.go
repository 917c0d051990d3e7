package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/bulk"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/results"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file is the results applied to the budget (结果应用, docs/cycle.md
// §2, §5): the finance bureau's page of every accepted or published
// department-year of a year (/results?year=Y, filtered by region, grade
// and decided or not, 20 department-years a page), the reviewer's
// decision per department and project, the workbook of the year, and
// the 参考 a later year shows beside its department and projects.

// resultsPerPage bounds the department-years on one page.
const resultsPerPage = 20

type resultsPage struct {
	Year                   int
	Region, Grade, Decided string
	Grades                 []string
	Years                  []*store.ResultsYear
	Total, Page, Pages     int
	Query                  string
	CanDecide              bool
	Rules                  *results.Rules
	Suggestions            []string
	Types                  []string
	// Failed is the scope of the form a refused decision came from, with
	// what was typed.
	Failed resultForm
}

type resultForm struct {
	Code, Scope, Type, Decision, Amount, Reason string
	Year                                        int
}

// resultsFilter reads the page's filters, every problem listed.
func resultsFilter(q url.Values) (store.ResultsFilter, int, error) {
	f := store.ResultsFilter{Region: strings.TrimSpace(q.Get("region")), Grade: q.Get("grade"), Decided: q.Get("decided")}
	page := 1
	var probs []string
	if y, ok := parseYear(q.Get("year")); ok && y >= 2000 && y <= 2100 {
		f.Year = y
	} else if q.Get("year") != "" {
		probs = append(probs, fmt.Sprintf("年度 %q 无效：应为 2000 至 2100 之间的整数", q.Get("year")))
	}
	if f.Grade != "" && !validGrade(f.Grade) {
		probs = append(probs, fmt.Sprintf("等级 %q 无效：应为优、良、中或差", f.Grade))
	}
	if f.Decided != "" && f.Decided != store.ResultsDecided && f.Decided != store.ResultsUndecided {
		probs = append(probs, fmt.Sprintf("决定状态 %q 无效", f.Decided))
	}
	if len([]rune(f.Region)) > 100 {
		probs = append(probs, "地区名称过长")
	}
	if t := q.Get("page"); t != "" {
		if p, err := strconv.Atoi(t); err == nil && p >= 1 && p <= 10000 {
			page = p
		} else {
			probs = append(probs, fmt.Sprintf("页码 %q 无效", t))
		}
	}
	if len(probs) > 0 {
		return f, 0, invalid("%s", strings.Join(probs, "；"))
	}
	return f, page, nil
}

func validGrade(g string) bool {
	for _, x := range results.Grades {
		if g == x {
			return true
		}
	}
	return false
}

// resultsPage is /results: the year's departments and projects with the
// suggestion, and the reviewer's decision forms.
func (s *server) resultsPage(w http.ResponseWriter, r *http.Request) {
	if err := canSeeResults(currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.showResults(w, r, http.StatusOK, "", resultForm{})
}

func (s *server) showResults(w http.ResponseWriter, r *http.Request, status int, errMsg string, failed resultForm) {
	u := currentUser(r)
	f, page, err := resultsFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules := s.st.Rules().Results
	d := &resultsPage{Year: f.Year, Region: f.Region, Grade: f.Grade, Decided: f.Decided, Grades: results.Grades, Page: page,
		CanDecide: canDecideResults(u) == nil, Rules: rules, Suggestions: rules.SuggestionKeys(), Types: results.Types, Failed: failed}
	if d.Year != 0 {
		f.Offset, f.Limit = (page-1)*resultsPerPage, resultsPerPage
		if d.Years, d.Total, err = s.st.Suggestions(r.Context(), f, rules); err != nil {
			s.fail(w, r, err)
			return
		}
		d.Pages = max(1, (d.Total+resultsPerPage-1)/resultsPerPage)
		d.Query = resultsQuery(f)
	}
	s.render(w, r, status, "results", "结果应用", errMsg, d)
}

// resultsQuery is the filters as a query string.
func resultsQuery(f store.ResultsFilter) string {
	v := url.Values{"year": {strconv.Itoa(f.Year)}}
	for k, x := range map[string]string{"region": f.Region, "grade": f.Grade, "decided": f.Decided} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// resultsWorkbook is /results/table.xlsx?year=Y[&filters]: the results
// workbook of every department-year the filters select (bulk.WriteResults).
func (s *server) resultsWorkbook(w http.ResponseWriter, r *http.Request) {
	if err := canSeeResults(currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	f, _, err := resultsFilter(r.URL.Query())
	if err == nil && f.Year == 0 {
		err = invalid("请指定年度")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules := s.st.Rules().Results
	ys, total, err := s.st.Suggestions(r.Context(), f, rules)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if total > len(ys) {
		s.fail(w, r, invalid("符合条件的部门年度有 %d 个，超过一次可下载的 %d 个；请按地区或等级筛选后分批下载", total, store.MaxResultsYears))
		return
	}
	var buf bytes.Buffer
	if err := bulk.WriteResults(&buf, f.Year, ys, rules); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s",
		fmt.Sprintf("results-%d.xlsx", f.Year), encodeRFC5987(fmt.Sprintf("%d年度绩效评价结果应用表.xlsx", f.Year))))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// decideResult is POST /results/{code}/{year}/decision: the reviewer's
// decision (or revision) for one scope; back to the page it came from.
func (s *server) decideResult(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canDecideResults(u); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	code := r.PathValue("code")
	year, ok := parseYear(r.PathValue("year"))
	if !ok {
		s.fail(w, r, notFound(code, r.PathValue("year")))
		return
	}
	form := resultForm{Code: code, Year: year, Scope: r.PostFormValue("scope"), Type: r.PostFormValue("type"),
		Decision: r.PostFormValue("decision"), Amount: strings.TrimSpace(r.PostFormValue("amount")), Reason: r.PostFormValue("reason")}
	// Back to the list the form was on (its filters travel as "back").
	back, err := url.ParseQuery(r.PostFormValue("back"))
	if err != nil || back.Get("year") == "" {
		back = url.Values{"year": {strconv.Itoa(year)}}
	}
	r.URL.RawQuery = back.Encode()
	var probs []string
	amount, err := money.ParseIn(form.Amount, money.YuanUnit)
	if err != nil {
		probs = append(probs, fmt.Sprintf("决定金额“%s”无效：%v", form.Amount, err))
	}
	version, err := strconv.Atoi(r.PostFormValue("decision_version"))
	if err != nil || version < 0 {
		probs = append(probs, "表单缺少版本号，请刷新页面后再操作")
	}
	if len(probs) > 0 {
		s.showResults(w, r, http.StatusUnprocessableEntity, strings.Join(probs, "；"), form)
		return
	}
	in := store.ResultDecisionInput{Scope: form.Scope, Type: form.Type, Decision: form.Decision, Amount: amount, Reason: form.Reason, Version: version}
	row, err := s.st.DecideResult(r.Context(), code, year, in, s.st.Rules().Results, *u)
	if err != nil {
		if c := apperr.Code(err); c == apperr.EINVALID || c == apperr.ECONFLICT {
			s.showResults(w, r, httpStatus(c), errorMessage(err), form)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("已决定部门 %s %d 年度%s的结果应用：%s，%s 元。", code, year, row.Label(),
		store.DecisionName(s.st.Rules().Results, row.Decision.Decision, row.Decision.Base, row.Decision.Decided), row.Decision.Decided.YuanText()))
	http.Redirect(w, r, "/results?"+back.Encode()+"#"+resultAnchor(code, row.Scope), http.StatusSeeOther)
}

// resultAnchor is the id of a row on the page.
func resultAnchor(code, scope string) string {
	return "r-" + code + "-" + strings.NewReplacer(":", "-", " ", "-").Replace(scope)
}

// resultRefLine is one 参考 line: the department or a project of the
// year, with the latest earlier decision of the same scope.
type resultRefLine struct {
	Label string
	Ref   store.ResultReference
}

// resultRefLines reads, live, the latest decided earlier year's results
// of the department and of each project of ev with a code (a continuing
// project keeps its code across years); an error is logged and shows
// none, as the 参考 is not needed to declare.
func (s *server) resultRefLines(r *http.Request, code string, year int, ev *evaluation.Evaluation) []resultRefLine {
	refs, err := s.st.ResultReferences(r.Context(), code, year, s.st.Rules().Results)
	if err != nil {
		s.log.Error("result references", "code", code, "year", year, "err", err)
		return nil
	}
	var out []resultRefLine
	if ref, ok := refs[store.ResultScopeDepartment]; ok {
		out = append(out, resultRefLine{Label: "部门整体", Ref: ref})
	}
	if ev != nil {
		for _, p := range ev.Projects {
			if ref, ok := refs["project:"+p.Code]; ok && p.Code != "" {
				out = append(out, resultRefLine{Label: p.Code + " " + p.Name, Ref: ref})
			}
		}
	}
	return out
}

func init() {
	funcs["canSeeResults"] = func(u *store.User) bool { return canSeeResults(u) == nil }
	funcs["resultAnchor"] = resultAnchor
	funcs["decisionName"] = func(rules *results.Rules, d *store.ResultDecision) string {
		return store.DecisionName(rules, d.Decision, d.Base, d.Decided)
	}
	funcs["suggestionName"] = func(rules *results.Rules, key string) string { return rules.SuggestionName(key) }
	funcs["typeName"] = func(t string) string { return results.TypeNames[t] }
	funcs["evalStatusName"] = func(st string) string { return workflow.StatusName(workflow.Evaluation, st) }
	funcs["refOf"] = func(refs map[string]store.ResultReference, scope string) *store.ResultReference {
		if ref, ok := refs[scope]; ok {
			return &ref
		}
		return nil
	}
}
