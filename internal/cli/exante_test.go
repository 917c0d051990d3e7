package cli

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const exanteExample = "../../examples/exante-qinghe-health-2025.yaml"

func TestExanteScore(t *testing.T) {
	out, errs, code := run(t, "exante", "score", exanteExample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{
		"评估主体 预算部门",
		"由预算部门开展事前绩效评估（默认标准",
		"综合得分 79.5 / 100  评估结论 调整后予以支持",
		"X1 立项必要性  18 / 20",
		"X1.3 需求迫切性  4 / 6",
		"− 3 分 【X4.3.2 识别了主要风险并有应对措施】",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("score output lacks %q:\n%s", s, out)
		}
	}

	out, errs, code = run(t, "exante", "score", exanteExample, "--format", "json")
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var r struct {
		Total, Conclusion, ConclusionName string
		Needed                            bool
		Required                          string `json:"required_assessor"`
		Indicators                        []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Total != "79.5" || r.Conclusion != "support_adjusted" || !r.Needed || r.Required != "department" || len(r.Indicators) != 5 {
		t.Errorf("json: %+v", r)
	}
}

// Thresholds are configuration: lowered, the same record was assessed by
// the wrong body (E210, exit 1); raised, it needed no evaluation (I210,
// a note, exit 0).
func TestExanteThresholds(t *testing.T) {
	out, errs, code := run(t, "exante", "check", exanteExample, "--finance-from", "300万元")
	if code != 1 || !strings.Contains(out, "E210") || !strings.Contains(out, "exante-qinghe-health-2025.yaml:31: E210") {
		t.Errorf("lowered finance threshold: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = run(t, "exante", "score", exanteExample, "--department-from", "4,000,000", "--finance-from", "600万元")
	if code != 0 || !strings.Contains(errs, "I210") || !strings.Contains(errs, "低于需开展事前绩效评估的400万元") || strings.Contains(errs, "默认标准") {
		t.Errorf("raised thresholds: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code := run(t, "exante", "check", exanteExample, "--department-from", "600万元", "--finance-from", "500万元"); code != 2 || !strings.Contains(errs, "不能低于部门评估起点金额") {
		t.Errorf("thresholds out of order: exit %d %s", code, errs)
	}
}

func TestExanteCheckLines(t *testing.T) {
	out, _, code := run(t, "exante", "check", exanteExample)
	if code != 0 || !strings.Contains(out, "✓ 0 个错误，0 个警告，0 条提示") || !strings.Contains(out, "综合得分 79.5 分，评估结论：调整后予以支持") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	data, err := os.ReadFile(exanteExample)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "assessor: department", "assessor: city", 1)
	bad = strings.Replace(bad, "  X1.2:\n    level: met", "  X1.2:\n    level: good", 1)
	bad = strings.Replace(bad, "  X5.3:\n    score: 3\n", "  X5.3:\n    scor: 3\n", 1)
	p := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, "exante", "check", p)
	for _, s := range []string{"bad.yaml:31: E104 错误 [assessor]", "bad.yaml:40: E104 错误 [scores.X1.2.level]", "bad.yaml:93: E101 错误 [scores.X5.3.scor]"} {
		if !strings.Contains(out, s) {
			t.Errorf("check lacks %q:\n%s", s, out)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// A value the reader could not read is reported once, by the reader.
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), "year: 2025", "year: x", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ = run(t, "exante", "check", p)
	if strings.Count(out, "[year]") != 1 || !strings.Contains(out, "应为整数") {
		t.Errorf("an unreadable year is reported more than once:\n%s", out)
	}
	// A record that is not text is refused by what it holds.
	x := filepath.Join(t.TempDir(), "r.yaml")
	if err := os.WriteFile(x, []byte("%PDF-1.4 ..."), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, "exante", "check", x); code != 1 || !strings.Contains(out, "PDF") {
		t.Errorf("pdf: exit %d %s", code, out)
	}
}

func TestExanteReportDocx(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.docx")
	if _, errs, code := run(t, "exante", "report", exanteExample, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var body string
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			body = string(b)
		}
	}
	for _, s := range []string{"事前绩效评估报告", "三、综合评估情况与评估结论", "事前绩效评估评分表", "评估结论：调整后予以支持", "四、相关建议"} {
		if !strings.Contains(body, s) {
			t.Errorf("docx lacks %q", s)
		}
	}
}

func TestExanteNeed(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "new", "--amount", "600万元"}, "需要开展事前绩效评估，评估主体：财政部门"},
		{[]string{"--kind", "policy", "--amount", "1,000,000.00"}, "需要开展事前绩效评估，评估主体：预算部门"},
		{[]string{"--kind", "new", "--amount", "99.99万元"}, "不需要开展事前绩效评估"},
		{[]string{"--kind", "continuing", "--amount", "1亿元"}, "延续项目不需要开展事前绩效评估"},
		{[]string{"--kind", "new", "--amount", "600万元", "--finance-from", "1000万元"}, "评估主体：预算部门"},
	} {
		out, errs, code := run(t, append([]string{"exante", "need"}, c.args...)...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("need %v: exit %d\n%s%s", c.args, code, out, errs)
		}
	}
}
