package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The reviewer issues Tianhe's 2023 problems as rectification items; the
// department's editor files the measure and reports the work done with
// evidence; the reviewer confirms and the item is closed, in its history.
func TestBrowserRectification(t *testing.T) {
	s := newSuite(t)
	acceptA(t, s.st)
	reviewer := s.newTab("reviewer")
	reviewer.signIn("reviewer")
	reviewer.open("/evaluations/106001/2023")
	reviewer.clickAndLoad(`//nav//a[contains(., "整改事项")]`)
	txt := reviewer.text()
	for _, want := range []string{"B5.6", "B6.5", "按上述问题下达整改事项"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("suggestions lack %q:\n%s", want, txt)
		}
	}
	reviewer.checkA11y("rectification year")
	reviewer.clickAndLoad(`//form[.//input[@value="problems"]]//button[@type="submit"]`)
	if f := reviewer.flash(); !strings.Contains(f, "已下达整改事项 2 项") {
		t.Fatalf("flash %q", f)
	}
	reviewer.screenshotTop("rectification-year")

	editor := s.newTab("editor")
	editor.signIn("editor-a")
	editor.clickAndLoad(`//nav//a[@href="/rectification"]`)
	editor.clickAndLoad(`//a[.="2023-1"]`)
	if txt := editor.text(); !strings.Contains(txt, "合同") || !strings.Contains(txt, "整改措施报送期限") {
		t.Fatalf("item page:\n%s", txt)
	}
	editor.checkA11y("rectification item (editor)")
	editor.do(chromedp.SetValue(`#m-measure`, "修订合同管理办法，合同签订后5个工作日内办理备案"))
	editor.clickAndLoad(`//button[@value="file"]`)
	if f := editor.flash(); !strings.Contains(f, "已报送整改措施") {
		t.Fatalf("file flash %q\n%s", f, editor.text())
	}
	editor.do(chromedp.SendKeys(`#m-evidence`, "2024年政府采购合同备案登记表"),
		chromedp.SendKeys(`#m-file`, "合同备案登记表.pdf"))
	editor.clickAndLoad(`//button[@value="done"]`)
	if f := editor.flash(); !strings.Contains(f, "已报告整改完成") {
		t.Fatalf("done flash %q\n%s", f, editor.text())
	}

	reviewer.open("/rectification?year=2023")
	reviewer.checkA11y("rectification list")
	reviewer.clickAndLoad(`//a[.="2023-1"]`)
	if txt := reviewer.text(); !strings.Contains(txt, "合同备案登记表.pdf") || !strings.Contains(txt, "已整改待确认") {
		t.Fatalf("reviewer's item page:\n%s", txt)
	}
	reviewer.do(chromedp.SendKeys(`#m-comment`, "已核实备案记录，同意销号"))
	reviewer.clickAndLoad(`//button[@value="confirm"]`)
	if f := reviewer.flash(); !strings.Contains(f, "已确认销号") {
		t.Fatalf("confirm flash %q", f)
	}
	txt = reviewer.text()
	for _, want := range []string{"已销号", "办理记录", "已核实备案记录，同意销号"} {
		if !strings.Contains(txt, want) {
			t.Errorf("closed item lacks %q:\n%s", want, txt)
		}
	}
	reviewer.screenshotTop("rectification-item")
}
