package web

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"github.com/jixiao/jixiao/internal/assess"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	nethtml "golang.org/x/net/html"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/gen"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// dashboardEnv is the seeded database with 30 synthetic departments
// added in 2024 (B's year) and walked to a spread of statuses
// (syntheticStops: drafts and returned ones among them), department A
// submitted, department B moved to under review and two review scores
// recorded on it: one on a checklist indicator, one on a targets
// indicator (whose children are its targets).
type dashboardEnv struct {
	*env
	reviewed []store.ReviewScore
}

// syntheticStops is the status the i-th synthetic department is walked
// to, i modulo its length.
var syntheticStops = []string{workflow.Draft, workflow.Submitted, workflow.Approved, workflow.Accepted, workflow.Published,
	workflow.Returned, workflow.Submitted, workflow.UnderReview, workflow.Submitted, workflow.Approved}

// walkTo moves a department-year along the workflow to the status, as an
// editor and approver of its department and the reviewer.
func walkTo(t *testing.T, e *env, code string, year int, to string, editor, approver store.User) {
	t.Helper()
	type move struct {
		to string
		by store.User
	}
	path := []move{{workflow.Submitted, editor}, {workflow.Approved, approver}, {workflow.UnderReview, e.users[reviewer]}}
	switch to {
	case workflow.Returned, workflow.Accepted:
		path = append(path, move{to, e.users[reviewer]})
	case workflow.Published:
		path = append(path, move{workflow.Accepted, e.users[reviewer]}, move{workflow.Published, e.users[reviewer]})
	}
	for _, step := range path {
		if e.record(code, year).Status == to {
			return
		}
		if _, err := e.st.Transition(context.Background(), code, year, step.to, step.by, "退回补充材料", e.version(code, year)); err != nil {
			t.Fatalf("%s %d → %s: %v", code, year, step.to, err)
		}
	}
	if got := e.record(code, year).Status; got != to {
		t.Fatalf("%s %d: at %s, want %s", code, year, got, to)
	}
}

const syntheticDepartments = 30

func newDashboardEnv(t *testing.T) *dashboardEnv {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	var entries []store.Entry
	for _, ev := range gen.Province(gen.Options{Departments: syntheticDepartments, Years: 1, FirstYear: yearB, Projects: 1, Seed: 11}) {
		res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
		if err := ds.Err(); err != nil {
			t.Fatal(err)
		}
		fw, _ := lib.Framework(ev.Framework)
		en := store.Entry{Source: "gen", Evaluation: ev, Result: res, Framework: fw}
		if len(ev.Projects) > 0 {
			en.ProjectFramework, _ = lib.Framework(ev.ProjectFrameworkID())
		}
		entries = append(entries, en)
	}
	if _, err := e.st.Import(ctx, entries, "test", "看板测试数据"); err != nil {
		t.Fatal(err)
	}
	for i, en := range entries {
		code := en.Evaluation.Department.Code
		var people [2]store.User
		for j, role := range []string{workflow.Editor, workflow.Approver} {
			u, err := e.st.CreateUser(ctx, store.User{Username: fmt.Sprintf("%s-%d", role, i), Role: role, DepartmentCode: code}, password)
			if err != nil {
				t.Fatal(err)
			}
			people[j] = u
		}
		walkTo(t, e, code, yearB, syntheticStops[i%len(syntheticStops)], people[0], people[1])
	}
	walkTo(t, e, codeA, yearA, workflow.Submitted, e.users[editorA], e.users[approverA])
	for _, step := range []struct{ to, user string }{
		{workflow.Submitted, editorB}, {workflow.Approved, approverB}, {workflow.UnderReview, reviewer},
	} {
		if _, err := e.st.Transition(ctx, codeB, yearB, step.to, e.users[step.user], "", e.version(codeB, yearB)); err != nil {
			t.Fatal(err)
		}
	}
	de := &dashboardEnv{env: e}
	res := scoreStored(t, e, codeB, yearB)
	var checklist, targets *scoring.Node
	var walk func([]*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			switch {
			case n.NotApplicable != "":
			case checklist == nil && n.Rule == "checklist":
				checklist = n
			case targets == nil && n.Rule == "targets" && len(n.Children) > 0:
				targets = n
			}
			walk(n.Children)
		}
	}
	walk(res.Indicators)
	if checklist == nil || targets == nil || len(res.Projects) == 0 {
		t.Fatalf("department B has no checklist indicator, targets indicator or project")
	}
	for _, r := range []store.ReviewScore{
		{Scope: store.ScopeDepartment, IndicatorCode: checklist.Code, Score: checklist.Score - 150, Reason: "佐证材料不足"},
		{Scope: store.ScopeDepartment, IndicatorCode: targets.Children[0].Code, Score: targets.Children[0].Points / 2, Reason: "部分指标完成值无佐证"},
		{Scope: assess.ProjectScope(0, res.Projects[0].Code), IndicatorCode: res.Projects[0].Indicators[0].Code, Score: 100, Reason: "项目复核（不计入部门总分）"},
	} {
		if err := e.st.SetReviewScore(ctx, codeB, yearB, r.Scope, r.IndicatorCode, r.Score, r.Reason, e.users[reviewer]); err != nil {
			t.Fatalf("review score %s %s: %v", r.Scope, r.IndicatorCode, err)
		}
		de.reviewed = append(de.reviewed, r)
	}
	return de
}

// scoreStored scores a stored department-year with the built-in
// frameworks, independently of the server's cache.
func scoreStored(t *testing.T, e *env, code string, year int) *scoring.Result {
	t.Helper()
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	res, ds := scoring.ScoreWith(e.record(code, year).Evaluation, lib, calendar.ScoringOptions())
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	return res
}

// chartJSON mirrors the JSON block, decoded independently of the
// server's types.
type chartJSON struct {
	Year   int `json:"year"`
	Count  int `json:"count"`
	Grades []struct {
		Grade string `json:"grade"`
		Key   string `json:"key"`
		Count int    `json:"count"`
		Share string `json:"share"`
	} `json:"grades"`
	Top      []rankJSON `json:"top"`
	Bottom   []rankJSON `json:"bottom"`
	Reviewed []struct {
		Code        string      `json:"code"`
		Name        string      `json:"name"`
		Self        json.Number `json:"self"`
		Review      json.Number `json:"review"`
		Diff        json.Number `json:"diff"`
		ReviewGrade string      `json:"reviewGrade"`
		Indicators  int         `json:"indicators"`
	} `json:"reviewed"`
	Spending struct {
		Rows  []spendJSON `json:"rows"`
		Total spendJSON   `json:"total"`
	} `json:"spending"`
	Statuses []struct {
		Status string `json:"status"`
		Name   string `json:"name"`
		Count  int    `json:"count"`
		Href   string `json:"href"`
	} `json:"statuses"`
}

type rankJSON struct {
	Rank  int         `json:"rank"`
	Code  string      `json:"code"`
	Name  string      `json:"name"`
	Score json.Number `json:"score"`
	Grade string      `json:"grade"`
}

type spendJSON struct {
	Name    string      `json:"name"`
	Basic   json.Number `json:"basic"`
	Project json.Number `json:"project"`
	Total   json.Number `json:"total"`
	Share   string      `json:"share"`
}

// page is a fetched dashboard: its document, its JSON block decoded, and
// the JSON block's raw text.
type page struct {
	doc    *nethtml.Node
	charts chartJSON
	raw    string
}

func getDashboard(t *testing.T, e *env, path string) page {
	t.Helper()
	w := e.get(reviewer, path)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, w.Code, firstLines(w.Body.String(), 40))
	}
	doc, err := nethtml.Parse(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	p := page{doc: doc}
	script := byID(doc, "dashboard-data")
	if script == nil || script.Data != "script" || attr(script, "type") != "application/json" {
		t.Fatalf("GET %s: no <script type=\"application/json\" id=\"dashboard-data\">", path)
	}
	p.raw = text(script)
	var loose map[string]any
	if err := json.Unmarshal([]byte(p.raw), &loose); err != nil {
		t.Fatalf("GET %s: the JSON block is not valid JSON: %v\n%s", path, err, p.raw)
	}
	if err := json.Unmarshal([]byte(p.raw), &p.charts); err != nil {
		t.Fatalf("GET %s: JSON block: %v", path, err)
	}
	return p
}

func byID(n *nethtml.Node, id string) *nethtml.Node {
	if n.Type == nethtml.ElementNode && attr(n, "id") == id {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := byID(c, id); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *nethtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func text(n *nethtml.Node) string {
	var b strings.Builder
	var walk func(*nethtml.Node)
	walk = func(n *nethtml.Node) {
		if n.Type == nethtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func elements(n *nethtml.Node, tag string) []*nethtml.Node {
	var out []*nethtml.Node
	var walk func(*nethtml.Node)
	walk = func(n *nethtml.Node) {
		if n.Type == nethtml.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// rows returns the text of each cell of the table's body rows (section
// "tbody" or "tfoot"); the table must exist and have a caption and
// column headers with scope.
func (p page) rows(t *testing.T, id, section string) [][]string {
	t.Helper()
	tbl := byID(p.doc, id)
	if tbl == nil {
		t.Fatalf("no table #%s", id)
	}
	if len(elements(tbl, "caption")) != 1 {
		t.Errorf("table #%s has no caption", id)
	}
	for _, th := range elements(tbl, "th") {
		if attr(th, "scope") == "" {
			t.Errorf("table #%s: <th>%s</th> without scope", id, text(th))
		}
	}
	var out [][]string
	for _, sec := range elements(tbl, section) {
		for _, tr := range elements(sec, "tr") {
			var cells []string
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == nethtml.ElementNode && (c.Data == "td" || c.Data == "th") {
					cells = append(cells, text(c))
				}
			}
			out = append(out, cells)
		}
	}
	return out
}

// listed returns the stored listings of a year, from the store directly.
func listed(t *testing.T, e *env, year int) []store.Listing {
	t.Helper()
	all, err := e.st.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(l store.Listing) bool { return l.Year != year })
}

// submittedOnly keeps the listings the department has submitted: not
// drafts, and not submissions returned to it for changes.
func submittedOnly(ls []store.Listing) []store.Listing {
	return slices.DeleteFunc(slices.Clone(ls), func(l store.Listing) bool {
		return l.Status == workflow.Draft || l.Status == workflow.Returned
	})
}

func TestDashboardGradesRankingStatuses(t *testing.T) {
	e := newDashboardEnv(t)
	p := getDashboard(t, e.env, "/dashboard")
	all := listed(t, e.env, yearB)
	ls := submittedOnly(all)
	if p.charts.Year != yearB || p.charts.Count != len(ls) || len(all) != syntheticDepartments+1 || len(ls) != len(all)-6 {
		t.Fatalf("default year %d with %d department-years, want the latest, %d, with the %d submitted of %d",
			p.charts.Year, p.charts.Count, yearB, len(ls), len(all))
	}

	// Grades: counted from store.List.
	want := map[string]int{}
	for _, l := range ls {
		want[l.Grade]++
	}
	got := map[string]int{}
	for _, g := range p.charts.Grades {
		got[g.Grade] = g.Count
	}
	for _, g := range []string{"优", "良", "中", "差"} {
		if got[g] != want[g] {
			t.Errorf("grade %s: %d, store has %d", g, got[g], want[g])
		}
	}
	if len(p.charts.Grades) != 4 || p.charts.Grades[0].Grade != "优" || p.charts.Grades[3].Grade != "差" {
		t.Errorf("grades not in the Ministry's order: %+v", p.charts.Grades)
	}
	if len(want) < 2 {
		t.Errorf("the synthetic data has only the grades %v: the test checks little", want)
	}
	gradeRows := p.rows(t, "table-grades", "tbody")
	if len(gradeRows) != len(p.charts.Grades) {
		t.Fatalf("grade table has %d rows, JSON %d", len(gradeRows), len(p.charts.Grades))
	}
	for i, g := range p.charts.Grades {
		if r := gradeRows[i]; r[0] != g.Grade || r[1] != strconv.Itoa(g.Count) || r[2] != g.Share {
			t.Errorf("grade table row %v, JSON %+v", r, g)
		}
	}

	// Ranking: highest self-score first, by code among equals; 31 rows
	// give the top and the bottom 10.
	sorted := slices.Clone(ls)
	slices.SortStableFunc(sorted, func(a, b store.Listing) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.DepartmentCode, b.DepartmentCode))
	})
	if len(p.charts.Top) != 10 || len(p.charts.Bottom) != 10 {
		t.Fatalf("ranking: %d top, %d bottom; want 10 and 10", len(p.charts.Top), len(p.charts.Bottom))
	}
	check := func(which string, rs []rankJSON, from int, table string) {
		rows := p.rows(t, table, "tbody")
		if len(rows) != len(rs) {
			t.Fatalf("%s: table has %d rows, JSON %d", which, len(rows), len(rs))
		}
		for i, r := range rs {
			l := sorted[from+i]
			if r.Code != l.DepartmentCode || r.Score.String() != l.Total.String() || r.Grade != l.Grade || r.Name != l.Department {
				t.Errorf("%s %d: %+v, want %s %s %s", which, i, r, l.DepartmentCode, l.Total, l.Grade)
			}
			rank := 1 + slices.IndexFunc(sorted, func(o store.Listing) bool { return o.Total == l.Total })
			if r.Rank != rank {
				t.Errorf("%s %s: rank %d, want %d", which, r.Code, r.Rank, rank)
			}
			if tr := rows[i]; tr[0] != strconv.Itoa(r.Rank) || tr[1] != r.Name || tr[2] != r.Code || tr[3] != r.Score.String() || tr[4] != r.Grade {
				t.Errorf("%s table row %v, JSON %+v", which, tr, r)
			}
		}
	}
	check("top", p.charts.Top, 0, "table-ranking-top")
	check("bottom", p.charts.Bottom, len(sorted)-10, "table-ranking-bottom")

	// Statuses: every status in workflow order, counted from the store
	// (drafts and returned ones too: the chart is the year's progress),
	// linked to the filtered department list.
	statusRows := p.rows(t, "table-statuses", "tbody")
	if len(p.charts.Statuses) != len(workflow.Statuses) || len(statusRows) != len(workflow.Statuses) {
		t.Fatalf("statuses: JSON %d, table %d, want %d", len(p.charts.Statuses), len(statusRows), len(workflow.Statuses))
	}
	for i, st := range workflow.Statuses {
		n := 0
		for _, l := range all {
			if l.Status == st {
				n++
			}
		}
		s := p.charts.Statuses[i]
		href := fmt.Sprintf("/departments?status=%s&year=%d", st, yearB)
		if s.Status != st || s.Count != n || s.Href != href || s.Name != workflow.StatusNames[st] {
			t.Errorf("status %s: %+v, want count %d and %s", st, s, n, href)
		}
		if r := statusRows[i]; r[0] != s.Name || r[1] != strconv.Itoa(n) {
			t.Errorf("status table row %v, want %s %d", r, s.Name, n)
		}
		// The link leads to a list with exactly that many rows.
		if w := e.get(reviewer, href); w.Code != 200 || n > 0 && !strings.Contains(w.Body.String(), fmt.Sprintf("部门年度（%d 个）", n)) {
			t.Errorf("%s: %d, does not list %d department-years", href, w.Code, n)
		}
	}
	if p.charts.Statuses[0].Status != workflow.Draft || p.charts.Statuses[0].Count != 3 || p.charts.Statuses[4].Count != 3 {
		t.Errorf("drafts and returned: %+v, want 3 each", p.charts.Statuses)
	}

	// Every chart has a labelled container, hidden until the script
	// draws it, and a text alternative that names the figures.
	for _, id := range []string{"chart-grades", "chart-ranking", "chart-reviewed", "chart-spending", "chart-statuses"} {
		c := byID(p.doc, id)
		if c == nil {
			t.Errorf("no #%s", id)
			continue
		}
		if attr(c, "role") != "img" || attr(c, "aria-label") == "" || !hasAttr(c, "hidden") || hasAttr(c, "style") {
			t.Errorf("#%s: role %q, aria-label %q, hidden %v, style %q", id, attr(c, "role"), attr(c, "aria-label"), hasAttr(c, "hidden"), attr(c, "style"))
		}
	}
	if l := attr(byID(p.doc, "chart-grades"), "aria-label"); !strings.Contains(l, fmt.Sprintf("优 %d 个", want["优"])) {
		t.Errorf("grades label %q", l)
	}
	// No inline script or style: the CSP forbids them.
	for _, s := range elements(p.doc, "script") {
		if attr(s, "src") == "" && attr(s, "type") != "application/json" {
			t.Errorf("inline script: %s", text(s))
		}
	}
	if len(elements(p.doc, "style")) > 0 {
		t.Errorf("inline <style>")
	}
}

func TestDashboardReview(t *testing.T) {
	e := newDashboardEnv(t)
	p := getDashboard(t, e.env, "/dashboard")
	if len(p.charts.Reviewed) != 1 {
		t.Fatalf("reviewed: %+v, want department B only", p.charts.Reviewed)
	}
	// The total after review, computed here from an independent scoring
	// of B: each reviewed department indicator's self-score replaced.
	res := scoreStored(t, e.env, codeB, yearB)
	want := res.Total
	for _, r := range e.reviewed {
		if r.Scope != store.ScopeDepartment {
			continue
		}
		n := scoring.Find(res.Indicators, r.IndicatorCode)
		want += r.Score - n.Score
	}
	rec := e.record(codeB, yearB)
	got := p.charts.Reviewed[0]
	if got.Code != codeB || got.Self.String() != rec.Total.String() || got.Review.String() != want.String() ||
		got.Diff.String() != (want-rec.Total).String() || got.Indicators != 2 {
		t.Errorf("reviewed row %+v; want self %s, review %s", got, rec.Total, want)
	}
	if want == rec.Total {
		t.Errorf("the review scores change nothing: the test checks little")
	}
	// The shared function agrees, and the workspace's own review scores
	// give the same.
	scores, err := e.st.ReviewScores(context.Background(), codeB, yearB)
	if err != nil {
		t.Fatal(err)
	}
	if total, n := reviewedTotal(res, scores); total != want || n != 2 {
		t.Errorf("reviewedTotal: %s (%d), want %s (2)", total, n, want)
	}
	rows := p.rows(t, "table-reviewed", "tbody")
	if len(rows) != 1 || rows[0][0] != got.Name || rows[0][2] != got.Self.String() || rows[0][4] != got.Review.String() ||
		rows[0][5] != got.ReviewGrade || rows[0][6] != got.Diff.String() || rows[0][7] != "2" {
		t.Errorf("review table %v, JSON %+v", rows, got)
	}
	// A year without review scores says so.
	p23 := getDashboard(t, e.env, "/dashboard?year=2023")
	if len(p23.charts.Reviewed) != 0 || byID(p23.doc, "chart-reviewed") != nil {
		t.Errorf("2023 shows review scores: %+v", p23.charts.Reviewed)
	}
}

func TestDashboardSpending(t *testing.T) {
	e := newDashboardEnv(t)
	p := getDashboard(t, e.env, "/dashboard")
	type spent struct {
		code, name     string
		basic, project money.Fen
	}
	var all []spent
	var total, basic, project money.Fen
	for _, l := range submittedOnly(listed(t, e.env, yearB)) {
		x := e.record(l.DepartmentCode, l.Year).Evaluation.Finance.Expenditure
		all = append(all, spent{l.DepartmentCode, l.Department, x.Basic, x.Project})
		basic += x.Basic
		project += x.Project
	}
	total = basic + project
	slices.SortStableFunc(all, func(a, b spent) int {
		return cmp.Or(cmp.Compare(b.basic+b.project, a.basic+a.project), cmp.Compare(a.code, b.code))
	})
	sp := p.charts.Spending
	if sp.Total.Basic.String() != basic.Wan() || sp.Total.Project.String() != project.Wan() || sp.Total.Total.String() != total.Wan() {
		t.Errorf("spending total %+v, want %s + %s = %s", sp.Total, basic.Wan(), project.Wan(), total.Wan())
	}
	if len(sp.Rows) != spendingLimit+1 {
		t.Fatalf("spending chart has %d rows, want %d and the rest", len(sp.Rows), spendingLimit)
	}
	for i, s := range all[:spendingLimit] {
		r := sp.Rows[i]
		share, _ := money.Share(s.basic+s.project, total)
		if r.Name != s.name || r.Basic.String() != s.basic.Wan() || r.Project.String() != s.project.Wan() || r.Share != share+"%" {
			t.Errorf("spending row %d: %+v, want %s %s %s", i, r, s.name, s.basic.Wan(), s.project.Wan())
		}
	}
	var rest money.Fen
	for _, s := range all[spendingLimit:] {
		rest += s.basic + s.project
	}
	if other := sp.Rows[spendingLimit]; other.Total.String() != rest.Wan() || other.Name != fmt.Sprintf("其他 %d 个部门", len(all)-spendingLimit) {
		t.Errorf("the rest: %+v, want %s", other, rest.Wan())
	}
	rows := p.rows(t, "table-spending", "tbody")
	for i, r := range sp.Rows {
		if tr := rows[i]; tr[0] != r.Name || tr[1] != r.Basic.String() || tr[2] != r.Project.String() || tr[3] != r.Total.String() || tr[4] != r.Share {
			t.Errorf("spending table row %v, JSON %+v", tr, r)
		}
	}
	if foot := p.rows(t, "table-spending", "tfoot"); len(foot) != 1 || foot[0][3] != total.Wan() || foot[0][4] != "100.00%" {
		t.Errorf("spending table total %v", foot)
	}
	// Without JavaScript, every department is listed too.
	if full := p.rows(t, "table-spending-all", "tbody"); len(full) != len(all) || full[len(full)-1][0] != all[len(all)-1].name {
		t.Errorf("full spending table: %d rows, want %d", len(full), len(all))
	}
}

func TestDashboardFilters(t *testing.T) {
	e := newDashboardEnv(t)
	// A year with one department-year: A, 2023.
	p := getDashboard(t, e.env, "/dashboard?year=2023")
	a := e.record(codeA, yearA)
	if p.charts.Year != yearA || p.charts.Count != 1 || len(p.charts.Top) != 1 || p.charts.Top[0].Code != codeA || len(p.charts.Bottom) != 0 {
		t.Fatalf("2023: %+v", p.charts)
	}
	for _, g := range p.charts.Grades {
		if wantN := map[bool]int{true: 1}[g.Grade == a.Grade]; g.Count != wantN {
			t.Errorf("2023 grade %s: %d, want %d", g.Grade, g.Count, wantN)
		}
	}
	if sel := byID(p.doc, "year"); sel == nil || !strings.Contains(renderNode(sel), `<option value="2023" selected="">`) {
		t.Errorf("the year select does not show 2023 chosen")
	}
	// Region: B's data names its district; the synthetic ones another.
	b := e.record(codeB, yearB)
	region := b.Evaluation.Department.Region
	p = getDashboard(t, e.env, "/dashboard?year=2024&region="+url.QueryEscape(region))
	if p.charts.Count != 1 || p.charts.Top[0].Code != codeB {
		t.Errorf("region %s: %+v", region, p.charts)
	}
	p = getDashboard(t, e.env, "/dashboard?parent="+url.QueryEscape(b.Evaluation.Department.Parent))
	if p.charts.Count != 1 || p.charts.Top[0].Code != codeB {
		t.Errorf("parent %s: %+v", b.Evaluation.Department.Parent, p.charts)
	}
	for _, c := range []struct {
		path string
		code int
		says string
	}{
		{"/dashboard?year=abc", http.StatusBadRequest, "年度“abc”无效"},
		{"/dashboard?year=0", http.StatusBadRequest, "无效"},
		{"/dashboard?year=02024", http.StatusBadRequest, "无效"},
		{"/dashboard?year=99999", http.StatusBadRequest, "无效"},
		{"/dashboard?year=2099", http.StatusNotFound, "没有 2099 年度"},
		{"/dashboard?year=2023&region=" + url.QueryEscape(region), http.StatusNotFound, "没有地区为"},
		{"/dashboard?parent=nowhere", http.StatusNotFound, "没有上级部门为“nowhere”"},
	} {
		w := e.get(reviewer, c.path)
		if w.Code != c.code || !strings.Contains(w.Body.String(), c.says) {
			t.Errorf("GET %s: %d, want %d saying %q\n%s", c.path, w.Code, c.code, c.says, firstLines(w.Body.String(), 40))
		}
	}
}

func TestDashboardEmptyAndNav(t *testing.T) {
	e := newEnv(t)
	// The nav link and the home page's link: the finance bureau only.
	for _, u := range []string{editorA, approverA, reviewer, admin} {
		for _, path := range []string{"/", "/departments"} {
			body := e.get(u, path).Body.String()
			see := u == reviewer || u == admin
			if got := strings.Contains(body, `href="/dashboard"`); got != see {
				t.Errorf("%s on %s: dashboard link %v, want %v", u, path, got, see)
			}
		}
	}
	// Department users are refused with a message.
	if w := e.get(editorA, "/dashboard"); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "财政绩效看板仅供") {
		t.Errorf("editor: %d", w.Code)
	}
	// A database with no department-years shows an empty page, not an
	// error.
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir()+"/empty.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, store.User{Username: "rv", Role: workflow.Reviewer}, password)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	empty := &env{t: t, st: st, srv: newServer(st, Options{})}
	empty.h = empty.srv.handler()
	w := empty.do(req{method: "GET", path: "/dashboard", token: tok})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "暂无部门年度数据") || strings.Contains(w.Body.String(), "dashboard-data") {
		t.Errorf("empty store: %d\n%s", w.Code, firstLines(w.Body.String(), 40))
	}
}

// TestDashboardJSONEscaped checks that department names cannot break out
// of the JSON block: the block stays one script element and decodes to
// the name as stored.
func TestDashboardJSONEscaped(t *testing.T) {
	e := newEnv(t)
	ev := e.record(codeA, yearA).Evaluation
	ev.Department.Name = `</script><script>alert("x")</script>&<!--`
	res := scoreStored(t, e, codeA, yearA)
	if _, err := e.st.Update(context.Background(), codeA, yearA, ev, res, e.version(codeA, yearA), editorA, "测试"); err != nil {
		t.Fatal(err)
	}
	walkTo(t, e, codeA, yearA, workflow.Submitted, e.users[editorA], e.users[approverA])
	w := e.get(reviewer, "/dashboard?year=2023")
	body := w.Body.String()
	if strings.Count(body, "<script") != 4 { // htmx (every page), ECharts, dashboard.js, the JSON block
		t.Fatalf("the page has %d script elements:\n%s", strings.Count(body, "<script"), body)
	}
	p := getDashboard(t, e, "/dashboard?year=2023")
	if p.charts.Top[0].Name != ev.Department.Name {
		t.Errorf("name in JSON %q, want %q", p.charts.Top[0].Name, ev.Department.Name)
	}
	if strings.Contains(p.raw, "<") || strings.Contains(p.raw, ">") || strings.Contains(p.raw, "&") {
		t.Errorf("JSON block holds unescaped markup: %s", p.raw)
	}
}

// TestReviewedTotal checks the review total on a hand-made tree: a review
// score replaces the self-score of its indicator and everything below it,
// indicators that do not apply and other scopes count nothing.
func TestReviewedTotal(t *testing.T) {
	leaf := func(code string, points, score num.Points) *scoring.Node {
		return &scoring.Node{Code: code, Points: points, Score: score}
	}
	c1 := &scoring.Node{Code: "C1", Points: 2000, Score: 1500, Rule: "targets", Children: []*scoring.Node{leaf("C1.1", 1000, 1000), leaf("C1.2", 1000, 500)}}
	tree := []*scoring.Node{
		{Code: "A", Points: 3000, Score: 2500, Children: []*scoring.Node{leaf("A1", 1000, 1000), leaf("A2", 2000, 1500)}},
		{Code: "B", Points: 5000, Score: 4000, Children: []*scoring.Node{leaf("B1", 2500, 2000), leaf("B2", 2500, 2000), {Code: "B3", NotApplicable: "无"}}},
		{Code: "C", Points: 2000, Score: 1500, Children: []*scoring.Node{c1}},
	}
	res := &scoring.Result{Total: 8000, Indicators: tree}
	rv := func(scope, code string, p num.Points) store.ReviewScore {
		return store.ReviewScore{Scope: scope, IndicatorCode: code, Score: p}
	}
	for _, c := range []struct {
		name    string
		reviews []store.ReviewScore
		total   num.Points
		counted int
	}{
		{"none", nil, 8000, 0},
		{"a leaf", []store.ReviewScore{rv(store.ScopeDepartment, "A2", 1000)}, 7500, 1},
		{"a leaf raised", []store.ReviewScore{rv(store.ScopeDepartment, "B1", 2500)}, 8500, 1},
		{"two leaves", []store.ReviewScore{rv(store.ScopeDepartment, "A2", 1000), rv(store.ScopeDepartment, "B2", 2500)}, 8000, 2},
		{"a targets indicator", []store.ReviewScore{rv(store.ScopeDepartment, "C1", 1000)}, 7500, 1},
		{"a target below a reviewed indicator", []store.ReviewScore{rv(store.ScopeDepartment, "C1", 1000), rv(store.ScopeDepartment, "C1.2", 0)}, 7500, 1},
		{"a target alone", []store.ReviewScore{rv(store.ScopeDepartment, "C1.2", 1000)}, 8500, 1},
		{"a group", []store.ReviewScore{rv(store.ScopeDepartment, "A", 2000), rv(store.ScopeDepartment, "A1", 0)}, 7500, 1},
		{"not applicable", []store.ReviewScore{rv(store.ScopeDepartment, "B3", 500)}, 8000, 0},
		{"a project's", []store.ReviewScore{rv("1", "A2", 0)}, 8000, 0},
		{"unknown code", []store.ReviewScore{rv(store.ScopeDepartment, "Z9", 500)}, 8000, 0},
	} {
		total, n := reviewedTotal(res, c.reviews)
		if total != c.total || n != c.counted {
			t.Errorf("%s: %s (%d counted), want %s (%d)", c.name, total, n, c.total, c.counted)
		}
	}
}

func renderNode(n *nethtml.Node) string {
	var b strings.Builder
	nethtml.Render(&b, n)
	return b.String()
}

// Stored spending is bounded per department-year, but a dashboard adds up
// many: the sum is checked, never wrapped into a negative total.
func TestSpendingSharesRefusesOverflow(t *testing.T) {
	rows := make([]store.OverviewRow, 3)
	for i := range rows {
		rows[i].Basic = money.Fen(4_000_000_000_000_000_000)
	}
	if _, _, err := spendingShares(rows); err == nil {
		t.Fatal("three rows of 4e18 fen added up without an error")
	}
	rows = rows[:2]
	for i := range rows {
		rows[i].Basic, rows[i].Project = money.MaxAmount, money.MaxAmount
	}
	sp, all, err := spendingShares(rows)
	if err != nil || len(all) != 2 || sp.Total.Total != json.Number(money.Fen(4*money.MaxAmount).Wan()) {
		t.Fatalf("spendingShares = %v, %d rows, %v", sp.Total, len(all), err)
	}
}

// The dashboard ranks and counts only what departments have submitted:
// drafts and submissions returned for changes appear in no figure but
// the status chart (the year's progress).
func TestDashboardCountsSubmittedOnly(t *testing.T) {
	e := newDashboardEnv(t)
	p := getDashboard(t, e.env, "/dashboard")
	all := listed(t, e.env, yearB)
	out := map[string]string{}
	for _, l := range all {
		if l.Status == workflow.Draft || l.Status == workflow.Returned {
			out[l.DepartmentCode] = l.Status
		}
	}
	if len(out) != 6 {
		t.Fatalf("%d drafts and returned, want 6", len(out))
	}
	if p.charts.Count != len(all)-len(out) {
		t.Errorf("count %d, want %d submitted of %d", p.charts.Count, len(all)-len(out), len(all))
	}
	n := 0
	for _, g := range p.charts.Grades {
		n += g.Count
	}
	if n != p.charts.Count {
		t.Errorf("grades add up to %d, want %d", n, p.charts.Count)
	}
	for _, r := range append(slices.Clone(p.charts.Top), p.charts.Bottom...) {
		if st, ok := out[r.Code]; ok {
			t.Errorf("ranked %s (%s)", r.Code, st)
		}
	}
	full := p.rows(t, "table-spending-all", "tbody")
	if len(full) != p.charts.Count {
		t.Errorf("spending lists %d departments, want %d", len(full), p.charts.Count)
	}
	names := map[string]bool{}
	for _, r := range full {
		names[r[0]] = true
	}
	for _, l := range all {
		if _, ok := out[l.DepartmentCode]; ok && names[l.Department] {
			t.Errorf("spending lists %s (%s)", l.Department, l.Status)
		}
	}
	// A draft that would top the ranking is not ranked: the best draft's
	// score is above the lowest ranked one (else the test checks little).
	var bestOut num.Points
	for _, l := range all {
		if _, ok := out[l.DepartmentCode]; ok && l.Total > bestOut {
			bestOut = l.Total
		}
	}
	lowest := slices.MinFunc(submittedOnly(all), func(a, b store.Listing) int { return cmp.Compare(a.Total, b.Total) })
	if bestOut <= lowest.Total {
		t.Errorf("no draft or returned year scores above the lowest ranked (%s): the test checks little", lowest.Total)
	}
	if note := text(elements(p.doc, "main")[0]); !strings.Contains(note, "草稿和已退回修改的 6 个部门年度不参加排名和统计") {
		t.Errorf("the page does not say what it leaves out:\n%s", note)
	}
}

// The status filter narrows the figures to one submitted status, is kept
// in the URL and the form, and refuses a status the dashboard does not
// count with a message naming the field; every chart states its unit.
func TestDashboardStatusFilter(t *testing.T) {
	e := newDashboardEnv(t)
	all := listed(t, e.env, yearB)
	whole := getDashboard(t, e.env, "/dashboard")
	for _, st := range []string{workflow.Submitted, workflow.Approved, workflow.UnderReview, workflow.Accepted, workflow.Published} {
		want := map[string]bool{}
		for _, l := range all {
			if l.Status == st {
				want[l.Department] = true
			}
		}
		path := "/dashboard?year=2024&status=" + st
		p := getDashboard(t, e.env, path)
		if p.charts.Count != len(want) || len(want) == 0 {
			t.Errorf("%s: %d counted, want %d", st, p.charts.Count, len(want))
		}
		// Few enough for the spending table to list them all.
		if rows := p.rows(t, "table-spending", "tbody"); len(rows) != len(want) {
			t.Errorf("%s: spending lists %d departments, want %d", st, len(rows), len(want))
		} else {
			for _, r := range rows {
				if !want[r[0]] {
					t.Errorf("%s: spending lists %s", st, r[0])
				}
			}
		}
		if sel := byID(p.doc, "status"); sel == nil || !strings.Contains(renderNode(sel), `<option value="`+st+`" selected="">`) {
			t.Errorf("%s: the status select does not show it chosen", st)
		}
		if !strings.Contains(text(p.doc), "· "+workflow.StatusNames[st]+" · 统计部门年度") {
			t.Errorf("%s: the summary line does not name the status", st)
		}
		// The progress chart is the whole year's, whatever the filter.
		if !slices.Equal(statusCounts(p), statusCounts(whole)) {
			t.Errorf("%s: status chart %v, want %v", st, statusCounts(p), statusCounts(whole))
		}
	}
	if sel := byID(whole.doc, "status"); sel == nil || !strings.Contains(renderNode(sel), `<option value="" selected="">`) &&
		!strings.Contains(renderNode(sel), `<option value="">全部已提交</option>`) {
		t.Errorf("the status select lacks 全部已提交: %s", renderNode(sel))
	}
	for _, bad := range []string{workflow.Draft, workflow.Returned, "nonsense"} {
		w := e.get(reviewer, "/dashboard?status="+bad)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "流转状态“"+bad+"”无效") {
			t.Errorf("status=%s: %d\n%s", bad, w.Code, firstLines(w.Body.String(), 30))
		}
	}
	// Units: each chart's heading, and its table's number columns.
	for id, unit := range map[string]string{"grades-h": "个", "ranking-h": "分", "reviewed-h": "分", "spending-h": "万元", "statuses-h": "个"} {
		if h := byID(whole.doc, id); h == nil || !strings.Contains(text(h), "（单位："+unit+"）") {
			t.Errorf("heading #%s does not state the unit %s", id, unit)
		}
	}
	for id, heads := range map[string][]string{
		"table-grades":      {"数量（个）", "占比（%）"},
		"table-ranking-top": {"自评得分（分）"},
		"table-reviewed":    {"自评得分（分）", "复核后得分（分）", "差额（分）"},
		"table-spending":    {"基本支出（万元）", "项目支出（万元）", "支出合计（万元）", "占全部支出（%）"},
		"table-statuses":    {"数量（个）"},
	} {
		tbl := byID(whole.doc, id)
		if tbl == nil {
			t.Errorf("no #%s", id)
			continue
		}
		for _, h := range heads {
			if !strings.Contains(text(tbl), h) {
				t.Errorf("#%s lacks the column %s", id, h)
			}
		}
	}
}

func statusCounts(p page) []int {
	var out []int
	for _, s := range p.charts.Statuses {
		out = append(out, s.Count)
	}
	return out
}

// Next year's declarations (opened, one of them submitted) are not
// self-evaluations: the dashboard neither shows their year by default nor
// counts them, and asked for that year it has nothing to compare.
func TestDashboardLeavesOutDeclarations(t *testing.T) {
	e := newDashboardEnv(t)
	before := getDashboard(t, e.env, "/dashboard")
	ctx := context.Background()
	all := listed(t, e.env, yearB)
	reqs := []store.OpenRequest{{Code: codeB, Year: yearB + 1}, {Code: all[0].DepartmentCode, Year: yearB + 1}}
	if _, err := e.st.OpenYears(ctx, reqs, "财政局", "测试"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Transition(ctx, codeB, yearB+1, workflow.Submitted, e.users[editorB], "", 1); err != nil {
		t.Fatal(err)
	}
	after := getDashboard(t, e.env, "/dashboard")
	if after.charts.Year != yearB || after.charts.Count != before.charts.Count {
		t.Errorf("after opening %d: year %d count %d, want %d and %d", yearB+1, after.charts.Year, after.charts.Count, yearB, before.charts.Count)
	}
	w := e.get(reviewer, fmt.Sprintf("/dashboard?year=%d", yearB+1))
	if w.Code == http.StatusOK && strings.Contains(w.Body.String(), "table-ranking") {
		t.Errorf("the dashboard of %d lists a declaration", yearB+1)
	}
}
