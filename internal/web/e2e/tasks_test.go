package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/store"
)

// The department's editor follows the count in the navigation to the
// tasks page: the self-evaluation past the notice's date and the July
// checkpoint report, overdue first, each linking to where it is done; the
// account page takes an e-mail address for reminders. Both pages pass
// axe.
func TestBrowserTasks(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	executionYear(t, s.st)
	ctx := context.Background()
	if _, err := s.st.SetCycleDateAs(ctx, store.CycleDate{Year: 2023, Key: cycle.EvaluationDue, Date: civil.MustDate(2024, time.March, 31), Reason: "2023年度绩效自评工作通知"}, "operator"); err != nil {
		t.Fatal(err)
	}
	ed := s.newTab("editor")
	ed.signIn("editor-a")
	badge := eval[string](ed, `(document.querySelector('nav .badge') || {textContent: ''}).textContent`)
	if badge == "" || badge == "0" {
		t.Fatalf("no task count in the navigation:\n%s", ed.text())
	}
	ed.clickAndLoad(`//nav//a[@href="/tasks"]`)
	txt := ed.text()
	for _, want := range []string{"待办事项", "项已逾期", "提交 2023 年度绩效自评", "2024年3月31日", "绩效自评报送截止日期",
		"填报并提交 2024 年 1—7 月绩效监控表", "2024年8月31日", "绩效监控报告报送"} {
		if !strings.Contains(txt, want) {
			t.Errorf("tasks page lacks %q:\n%s", want, txt)
		}
	}
	if i, j := strings.Index(txt, "提交 2023 年度绩效自评"), strings.Index(txt, "1—7 月绩效监控表"); i < 0 || j < 0 || i > j {
		t.Errorf("not overdue-first by date (the self-evaluation was due first):\n%s", txt)
	}
	ed.screenshotTop("tasks")
	ed.checkA11y("tasks page")
	ed.clickAndLoad(`//a[contains(., "1—7 月绩效监控表")]`)
	if path := eval[string](ed, `location.pathname`); path != "/evaluations/"+codeA+"/2024/monitoring/7" {
		t.Errorf("the task leads to %s", path)
	}

	ed.open("/account")
	ed.setField("email", "tianhe-office@example.gov.cn")
	ed.clickAndLoad(`//form[@action="/account/email"]//button[@type="submit"]`)
	if f := ed.flash(); !strings.Contains(f, "已保存您的电子邮箱") {
		t.Fatalf("after saving the address: %q", f)
	}
	ed.checkA11y("account page")
}
