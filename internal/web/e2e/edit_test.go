package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The editor adds a contract and an income line on the year-end form,
// each by its add button, types the contract amount in 万元, saves, and
// finds both in the history and the income line in the report.
func TestBrowserEditRegisters(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	editor := s.newTab("editor")
	editor.signIn("editor-a")
	editor.open(pathA + "/edit")
	eval[bool](editor, `(() => { document.getElementById('unit-choice').scrollIntoView(); return true })()`)
	editor.screenshotTop("edit-form-top")
	set := func(name, value string) {
		t.Helper()
		js := `(() => { const el = document.querySelector('[name="` + name + `"]'); if (!el) return false; el.value = ` + jsString(value) + `;
			el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true })()`
		if !eval[bool](editor, js) {
			t.Fatalf("no field %s on the form", name)
		}
	}
	last := func(list string) string {
		t.Helper()
		n := eval[string](editor, `document.querySelector('input[name="rows.`+list+`"]').value`)
		return list + "[" + strconv.Itoa(atoi(t, n)-1) + "]"
	}

	editor.clickAndLoad(`//button[@name="add"][@value="registers.contracts"]`)
	c := last("registers.contracts")
	set(c+".number", "THZFB-2023-HT-031")
	set(c+".supplier", "广州某印务有限公司")
	set(c+".amount", "3.5万元")
	set(c+".sme", "true")
	for field, d := range map[string]string{"awarded": "2023-12-01", "signed": "2023-12-08", "published": "2023-12-11", "filed": "2023-12-15"} {
		set(c+"."+field, d)
	}
	editor.clickAndLoad(`//button[@name="add"][@value="finance.income"]`)
	if got := eval[string](editor, `document.querySelector('[name="`+c+`.number"]').value`); got != "THZFB-2023-HT-031" {
		t.Fatalf("the contract typed before adding an income line was lost: %q", got)
	}
	in := last("finance.income")
	set(in+".kind", "other")
	set(in+".name", "利息收入")
	set(in+".amount", "12,345.67")
	set("finance.stated.income", "")
	eval[bool](editor, `(() => { document.querySelector('[name="`+c+`.number"]').closest('fieldset').scrollIntoView(); return true })()`)
	editor.screenshotTop("edit-registers")
	editor.checkA11y("the year-end form with lists")

	editor.do(chromedp.SendKeys(chromedp.ID("edit-reason"), "补录合同和利息收入"))
	editor.clickAndLoad(`//button[@type="submit"][not(@name)][contains(., "保存修改")]`)
	if f := editor.flash(); !strings.Contains(f, "填报数据已保存") {
		t.Fatalf("after saving: %q\n%s", f, editor.text())
	}

	editor.open(pathA + "/history")
	page := editor.text()
	for _, want := range []string{"采购合同“THZFB-2023-HT-031”合同金额", "35000.00", "收入“利息收入”金额", "12345.67", "补录合同和利息收入"} {
		if !strings.Contains(page, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	editor.screenshotTop("edit-registers-history")
	report := eval[string](editor, `fetch(`+jsString(pathA+"/report.html")+`).then(r => r.text())`, chromedp.EvalAwaitPromise)
	if !strings.Contains(report, "利息收入1.23万元") {
		t.Errorf("the report does not state the new income line")
	}
}
