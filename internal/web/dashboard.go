package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"

	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The finance dashboard (财政绩效看板): one year of every department-year,
// for the finance bureau. Its figures come from one store query
// (store.Overview), which reads totals, grades, statuses and the result
// after review (复核后得分, written by the store when it changes) from the
// listing columns and spending, region and parent from the summary
// columns: no evaluation is decoded or scored per view.
//
// Only department-years the department has submitted are ranked and
// counted (counted: status submitted or later, not returned): a draft, or
// a submission returned for changes, is still being written. The status
// filter narrows them to one status. The workflow status chart is the
// progress of the whole year and counts every department-year, drafts
// and returned ones included.
//
// Every chart is drawn by static/dashboard.js from the JSON block
// #dashboard-data, which is this file's dashboardCharts; the page's
// tables are rendered from the same values, so the page is complete
// without JavaScript.

// rankLimit is how many department-years the ranking shows at each end;
// when there are at most twice as many, it shows them all.
const rankLimit = 10

// spendingLimit is how many departments the spending chart names; the
// rest are added up as one bar.
const spendingLimit = 15

// gradeKeys name the grade colours (app.css: --grade-KEY) for the
// Ministry of Finance grades; other grade names use "other".
var gradeKeys = map[string]string{"优": "excellent", "良": "good", "中": "fair", "差": "poor"}

func gradeKey(g string) string {
	if k, ok := gradeKeys[g]; ok {
		return k
	}
	return "other"
}

// dashboardData is what templates/dashboard.html receives.
type dashboardData struct {
	Years   []int
	Year    int
	Regions []string // the year's regions, for the filter; empty when the data names none
	Parents []string // the year's parent departments, likewise
	Region  string   // the chosen region, "" for all
	Parent  string   // the chosen parent, "" for all
	// Statuses are the status filter's choices (counted statuses);
	// Status is the chosen one, "" for all of them.
	Statuses []statusOption
	Status   string
	Count    int // department-years counted and shown
	// Uncounted is how many of the year's department-years (in the
	// chosen region and parent) are not counted: drafts and returned.
	Uncounted int
	// Ranking is the ranking's tables: the top and, when there are
	// many, the bottom.
	Ranking []rankTable
	// Spending is the spending chart's table; AllSpending lists every
	// department, when the chart adds some up (nil otherwise).
	Spending    spendingTable
	AllSpending *spendingTable
	// Labels are the charts' text alternatives (aria-label), by chart.
	Labels map[string]string
	// Sizes are the charts' height classes, by chart.
	Sizes  map[string]string
	Charts dashboardCharts
}

type statusOption struct{ Value, Name string }

// countedStatuses are the statuses the dashboard ranks and counts, in
// workflow order: submitted or later, except a submission returned to the
// department, which is being changed again.
var countedStatuses = slices.DeleteFunc(slices.Clone(workflow.Statuses), workflow.Editable)

// counted reports whether the dashboard ranks and counts a status.
func counted(status string) bool { return slices.Contains(countedStatuses, status) }

type rankTable struct {
	ID, Caption string
	Rows        []rankRow
}

type spendingTable struct {
	ID, Caption string
	Rows        []spendingRow
	Total       spendingRow
}

// dashboardCharts is the JSON the charts are drawn from, and what the
// tables show.
type dashboardCharts struct {
	Year     int          `json:"year"`
	Count    int          `json:"count"`
	Grades   []gradeCount `json:"grades"`
	Top      []rankRow    `json:"top"`
	Bottom   []rankRow    `json:"bottom"`
	Reviewed []reviewRow  `json:"reviewed"`
	Spending spending     `json:"spending"`
	Statuses []statusBar  `json:"statuses"`
}

type gradeCount struct {
	Grade string `json:"grade"`
	Key   string `json:"key"`
	Count int    `json:"count"`
	Share string `json:"share"` // percent of the department-years, one decimal
}

type rankRow struct {
	Rank  int        `json:"rank"` // 1 is the highest; equal scores share a rank
	Code  string     `json:"code"`
	Name  string     `json:"name"`
	Score num.Points `json:"score"`
	Grade string     `json:"grade"`
	Key   string     `json:"key"`
	Href  string     `json:"href"`
}

type reviewRow struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Status string     `json:"status"`
	Self   num.Points `json:"self"`
	Review num.Points `json:"review"`
	Diff   num.Points `json:"diff"` // review − self
	Grade  string     `json:"grade"`
	Key    string     `json:"key"`
	// ReviewGrade is the grade of the review total, by the department's
	// pinned framework's bands.
	ReviewGrade string `json:"reviewGrade"`
	ReviewKey   string `json:"reviewKey"`
	Indicators  int    `json:"indicators"` // how many review scores count
	Href        string `json:"href"`
}

// spendingRow is one department's final-account spending in 万元 (the
// numbers are exact decimals, as money.Fen.Wan prints them).
type spendingRow struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Basic   json.Number `json:"basic"`
	Project json.Number `json:"project"`
	Total   json.Number `json:"total"`
	Share   string      `json:"share"` // percent of all spending, two decimals; "" when all is zero
	Href    string      `json:"href"`

	basic, project money.Fen
}

// statusBar is the number of department-years in one workflow status,
// with the department list's address for them.
type statusBar struct {
	Status string `json:"status"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
	Href   string `json:"href"`
}

type spending struct {
	// Rows are the departments with the most spending, most first, and
	// then, if there are more, one row adding up the rest.
	Rows  []spendingRow `json:"rows"`
	Total spendingRow   `json:"total"`
}

// dashboard shows the finance dashboard for one year (the query's year,
// or the latest), optionally for one region or parent department.
func (s *server) dashboard(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canSeeDashboard(u); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	// The dashboard compares self-evaluations: a year still in its
	// declaration or execution stage has no score, and its statuses are
	// those of its declaration, so it is left out altogether.
	want := store.Filter{Stage: workflow.Evaluation}
	if t := strings.TrimSpace(q.Get("year")); t != "" {
		y, ok := parseYear(t)
		if !ok {
			s.renderError(w, r, http.StatusBadRequest, fmt.Sprintf("年度“%s”无效：请填写四位数的年度，如 2024。", t))
			return
		}
		want.Year = y
	}
	ov, err := s.st.Overview(r.Context(), store.Visible(u).And(want))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if want.Year != 0 && !slices.Contains(ov.Years, want.Year) {
		s.renderError(w, r, http.StatusNotFound, fmt.Sprintf("没有 %d 年度的部门数据。", want.Year))
		return
	}
	d := dashboardData{Years: ov.Years, Year: ov.Year}
	rows := ov.Rows
	for _, row := range rows {
		if row.Region != "" && !slices.Contains(d.Regions, row.Region) {
			d.Regions = append(d.Regions, row.Region)
		}
		if row.Parent != "" && !slices.Contains(d.Parents, row.Parent) {
			d.Parents = append(d.Parents, row.Parent)
		}
	}
	slices.Sort(d.Regions)
	slices.Sort(d.Parents)
	for _, f := range []struct {
		param, name string
		options     []string
		chosen      *string
		of          func(store.OverviewRow) string
	}{
		{"region", "地区", d.Regions, &d.Region, func(o store.OverviewRow) string { return o.Region }},
		{"parent", "上级部门", d.Parents, &d.Parent, func(o store.OverviewRow) string { return o.Parent }},
	} {
		v := strings.TrimSpace(q.Get(f.param))
		if v == "" {
			continue
		}
		if !slices.Contains(f.options, v) {
			s.renderError(w, r, http.StatusNotFound, fmt.Sprintf("%d 年度没有%s为“%s”的部门。", d.Year, f.name, v))
			return
		}
		*f.chosen = v
		rows = slices.DeleteFunc(slices.Clone(rows), func(o store.OverviewRow) bool { return f.of(o) != v })
	}
	for _, st := range countedStatuses {
		d.Statuses = append(d.Statuses, statusOption{st, workflow.StatusNames[st]})
	}
	if v := strings.TrimSpace(q.Get("status")); v != "" {
		if !counted(v) {
			s.renderError(w, r, http.StatusBadRequest, fmt.Sprintf("流转状态“%s”无效：看板只统计已提交的部门年度，请选择%s。", v, statusChoices()))
			return
		}
		d.Status = v
	}
	// progress is every department-year of the year, for the status
	// chart; shown are the counted ones, in the chosen status.
	progress := rows
	rows = slices.DeleteFunc(slices.Clone(rows), func(o store.OverviewRow) bool {
		return !counted(o.Status) || d.Status != "" && o.Status != d.Status
	})
	d.Count = len(rows)
	for _, o := range progress {
		if !counted(o.Status) {
			d.Uncounted++
		}
	}
	d.Charts = dashboardCharts{Year: d.Year, Count: d.Count, Grades: gradeCounts(rows), Reviewed: reviewRows(rows)}
	d.Charts.Top, d.Charts.Bottom = ranking(rows)
	var all []spendingRow
	d.Charts.Spending, all, err = spendingShares(rows)
	if err != nil {
		s.renderError(w, r, http.StatusUnprocessableEntity, "所选部门的支出决算合计超出可计算范围，请按地区或上级部门筛选后查看。")
		return
	}
	d.Spending = spendingTable{ID: "table-spending", Caption: "各部门支出决算（万元），按支出合计从高到低", Rows: d.Charts.Spending.Rows, Total: d.Charts.Spending.Total}
	if len(all) > len(d.Charts.Spending.Rows) {
		d.AllSpending = &spendingTable{ID: "table-spending-all", Caption: "全部部门支出决算（万元），按支出合计从高到低", Rows: all, Total: d.Charts.Spending.Total}
	}
	if c := d.Charts; len(c.Bottom) > 0 {
		d.Ranking = []rankTable{
			{ID: "table-ranking-top", Caption: fmt.Sprintf("自评得分前 %d 名", len(c.Top)), Rows: c.Top},
			{ID: "table-ranking-bottom", Caption: fmt.Sprintf("自评得分后 %d 名", len(c.Bottom)), Rows: c.Bottom},
		}
	} else if len(c.Top) > 0 {
		d.Ranking = []rankTable{{ID: "table-ranking", Caption: fmt.Sprintf("自评得分排名（全部 %d 个部门年度）", len(c.Top)), Rows: c.Top}}
	}
	d.Charts.Statuses = statusBars(progress, d.Year)
	d.Labels, d.Sizes = chartLabels(d), map[string]string{
		"ranking":  chartSize(len(d.Charts.Top) + len(d.Charts.Bottom)),
		"reviewed": chartSize(len(d.Charts.Reviewed)),
		"spending": chartSize(len(d.Charts.Spending.Rows)),
	}
	title := "财政绩效看板"
	if d.Year != 0 {
		title = fmt.Sprintf("财政绩效看板 · %d 年度", d.Year)
	}
	s.render(w, r, http.StatusOK, "dashboard", title, "", d)
}

// gradeCounts counts the department-years by grade: the Ministry of
// Finance grades first, always, then any other grade names in the data.
func gradeCounts(rows []store.OverviewRow) []gradeCount {
	counts := map[string]int{}
	var names []string
	for _, b := range framework.DefaultGrades {
		names = append(names, b.Name)
	}
	var others []string
	for _, row := range rows {
		if counts[row.Grade] == 0 && !slices.Contains(names, row.Grade) && !slices.Contains(others, row.Grade) {
			others = append(others, row.Grade)
		}
		counts[row.Grade]++
	}
	slices.Sort(others)
	var out []gradeCount
	for _, g := range append(names, others...) {
		label := g
		if label == "" {
			label = "未评级"
		}
		out = append(out, gradeCount{Grade: label, Key: gradeKey(g), Count: counts[g], Share: percent(counts[g], len(rows))})
	}
	return out
}

// percent is n of total in percent with one decimal, "" when total is 0.
func percent(n, total int) string {
	if total == 0 {
		return ""
	}
	return money.Decimal(big.NewRat(int64(n)*100, int64(total)), 1) + "%"
}

// ranking orders the department-years by self-score, highest first (by
// department code among equals), and returns the top and the bottom
// rankLimit; when all fit in twice that, top holds them all and bottom
// is empty. Equal scores share a rank (1, 2, 2, 4).
func ranking(rows []store.OverviewRow) (top, bottom []rankRow) {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b store.OverviewRow) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.DepartmentCode, b.DepartmentCode))
	})
	all := make([]rankRow, len(sorted))
	for i, row := range sorted {
		rank := i + 1
		if i > 0 && row.Total == sorted[i-1].Total {
			rank = all[i-1].Rank
		}
		all[i] = rankRow{Rank: rank, Code: row.DepartmentCode, Name: row.Department, Score: row.Total,
			Grade: row.Grade, Key: gradeKey(row.Grade), Href: evaluationPath(row.Listing)}
	}
	if len(all) <= 2*rankLimit {
		return all, []rankRow{}
	}
	return all[:rankLimit], all[len(all)-rankLimit:]
}

// reviewRows lists the department-years whose department review scores
// (复核得分) changed the total, with their self-score and their total and
// grade after review as the store keeps them, the largest cut first.
func reviewRows(rows []store.OverviewRow) []reviewRow {
	out := []reviewRow{}
	for _, row := range rows {
		rv := row.Review
		if rv.Counted == 0 {
			continue
		}
		out = append(out, reviewRow{Code: row.DepartmentCode, Name: row.Department, Status: workflow.StatusNames[row.Status],
			Self: row.Total, Review: rv.Total, Diff: rv.Total - row.Total, Grade: row.Grade, Key: gradeKey(row.Grade),
			ReviewGrade: rv.Grade, ReviewKey: gradeKey(rv.Grade), Indicators: rv.Counted, Href: evaluationPath(row.Listing)})
	}
	slices.SortStableFunc(out, func(a, b reviewRow) int { return cmp.Compare(a.Diff, b.Diff) })
	return out
}

// statusChoices lists the status filter's choices in words: 已提交、…、已公开.
func statusChoices() string {
	var names []string
	for _, st := range countedStatuses {
		names = append(names, "“"+workflow.StatusNames[st]+"”")
	}
	return strings.Join(names, "、")
}

// reviewedTotal is a department-year's total after the finance bureau's
// review (复核后得分) and how many review scores counted, by the rule of
// assess.AfterReview, from the department scope's review scores as the
// store returns them: the workspace shows it live, the store keeps it
// with the year for the lists.
func reviewedTotal(res *scoring.Result, reviews []store.ReviewScore) (total num.Points, counted int) {
	r := assess.AfterReview(res, nil, nil, store.ScoresOf(reviews))
	return r.Total, r.Counted
}

// spendingShares returns the spending chart's rows (the departments that
// spent most, then the rest added up) with the total, and every
// department's row, most spending first (by code among equals). Spending
// is never negative (evaluation.Validate), so once the grand total is
// added up with overflow checked, every partial sum below fits too; a
// total that does not fit is money.ErrOverflow.
func spendingShares(rows []store.OverviewRow) (spending, []spendingRow, error) {
	var basic, project money.Fen
	for _, row := range rows {
		var err error
		if basic, err = money.Add(basic, row.Basic); err == nil {
			project, err = money.Add(project, row.Project)
		}
		if err != nil {
			return spending{}, nil, err
		}
	}
	total, err := money.Add(basic, project)
	if err != nil {
		return spending{}, nil, err
	}
	row := func(code, name, href string, b, p money.Fen) spendingRow {
		return spendingRow{Code: code, Name: name, Href: href, Basic: json.Number(b.Wan()), Project: json.Number(p.Wan()),
			Total: json.Number((b + p).Wan()), Share: share(b+p, total), basic: b, project: p}
	}
	all := make([]spendingRow, 0, len(rows))
	for _, r := range rows {
		all = append(all, row(r.DepartmentCode, r.Department, evaluationPath(r.Listing), r.Basic, r.Project))
	}
	slices.SortStableFunc(all, func(a, b spendingRow) int {
		return cmp.Or(cmp.Compare(b.basic+b.project, a.basic+a.project), cmp.Compare(a.Code, b.Code))
	})
	out := spending{Rows: all, Total: row("", "合计", "", basic, project)}
	if len(all) > spendingLimit+1 {
		var rb, rp money.Fen
		for _, r := range all[spendingLimit:] {
			rb = money.MustSum(rb, r.basic) // within the checked total
			rp = money.MustSum(rp, r.project)
		}
		out.Rows = append(slices.Clone(all[:spendingLimit]), row("", fmt.Sprintf("其他 %d 个部门", len(all)-spendingLimit), "", rb, rp))
	}
	return out, all, nil
}

// share is part of whole in percent with two decimals, "" when whole is 0.
func share(part, whole money.Fen) string {
	s, err := money.Share(part, whole)
	if err != nil {
		return ""
	}
	return s + "%"
}

// statusBars counts the department-years in each workflow status, in
// workflow order, with the department list's address for each.
func statusBars(rows []store.OverviewRow, year int) []statusBar {
	counts := map[string]int{}
	for _, row := range rows {
		counts[row.Status]++
	}
	var out []statusBar
	for _, st := range workflow.Statuses {
		v := url.Values{"status": {st}}
		if year != 0 {
			v.Set("year", strconv.Itoa(year))
		}
		out = append(out, statusBar{Status: st, Name: workflow.StatusNames[st], Count: counts[st], Href: "/departments?" + v.Encode()})
	}
	return out
}

// chartSize is the height class of a bar chart with n bars.
func chartSize(n int) string {
	switch {
	case n <= 8:
		return "chart-s"
	case n <= 20:
		return "chart-m"
	case n <= 40:
		return "chart-l"
	}
	return "chart-xl"
}

// chartLabels are the charts' text alternatives: what each shows, in one
// sentence; the tables below the charts give every figure.
func chartLabels(d dashboardData) map[string]string {
	c := d.Charts
	where := fmt.Sprintf("%d 年度", d.Year)
	if d.Region != "" {
		where += d.Region
	}
	if d.Parent != "" {
		where += d.Parent + "所属"
	}
	// The status chart is not narrowed by the status filter.
	progressWhere := where
	if d.Status != "" {
		where += "“" + workflow.StatusNames[d.Status] + "”状态"
	}
	var parts []string
	for _, g := range c.Grades {
		parts = append(parts, fmt.Sprintf("%s %d 个", g.Grade, g.Count))
	}
	labels := map[string]string{
		"grades": fmt.Sprintf("柱状图：%s %d 个部门年度的自评等级分布，%s。", where, c.Count, strings.Join(parts, "，")),
	}
	if n := len(c.Top) + len(c.Bottom); n > 0 {
		first := c.Top[0]
		last := c.Top[len(c.Top)-1]
		if len(c.Bottom) > 0 {
			last = c.Bottom[len(c.Bottom)-1]
		}
		kind := "全部部门"
		if len(c.Bottom) > 0 {
			kind = fmt.Sprintf("前 %d 名和后 %d 名", len(c.Top), len(c.Bottom))
		}
		labels["ranking"] = fmt.Sprintf("条形图：%s自评得分排名（%s），最高 %s %s 分（%s），最低 %s %s 分（%s）。",
			where, kind, first.Name, first.Score, first.Grade, last.Name, last.Score, last.Grade)
	}
	if n := len(c.Reviewed); n > 0 {
		var lower, higher int
		most := c.Reviewed[0]
		for _, rr := range c.Reviewed {
			switch {
			case rr.Diff < 0:
				lower++
			case rr.Diff > 0:
				higher++
			}
			if abs(rr.Diff) > abs(most.Diff) {
				most = rr
			}
		}
		labels["reviewed"] = fmt.Sprintf("分组条形图：%s %d 个有复核得分的部门年度的自评得分与复核后得分，复核后降低 %d 个、提高 %d 个、不变 %d 个；变化最大的是 %s，自评 %s 分，复核后 %s 分。",
			where, n, lower, higher, n-lower-higher, most.Name, most.Self, most.Review)
	}
	sp := c.Spending
	if len(sp.Rows) > 0 {
		top := sp.Rows[0]
		labels["spending"] = fmt.Sprintf("堆叠条形图：%s各部门支出决算，合计 %s 万元，其中基本支出 %s 万元、项目支出 %s 万元；支出最多的是 %s，%s 万元%s。",
			where, sp.Total.Total, sp.Total.Basic, sp.Total.Project, top.Name, top.Total, withShare(top.Share))
	}
	parts = parts[:0]
	for _, st := range c.Statuses {
		parts = append(parts, fmt.Sprintf("%s %d 个", st.Name, st.Count))
	}
	labels["statuses"] = fmt.Sprintf("柱状图：%s各流转状态的部门年度数（含草稿和已退回），%s。", progressWhere, strings.Join(parts, "，"))
	return labels
}

func abs(p num.Points) num.Points { return max(p, -p) }

func withShare(s string) string {
	if s == "" {
		return ""
	}
	return "，占 " + s
}

func init() {
	funcs["canSeeDashboard"] = func(u *store.User) bool { return canSeeDashboard(u) == nil }
}
