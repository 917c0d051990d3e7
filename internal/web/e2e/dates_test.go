package e2e

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/cycle"
)

// The finance bureau's reviewer follows the tasks page to the annual
// dates, sets the self-evaluation's deadline from the year's notice and
// sees it in force and in the record; the page passes axe.
func TestBrowserAnnualDates(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	rv := s.newTab("reviewer")
	rv.signIn("reviewer")
	rv.open("/tasks")
	rv.clickAndLoad(`//a[@href="/dates"]`)
	rv.open("/dates?year=2023")
	if txt := rv.text(); !strings.Contains(txt, "2023 年度尚未设置日期") {
		t.Fatalf("before: %s", txt)
	}
	rv.setField("key", cycle.EvaluationDue)
	rv.setField("date", "2024-03-31")
	rv.setField("reason", "2023年度绩效自评工作通知")
	rv.clickAndLoad(`//form[@action="/dates"]//button[@type="submit"]`)
	if f := rv.flash(); !strings.Contains(f, "已设置 2023 年度“绩效自评报送截止日期”为 2024年3月31日（全部地区）") {
		t.Fatalf("after setting: flash %q\n%s", f, rv.text())
	}
	txt := rv.text()
	for _, want := range []string{"2023 年度有效的日期", "全部地区", "2024年3月31日", "2023年度绩效自评工作通知", "设置记录（1 条"} {
		if !strings.Contains(txt, want) {
			t.Errorf("dates page lacks %q:\n%s", want, txt)
		}
	}
	rv.screenshotTop("dates")
	rv.checkA11y("dates page")
}
