package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// tianheSentence is the July warning of Tianhe's project THZFB-2023-01:
// 480,000.00 yuan of initial budget, 140,000.00 paid by July after a
// refund.
const tianheSentence = "截至7月末执行 29.17%，序时进度 58.33%，落后 29.16 个百分点（红色：落后超过 20 个百分点）"

// withWarnings imports a small ledger of department A's 2023 and
// computes the July warnings; it returns the project's warning.
func withWarnings(t testing.TB, st *store.Store) *store.Warning {
	t.Helper()
	ctx := context.Background()
	csv := "paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n" +
		"2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,100000.00,V1\n" +
		"2023-06-20,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,50000.00,V2\n" +
		"2023-07-05,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,-10000.00,V3\n" +
		"2023-07-01,106001,,行政运行,办公费,一般公共预算,20000.00,V4\n"
	r, err := ledger.Open("p.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportPayments(ctx, "p.csv", r, "财政局"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RefreshWarnings(ctx, yearA, 7, datafile.DefaultWarnings(), "财政局"); err != nil {
		t.Fatal(err)
	}
	ws, _, err := st.Warnings(ctx, store.WarningFilter{Year: yearA, Month: 7, DepartmentCode: codeA})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ws {
		if ws[i].ProjectCode == "THZFB-2023-01" {
			return &ws[i]
		}
	}
	t.Fatalf("no warning of THZFB-2023-01 among %+v", ws)
	return nil
}

// The province view is the finance bureau's; a warning is seen by the
// bureau and its own department; only the reviewer handles it, with a
// comment; a returned warning is answered by the department's editor.
func TestWarningPages(t *testing.T) {
	e := newEnv(t)
	wr := withWarnings(t, e.st)
	path := fmt.Sprintf("/monitoring/warnings/%d", wr.ID)

	if w := e.get(anon, "/monitoring"); w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("anonymous: %d %s", w.Code, w.Header().Get("Location"))
	}
	for _, u := range []string{editorA, approverA, editorB} {
		if w := e.get(u, "/monitoring"); w.Code != 403 {
			t.Errorf("%s sees the province view: %d", u, w.Code)
		}
	}
	page := e.get(reviewer, "/monitoring").Body.String()
	for _, want := range []string{tianheSentence, "2023 年截至7月末的预警", `href="` + path + `"`, "红色", "按地区和等级", "重新计算"} {
		if !strings.Contains(page, want) {
			t.Errorf("province view lacks %q", want)
		}
	}
	if page := e.get(admin, "/monitoring?year=2023&month=7&level=yellow").Body.String(); strings.Contains(page, tianheSentence) || strings.Contains(page, "重新计算") {
		t.Error("the yellow filter shows the red warning, or the administrator may refresh")
	}
	if w := e.get(reviewer, "/monitoring?year=二〇二三&month=13&level=purple"); w.Code != 422 || !strings.Contains(w.Body.String(), "月份 &#34;13&#34; 无效") {
		t.Errorf("bad filters: %d", w.Code)
	}

	// The warning's page: the department sees it without the handling
	// form; another department does not see it.
	if w := e.get(editorB, path); w.Code != 404 {
		t.Errorf("editor B sees A's warning: %d", w.Code)
	}
	own := e.get(editorA, path).Body.String()
	if !strings.Contains(own, tianheSentence) || strings.Contains(own, `name="to"`) || !strings.Contains(own, "V2") {
		t.Errorf("editor A's view of the warning:\n%s", firstLines(own, 60))
	}
	rev := e.get(reviewer, path).Body.String()
	for _, want := range []string{`value="passed"`, `value="returned"`, `value="dismissed"`, "共 3 笔，合计 14.00 万元", "-10000.00"} {
		if !strings.Contains(rev, want) {
			t.Errorf("reviewer's warning page lacks %q", want)
		}
	}
	version := func() string {
		w, err := e.st.GetWarning(t.Context(), wr.ID)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(w.Version)
	}
	form := func(to, comment string) url.Values {
		return url.Values{"to": {to}, "comment": {comment}, "version": {version()}}
	}
	for _, u := range []string{editorA, approverA, admin} {
		if w := e.post(u, path, form(workflow.WarningPassed, "通过")); w.Code != 403 {
			t.Errorf("%s handles the warning: %d", u, w.Code)
		}
	}
	if w := e.post(editorB, path, form(workflow.WarningPassed, "通过")); w.Code != 404 {
		t.Errorf("editor B handles A's warning: %d", w.Code)
	}
	w := e.post(reviewer, path, form(workflow.WarningReturned, ""))
	if w.Code != 422 || !strings.Contains(w.Body.String(), "请填写处理意见") {
		t.Errorf("no comment: %d", w.Code)
	}
	stale := url.Values{"to": {workflow.WarningReturned}, "comment": {"请说明原因"}, "version": {"0"}}
	if w := e.post(reviewer, path, stale); w.Code != 409 || !strings.Contains(w.Body.String(), "请说明原因") {
		t.Errorf("stale version: %d (the comment should be kept)", w.Code)
	}
	if w := e.post(reviewer, path, form(workflow.WarningReturned, "请说明执行缓慢的原因并提出整改措施")); w.Code != 303 {
		t.Fatalf("return: %d\n%s", w.Code, w.Body.String())
	}
	// The editor's home lists it among the tasks; editor B's does not;
	// the reviewer's counts the warnings waiting (the department's line).
	if home := e.get(editorA, "/").Body.String(); !strings.Contains(home, "等待反馈整改措施的预算执行预警（1 条）") || !strings.Contains(home, `href="`+path+`"`) {
		t.Error("editor A's home lacks the returned warning")
	}
	if home := e.get(editorB, "/").Body.String(); strings.Contains(home, "预算执行预警") {
		t.Error("editor B's home shows A's warning")
	}
	if home := e.get(reviewer, "/").Body.String(); !strings.Contains(home, "条预算执行预警等待处理") {
		t.Error("the reviewer's home does not count the warnings waiting")
	}
	// The department's workspace shows the warning and the request; its
	// editor answers on the warning's page.
	ws := e.get(editorA, pathA).Body.String()
	if !strings.Contains(ws, "预算执行预警") || !strings.Contains(ws, tianheSentence) || !strings.Contains(ws, "请说明执行缓慢的原因并提出整改措施") {
		t.Error("the workspace lacks the returned warning")
	}
	if own := e.get(editorA, path).Body.String(); !strings.Contains(own, `value="responded"`) || !strings.Contains(own, "整改措施（必填）") {
		t.Error("editor A is not offered the answer")
	}
	if w := e.post(editorA, path, form(workflow.WarningResponded, "8月完成合同签订并支付首期款")); w.Code != 303 {
		t.Fatalf("answer: %d\n%s", w.Code, w.Body.String())
	}
	if w := e.post(reviewer, path, form(workflow.WarningPassed, "措施可行，继续跟踪")); w.Code != 303 {
		t.Fatalf("pass: %d", w.Code)
	}
	got, _ := e.st.GetWarning(t.Context(), wr.ID)
	if got.State != workflow.WarningPassed || got.Response != "8月完成合同签订并支付首期款" || got.Comment != "措施可行，继续跟踪" {
		t.Errorf("stored %+v", got)
	}
	hist := e.get(editorA, pathA+"/history").Body.String()
	for _, want := range []string{fmt.Sprintf("预警（编号 %d）处理状态", wr.ID), "部门已反馈", "已通过", "反馈整改措施：8月完成合同签订并支付首期款"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	// The reviewer's refresh keeps the handled warning.
	if w := e.post(reviewer, "/monitoring/refresh", url.Values{"year": {"2023"}, "month": {"7"}}); w.Code != 303 {
		t.Errorf("refresh: %d", w.Code)
	}
	e.srv.refreshing.Store(true) // another refresh under way
	if w := e.post(reviewer, "/monitoring/refresh", url.Values{"year": {"2023"}, "month": {"7"}}); w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("refresh during another: %d", w.Code)
	}
	e.srv.refreshing.Store(false)
	if w := e.post(editorA, "/monitoring/refresh", url.Values{"year": {"2023"}, "month": {"7"}}); w.Code != 403 {
		t.Errorf("editor refreshes: %d", w.Code)
	}
	if got, _ := e.st.GetWarning(t.Context(), wr.ID); got.State != workflow.WarningPassed {
		t.Errorf("after refresh: %s", got.State)
	}
}

// The region table shades each count by quarters of its level's largest.
func TestRegionTable(t *testing.T) {
	levels := datafile.DefaultWarnings().Levels // red, orange, yellow
	got := regionTable([]store.WarningCount{
		{Region: "甲区", Level: "red", Count: 1}, {Region: "甲区", Level: "yellow", Count: 8},
		{Region: "乙区", Level: "red", Count: 4}, {Region: "乙区", Level: "orange", Count: 3},
	}, levels)
	want := []regionCounts{
		{Region: "乙区", Counts: []int{4, 3, 0}, Heat: []int{4, 4, 0}, Total: 7},
		{Region: "甲区", Counts: []int{1, 0, 8}, Heat: []int{1, 0, 4}, Total: 9},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}
