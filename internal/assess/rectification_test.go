package assess_test

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// B4.5 (评价结果运用…整改) is decided from the items of the year before
// when there are any: full points when each is closed or within its
// deadlines, 1 point (the framework's default) less per item overdue, the
// trace naming every item; W187 names each item of an earlier year not
// closed. Without items (or a Cycle) the item stays as typed: 97 优.
func TestRectificationDecidesB45(t *testing.T) {
	ev, lib := load(t, "../../examples/tianhe-gov-office-2023.yaml")
	ev.Year = 2024
	item := func(n int, status, name string, overdue bool) evaluation.RectificationRecord {
		return evaluation.RectificationRecord{Year: 2023, Number: n, Problem: "问题" + name, Status: status, StatusName: name,
			Closed: status == "closed", Overdue: overdue, IssuedOn: civil.MustDate(2024, 4, 1), CompleteDue: "2024年8月1日"}
	}
	var fileTotal num.Points
	older := evaluation.RectificationRecord{Year: 2022, Number: 3, Problem: "更早的问题", Status: "in_progress", StatusName: "整改中"}
	for _, c := range []struct {
		name  string
		cycle *evaluation.Cycle
		score string
		w187  int
		trace string
	}{
		{"file", nil, "3", 0, ""},
		{"no items", &evaluation.Cycle{}, "3", 0, ""},
		{"only older items", &evaluation.Cycle{Rectification: &evaluation.Rectification{Year: 2023, Items: []evaluation.RectificationRecord{older}}}, "3", 1, ""},
		{"on time", &evaluation.Cycle{Rectification: &evaluation.Rectification{Year: 2023, AsOf: civil.MustDate(2024, 7, 1),
			Items: []evaluation.RectificationRecord{item(1, "closed", "已销号", false), item(2, "in_progress", "整改中", false)}}}, "3", 1,
			"2023年度下达整改事项 2 项，已销号 1 项：2023年度整改事项第1号“问题已销号”：已销号；2023年度整改事项第2号“问题整改中”：整改中（整改完成期限2024年8月1日）"},
		{"two overdue", &evaluation.Cycle{Rectification: &evaluation.Rectification{Year: 2023, AsOf: civil.MustDate(2024, 9, 1),
			Items: []evaluation.RectificationRecord{item(1, "closed", "已销号", false), item(2, "in_progress", "整改中", true), item(3, "open", "未整改", true), older}}}, "1", 3,
			"2023年度整改事项第3号“问题未整改”逾期未整改到位"},
	} {
		o := options()
		o.Cycle = c.cycle
		a := assess.Assess(ev, lib, o)
		if a.Result == nil {
			t.Fatalf("%s: %v", c.name, a.Findings.Errors())
		}
		b4 := scoring.Find(a.Result.Indicators, "B4")
		var b45 string
		lost := "0"
		for _, d := range b4.Trace.Deductions {
			if strings.HasPrefix(d.Item, "B4.5 ") {
				lost = d.Points.String()
				b45 = d.Reason
			}
		}
		if got := (3 - mustAtoi(t, lost)); got != mustAtoi(t, c.score) {
			t.Errorf("%s: B4.5 %d, want %s (%v)", c.name, got, c.score, b4.Trace.Deductions)
		}
		all := b45 + strings.Join(b4.Trace.Records, "") + strings.Join(b4.Trace.Notes, "")
		if c.trace != "" && !strings.Contains(all, c.trace) {
			t.Errorf("%s: trace lacks %q:\n%s", c.name, c.trace, all)
		}
		w := 0
		for _, f := range a.Findings {
			if f.Code == diag.RectificationOpen {
				w++
				if !strings.Contains(f.Message, "尚未销号") {
					t.Errorf("W187 %q", f.Message)
				}
			}
		}
		if w != c.w187 {
			t.Errorf("%s: %d W187, want %d", c.name, w, c.w187)
		}
		if c.name == "file" {
			fileTotal = a.Result.Total
		} else if c.score == "3" && a.Result.Total != fileTotal {
			t.Errorf("%s: total %s, the file's %s", c.name, a.Result.Total, fileTotal)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("not whole %q", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}
