package e2e

import (
	"strings"
	"testing"
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
