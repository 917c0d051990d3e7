package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/cycle"
)

// The finance bureau sets the dates of its annual notice on the web: the
// page shows the dates in force by region and every setting; a refused
// form lists every problem and keeps what was typed; department users
// may neither see nor set them.
func TestAnnualDates(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{editorA, approverA} {
		if w := e.get(u, "/dates"); w.Code != 403 {
			t.Errorf("%s sees the dates page: %d", u, w.Code)
		}
		if w := e.post(u, "/dates", url.Values{"year": {"2023"}, "key": {cycle.EvaluationDue}, "date": {"2024-03-31"}, "reason": {"通知"}}); w.Code != 403 {
			t.Errorf("%s sets a date: %d", u, w.Code)
		}
	}
	if page := e.get(reviewer, "/dates?year=2023").Body.String(); !strings.Contains(page, "2023 年度尚未设置日期") || !strings.Contains(page, "绩效自评报送截止日期") {
		t.Fatalf("empty year:\n%s", firstLines(page, 80))
	}
	// A bad date and no reason: both named, the typed values kept, nothing stored.
	w := e.post(reviewer, "/dates", url.Values{"year": {"2023"}, "key": {cycle.EvaluationDue}, "date": {"2024-02-30"}, "region": {"东湖区"}})
	body := w.Body.String()
	if w.Code != 422 || !strings.Contains(body, "日期“2024-02-30”无效") || !strings.Contains(body, "须填写设置原因") || !strings.Contains(body, `value="东湖区"`) {
		t.Fatalf("bad form: %d\n%s", w.Code, firstLines(body, 80))
	}
	// Hostile text: a reason over the line limit and a region with a
	// control character are refused, each named.
	w = e.post(reviewer, "/dates", url.Values{"year": {"2023"}, "key": {cycle.EvaluationDue}, "date": {"2024-03-31"},
		"region": {"东湖\x00区"}, "reason": {strings.Repeat("通知", 600)}})
	if body := w.Body.String(); w.Code != 422 || !strings.Contains(body, "设置原因过长") || !strings.Contains(body, "地区包含控制字符") {
		t.Fatalf("hostile form: %d\n%s", w.Code, firstLines(body, 80))
	}
	// A body over the forms' 64 KiB bound is not read.
	if w := e.post(reviewer, "/dates", url.Values{"year": {"2023"}, "reason": {strings.Repeat("通知", 5000)}}); w.Code != 422 || !strings.Contains(w.Body.String(), "表单无法读取") {
		t.Fatalf("oversize form: %d", w.Code)
	}
	if w := e.post(reviewer, "/dates", url.Values{"year": {"2023"}, "key": {"deadline_of_everything"}, "date": {"2024-03-31"}, "reason": {"通知"}}); w.Code != 422 || !strings.Contains(w.Body.String(), "日期项目") {
		t.Fatalf("unknown key: %d", w.Code)
	}
	if rows, _ := e.st.CycleDates(t.Context(), 2023); len(rows) != 0 {
		t.Fatalf("a refused form stored %d rows", len(rows))
	}
	// Set for all regions, then again: the later one is in force, both kept.
	for _, day := range []string{"2024-03-31", "2024-06-15"} {
		w := e.post(reviewer, "/dates", url.Values{"year": {"2023"}, "key": {cycle.EvaluationDue}, "date": {day}, "reason": {"财预〔2025〕1号"}})
		if w.Code != 303 || w.Header().Get("Location") != "/dates?year=2023" {
			t.Fatalf("set %s: %d %s", day, w.Code, w.Header().Get("Location"))
		}
	}
	page := e.get(admin, "/dates?year=2023").Body.String()
	inForce, audit, _ := strings.Cut(page, "设置记录")
	// The setter by name, not by account.
	if !strings.Contains(inForce, "2024年6月15日") || strings.Contains(inForce, "2024年3月31日") || !strings.Contains(inForce, "<td>财政局审核人</td>") {
		t.Errorf("in force:\n%s", inForce)
	}
	if !strings.Contains(audit, "（2 条，最近的在前）") || strings.Index(audit, "2024年6月15日") > strings.Index(audit, "2024年3月31日") {
		t.Errorf("audit:\n%s", audit)
	}
	rows, err := e.st.CycleDates(t.Context(), 2023)
	if err != nil || len(rows) != 2 || rows[1].SetBy != reviewer {
		t.Fatalf("stored %+v, %v", rows, err)
	}
	// The editor's tasks fall due on the date in force; only those who
	// set the dates are sent to the page from there.
	tasks := e.get(editorA, "/tasks").Body.String()
	if !strings.Contains(tasks, "2024年6月15日") || strings.Contains(tasks, "/dates") {
		t.Errorf("the editor's tasks:\n%s", firstLines(tasks, 80))
	}
	if tasks := e.get(reviewer, "/tasks").Body.String(); !strings.Contains(tasks, `href="/dates"`) {
		t.Errorf("the reviewer's tasks do not link the dates page")
	}
}
