package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The reviewer finds department A's red execution warning on the
// province view, with its sentence, opens it, sees the payments behind
// it and handles it with a comment; the department sees the handling on
// its workspace.
func TestBrowserWarnings(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	ctx := context.Background()
	// Project THZFB-2023-01: 480,000.00 yuan initial, 140,000.00 paid by
	// the end of July after a refund; a voucher exported twice counts once.
	csv := "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号,收款人,摘要\n" +
		"2023-03-10,106001,THZFB-2023-01,2010101 行政运行,30201 办公费,一般公共预算,100000.00,PZ-1,某供应商,值班设备\n" +
		"2023-06-20,106001,THZFB-2023-01,2010101 行政运行,30201 办公费,一般公共预算,50000.00,PZ-2,某供应商,\n" +
		"2023-06-20,106001,THZFB-2023-01,2010101 行政运行,30201 办公费,一般公共预算,50000.00,PZ-2,某供应商,重复导出\n" +
		"2023-07-05,106001,THZFB-2023-01,2010101 行政运行,30201 办公费,一般公共预算,-10000.00,PZ-3,某供应商,退回多付款\n"
	r, err := ledger.Open("2023年1-7月.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.ImportPayments(ctx, "2023年1-7月.csv", r, "财政局"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.RefreshWarnings(ctx, yearA, 7, datafile.DefaultWarnings(), "财政局"); err != nil {
		t.Fatal(err)
	}
	const sentence = "截至7月末执行 29.17%，序时进度 58.33%，落后 29.16 个百分点（红色：落后超过 20 个百分点）"

	rv := s.newTab("reviewer")
	rv.signIn("reviewer")
	rv.clickAndLoad(`//nav[@aria-label="主导航"]//a[@href="/monitoring"]`)
	txt := rv.text()
	for _, want := range []string{"2023 年截至7月末的预警", "红色", sentence, "THZFB-2023-01"} {
		if !strings.Contains(txt, want) {
			t.Errorf("province view lacks %q:\n%s", want, txt)
		}
	}
	rv.checkA11y("/monitoring")
	rv.screenshot("monitoring")

	// The project's row links to the warning; the department's own line
	// (its budget far from spent) is another warning.
	link := `//tr[td[contains(., "THZFB-2023-01")]]//a[contains(@href, "/monitoring/warnings/")]`
	rv.clickAndLoad(link)
	txt = rv.text()
	for _, want := range []string{sentence, "共 3 笔，合计 14.00 万元", "PZ-2", "-10000.00", "处理意见（必填）"} {
		if !strings.Contains(txt, want) {
			t.Errorf("warning page lacks %q:\n%s", want, txt)
		}
	}
	rv.checkA11y("warning")
	// 通过 without a comment: the browser's own required check keeps the
	// form; the comment given, the warning is passed.
	rv.do(chromedp.SendKeys(`#w-comment`, "单位已说明：值班设备采购合同8月签订，9月集中支付，同意通过"))
	rv.clickAndLoad(`//button[@name="to" and @value="passed"]`)
	if f := rv.flash(); !strings.Contains(f, "已改为“已通过”") {
		t.Fatalf("flash %q\n%s", f, rv.text())
	}
	txt = rv.text()
	if !strings.Contains(txt, "财政部门意见（reviewer") || !strings.Contains(txt, "同意通过") || strings.Contains(txt, "处理意见（必填）") {
		t.Errorf("after handling:\n%s", txt)
	}
	rv.screenshot("warning-handled")

	ws, _, err := s.st.Warnings(ctx, store.WarningFilter{Year: yearA, Month: 7, DepartmentCode: codeA, Level: "red"})
	if err != nil {
		t.Fatal(err)
	}
	var passed bool
	for _, w := range ws {
		if w.ProjectCode == "THZFB-2023-01" {
			passed = w.State == workflow.WarningPassed && w.Handler == "reviewer"
		}
	}
	if !passed {
		t.Errorf("stored: %+v", ws)
	}

	ed := s.newTab("editor")
	ed.signIn("editor-a")
	ed.open(pathA)
	if txt := ed.text(); !strings.Contains(txt, "预算执行预警") || !strings.Contains(txt, sentence) || !strings.Contains(txt, "同意通过") {
		t.Errorf("the department's workspace lacks the handled warning:\n%s", txt)
	}
}
