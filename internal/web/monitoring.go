package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file is in-year monitoring on the web (docs/monitoring.md): the
// finance bureau's province view of the execution warnings
// (/monitoring), one warning with the figures and payments behind it and
// its handling (/monitoring/warnings/{id}). Everything shown is read from
// the warnings store.RefreshWarnings computed; no request computes the
// province, and only a reviewer's explicit 重新计算 refreshes.

// warningsPerPage bounds the ranked table of the province view.
const warningsPerPage = 100

// paymentsPerPage bounds the payments listed behind a warning.
const paymentsPerPage = 50

type monitoringData struct {
	Year, Month   int
	Periods       []store.WarningPeriod
	Level, State  string
	Levels        []monitor.WarningLevel
	States        []string
	ByLevel       []store.WarningCount
	ByRegion      []regionCounts
	Warnings      []store.Warning
	Total         int
	Page, Pages   int
	CanRefresh    bool
	Rules         *monitor.WarningRules
	Query         string // the filters as a query string, for page links
	ShowingFilter bool
}

// regionCounts is one row of the warnings by region and level.
type regionCounts struct {
	Region string
	Counts []int // by Levels
	Heat   []int // by Levels: 0 for none, 1–4 by quarter of the level's largest count
	Total  int
}

// monitoring is the reviewer's province view: warnings of a year's month
// by level and by region, and the warnings ranked, most severe and
// furthest behind first, filtered by level and state.
func (s *server) monitoring(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canSeeMonitoring(u); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	rules := s.st.Rules().Warnings
	d := &monitoringData{Level: q.Get("level"), State: q.Get("state"), Levels: rules.Levels, States: workflow.WarningStates,
		CanRefresh: canRefreshWarnings(u) == nil, Rules: rules, Page: 1}
	var err error
	if d.Periods, err = s.st.WarningPeriods(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	var problems []string
	if t := q.Get("year"); t != "" {
		if y, ok := parseYear(t); ok && y >= 2000 && y <= 2100 {
			d.Year = y
		} else {
			problems = append(problems, fmt.Sprintf("年度 %q 无效：应为 2000 至 2100 之间的整数", t))
		}
	}
	if t := q.Get("month"); t != "" {
		if m, err := strconv.Atoi(t); err == nil && m >= 1 && m <= 12 {
			d.Month = m
		} else {
			problems = append(problems, fmt.Sprintf("月份 %q 无效：应为 1 至 12", t))
		}
	}
	if d.Level != "" && !slices.ContainsFunc(rules.Levels, func(l monitor.WarningLevel) bool { return l.Code == d.Level }) {
		problems = append(problems, fmt.Sprintf("预警等级 %q 无效", d.Level))
	}
	if d.State != "" && !slices.Contains(workflow.WarningStates, d.State) {
		problems = append(problems, fmt.Sprintf("处理状态 %q 无效", d.State))
	}
	if t := q.Get("page"); t != "" {
		if p, err := strconv.Atoi(t); err == nil && p >= 1 && p <= 10000 {
			d.Page = p
		} else {
			problems = append(problems, fmt.Sprintf("页码 %q 无效", t))
		}
	}
	if len(problems) > 0 {
		s.fail(w, r, invalid("%s", strings.Join(problems, "；")))
		return
	}
	if d.Year == 0 && len(d.Periods) > 0 {
		d.Year, d.Month = d.Periods[0].Year, d.Periods[0].Month
	}
	if d.Year != 0 && d.Month == 0 {
		d.Month = 7 // the usual checkpoint: January–July (docs/cycle.md §6)
		for _, p := range d.Periods {
			if p.Year == d.Year {
				d.Month = p.Month
				break
			}
		}
	}
	if d.Year != 0 {
		byLevel, byRegion, err := s.st.WarningCounts(r.Context(), d.Year, d.Month)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.ByLevel, d.ByRegion = byLevel, regionTable(byRegion, rules.Levels)
		f := store.WarningFilter{Year: d.Year, Month: d.Month, Level: d.Level, State: d.State,
			Offset: (d.Page - 1) * warningsPerPage, Limit: warningsPerPage}
		if d.Warnings, d.Total, err = s.st.Warnings(r.Context(), f); err != nil {
			s.fail(w, r, err)
			return
		}
		d.Pages = max(1, (d.Total+warningsPerPage-1)/warningsPerPage)
		v := url.Values{"year": {strconv.Itoa(d.Year)}, "month": {strconv.Itoa(d.Month)}}
		if d.Level != "" {
			v.Set("level", d.Level)
		}
		if d.State != "" {
			v.Set("state", d.State)
		}
		d.Query, d.ShowingFilter = v.Encode(), d.Level != "" || d.State != ""
	}
	s.render(w, r, http.StatusOK, "monitoring", "执行监控预警", "", d)
}

// regionTable arranges counts by region and level as rows by region with
// a column per level, regions with the most warnings first.
func regionTable(cs []store.WarningCount, levels []monitor.WarningLevel) []regionCounts {
	var out []regionCounts
	index := map[string]int{}
	for _, c := range cs {
		i, ok := index[c.Region]
		if !ok {
			i = len(out)
			index[c.Region] = i
			out = append(out, regionCounts{Region: c.Region, Counts: make([]int, len(levels))})
		}
		if j := slices.IndexFunc(levels, func(l monitor.WarningLevel) bool { return l.Code == c.Level }); j >= 0 {
			out[i].Counts[j] += c.Count
		}
		out[i].Total += c.Count
	}
	// The table is a heat map without script: each cell is shaded by its
	// count against the largest of its level (the number is always
	// written; the shade only repeats it).
	for j := range levels {
		most := 0
		for _, r := range out {
			most = max(most, r.Counts[j])
		}
		for i := range out {
			if out[i].Heat == nil {
				out[i].Heat = make([]int, len(levels))
			}
			if n := out[i].Counts[j]; n > 0 {
				out[i].Heat[j] = (4*n + most - 1) / most
			}
		}
	}
	slices.SortStableFunc(out, func(a, b regionCounts) int {
		for j := range levels {
			if a.Counts[j] != b.Counts[j] {
				return b.Counts[j] - a.Counts[j]
			}
		}
		return strings.Compare(a.Region, b.Region)
	})
	return out
}

// refreshWarnings computes the warnings of a year's month again, for a
// reviewer, with the built-in rules.
func (s *server) refreshWarnings(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canRefreshWarnings(u); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	year, ok := parseYear(r.PostFormValue("year"))
	month, err := strconv.Atoi(r.PostFormValue("month"))
	if !ok || err != nil {
		s.fail(w, r, invalid("请选择年度和月份"))
		return
	}
	if !s.refreshing.CompareAndSwap(false, true) {
		w.Header().Set("Retry-After", "30")
		s.renderError(w, r, http.StatusServiceUnavailable, "另一次预警计算正在进行，请稍后再试")
		return
	}
	defer s.refreshing.Store(false)
	res, err := s.st.RefreshWarnings(r.Context(), year, month, s.st.Rules().Warnings, u.Username)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("已重新计算 %d 个部门年度截至%d月末的预警：新增 %d 条，数据更新 %d 条，重新待处理 %d 条，解除 %d 条。",
		res.Years, month, res.Raised, res.Updated, res.Reopened, res.Cleared))
	http.Redirect(w, r, fmt.Sprintf("/monitoring?year=%d&month=%d", year, month), http.StatusSeeOther)
}

type warningData struct {
	W         *store.Warning
	Base      string // the department-year's workspace
	Moves     []workflow.WarningMove
	Comment   string // what was entered when a move was refused
	History   []store.Change
	Payments  []monitor.Payment
	PaidTotal money.Fen
	Count     int
	Page      int
	Pages     int
	Projected monitor.Projection
}

// warning shows one warning: its sentence and figures, its handling and
// history, the payments behind its figures (paged), and the moves the
// user may make.
func (s *server) warning(w http.ResponseWriter, r *http.Request) {
	s.showWarning(w, r, http.StatusOK, "", "")
}

func (s *server) showWarning(w http.ResponseWriter, r *http.Request, status int, errMsg, comment string) {
	u := currentUser(r)
	wr, err := s.visibleWarning(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &warningData{W: wr, Comment: comment, Page: 1, Moves: warningMoves(u, wr),
		Base: "/evaluations/" + url.PathEscape(wr.DepartmentCode) + "/" + strconv.Itoa(wr.Year)}
	if t := r.URL.Query().Get("page"); t != "" {
		p, err := strconv.Atoi(t)
		if err != nil || p < 1 || p > 100000 {
			s.fail(w, r, invalid("页码 %q 无效", t))
			return
		}
		d.Page = p
	}
	if d.Payments, d.Count, d.PaidTotal, err = s.st.WarningPayments(r.Context(), wr, (d.Page-1)*paymentsPerPage, paymentsPerPage); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pages = max(1, (d.Count+paymentsPerPage-1)/paymentsPerPage)
	hs, err := s.st.History(r.Context(), wr.DepartmentCode, wr.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	path := fmt.Sprintf("warnings[%d].state", wr.ID)
	for _, h := range hs {
		if h.Path == path {
			d.History = append(d.History, h)
		}
	}
	title := fmt.Sprintf("预警：%s %s（%d年%d月末）", wr.Department, wr.Scope(), wr.Year, wr.Month)
	s.render(w, r, status, "warning", title, errMsg, d)
}

// visibleWarning reads the warning of the request's path, or ENOTFOUND
// when the user may not see it.
func (s *server) visibleWarning(r *http.Request) (*store.Warning, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "未找到该预警"}
	}
	wr, err := s.st.GetWarning(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if canSeeWarning(currentUser(r), wr) != nil {
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "未找到该预警"}
	}
	return wr, nil
}

// moveWarning handles a warning (reviewer: 通过, 退回, 无需处理) or answers
// a returned one (the department's editor: 反馈整改措施), with a required
// comment, at the version the page showed.
func (s *server) moveWarning(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	wr, err := s.visibleWarning(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, comment := r.PostFormValue("to"), strings.TrimSpace(r.PostFormValue("comment"))
	if !slices.ContainsFunc(warningMoves(u, wr), func(m workflow.WarningMove) bool { return m.To == to }) {
		role := "访客"
		if u != nil {
			role = workflow.RoleNames[u.Role]
		}
		s.fail(w, r, forbidden("%s不能将“%s”的预警改为“%s”", role, wr.StateName(), workflow.WarningStateName(to)))
		return
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.fail(w, r, invalid("表单缺少版本号，请刷新页面后再操作"))
		return
	}
	if _, err := s.st.MoveWarning(r.Context(), wr.ID, to, comment, version, *u); err != nil {
		if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ECONFLICT {
			s.showWarning(w, r, httpStatus(code), errorMessage(err), comment)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("预警 %d 已改为“%s”。", wr.ID, workflow.WarningStateName(to)))
	http.Redirect(w, r, fmt.Sprintf("/monitoring/warnings/%d", wr.ID), http.StatusSeeOther)
}

// homeWarnings adds to the home page the warnings waiting for the user:
// a department editor's returned ones, a reviewer's count of open and
// answered ones (each at most a page).
func (s *server) homeWarnings(r *http.Request, u *store.User, d *homeData) error {
	var err error
	switch {
	case u.Role == workflow.Editor:
		d.Returned, _, err = s.st.Warnings(r.Context(), store.WarningFilter{DepartmentCode: u.DepartmentCode, State: workflow.WarningReturned, Limit: warningsPerPage})
	case u.Role == workflow.Reviewer:
		for _, st := range []string{workflow.WarningOpen, workflow.WarningResponded} {
			var n int
			if _, n, err = s.st.Warnings(r.Context(), store.WarningFilter{State: st, Limit: 1}); err != nil {
				return err
			}
			d.Pending += n
		}
	}
	return err
}

func init() {
	funcs["canSeeMonitoring"] = func(u *store.User) bool { return canSeeMonitoring(u) == nil }
	funcs["warningStateName"] = workflow.WarningStateName
	funcs["levelClass"] = func(code string) string {
		switch code {
		case "red", "orange", "yellow", "green":
			return "warn-" + code
		}
		return "warn-other"
	}
	funcs["add"] = func(a, b int) int { return a + b }
	funcs["monthList"] = func() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} }
}
