package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An editor opens the department's next year from the home page and
// lands on its workspace in the declaration stage; a reviewer sees the
// form that opens many departments at once.
func TestBrowserOpenYear(t *testing.T) {
	s := newSuite(t)
	reviewer := s.newTab("reviewer")
	reviewer.signIn("reviewer")
	reviewer.open("/years/open?year=2024")
	if txt := reviewer.text(); !strings.Contains(txt, "广州市天河区人民政府办公室") || !strings.Contains(txt, "开启所选部门的 2024 年度") {
		t.Fatalf("bulk form:\n%s", txt)
	}
	if !eval[bool](reviewer, `document.querySelector('input[name="code"][value="`+codeA+`"]').checked`) {
		t.Error("the department is not selected by default")
	}
	reviewer.screenshot("year-open-bulk")

	editor := s.newTab("editor")
	editor.signIn("editor-a")
	editor.clickAndLoad(`//form[@action="/years/open"]//button[@type="submit"]`)
	if path := eval[string](editor, `location.pathname`); path != "/evaluations/"+codeA+"/2024" {
		t.Fatalf("after opening: at %s\n%s", path, editor.text())
	}
	txt := editor.text()
	for _, want := range []string{"已由 2023 年度开启 2024 年度", "阶段 目标申报", "状态 草稿", "年终自评得分在“开始年终自评”后计算", "申报的绩效目标", "提交申报", "上年决算收入（万元）\t3308.63"} {
		if !strings.Contains(txt, want) {
			t.Errorf("workspace lacks %q:\n%s", want, txt)
		}
	}
	editor.screenshot("year-open")
}

// The editor declares on the web: opens the new year's declaration form,
// adds an indicator to a project, sees the target-quality warning appear
// and go as they type, and saves.
func TestBrowserDeclaration(t *testing.T) {
	s := newSuite(t)
	editor := s.newTab("editor")
	editor.signIn("editor-a")
	editor.clickAndLoad(`//form[@action="/years/open"]//button[@type="submit"]`)
	editor.clickAndLoad(`//a[contains(., "在线填写绩效目标申报")]`)
	editor.clickAndLoad(`//button[@name="add"][@value="projects[0].targets"]`)
	n := eval[string](editor, `document.querySelector('input[name="rows.projects[0].targets"]').value`)
	row := "projects[0].targets[" + strconv.Itoa(atoi(t, n)-1) + "]"
	set := func(field, value string) { t.Helper(); editor.setField(row+"."+field, value) }
	set("category", "output")
	set("subcategory", "成本指标")
	set("direction", ">=")
	set("name", "单次会议保障成本")
	set("target", "0")
	warn := "指标“单次会议保障成本”的指标值为“≥0”"
	has := `document.querySelector('#preview-details').innerText.includes(` + jsString(warn) + `)`
	editor.waitFor("W194 in the live check", has)
	set("unit", "万元")
	set("target", "2")
	editor.waitFor("W194 gone", "!"+has)
	set("target", "0")
	editor.waitFor("W194 again", has)
	eval[bool](editor, `(() => { document.querySelector('[name="`+row+`.name"]').closest('fieldset').scrollIntoView(); return true })()`)
	editor.screenshotTop("declaration-edit")
	set("target", "2")
	editor.waitFor("W194 gone before saving", "!"+has)
	editor.do(chromedp.SendKeys(chromedp.ID("edit-reason"), "增加成本指标"))
	editor.clickAndLoad(`//button[@type="submit"][not(@name)][contains(., "保存修改")]`)
	if f := editor.flash(); !strings.Contains(f, "绩效目标申报已保存") {
		t.Fatalf("after saving: %q\n%s", f, editor.text())
	}
}

// setField sets the form field with the name as typing would, firing
// its input and change events.
func (tb *tab) setField(name, value string) {
	tb.s.t.Helper()
	js := `(() => { const el = document.querySelector('[name=` + jsString(name) + `]'); if (!el) return false; el.value = ` + jsString(value) + `;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true })()`
	if !eval[bool](tb, js) {
		tb.s.t.Fatalf("%s: could not set %s", tb.name, name)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }
