package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/render/pdf"
)

const tianhe = "../../examples/tianhe-gov-office-2023.yaml"

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestScoreJSON(t *testing.T) {
	out, errs, code := run(t, "score", tianhe, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Framework  string  `json:"framework"`
		Total      float64 `json:"total"`
		Grade      string  `json:"grade"`
		Indicators []struct {
			Code     string          `json:"code"`
			Name     string          `json:"name"`
			Points   float64         `json:"points"`
			Score    float64         `json:"score"`
			Trace    json.RawMessage `json:"trace"`
			Children []struct {
				Name  string  `json:"name"`
				Score float64 `json:"score"`
			} `json:"children"`
		} `json:"indicators"`
		Projects []struct {
			Name  string  `json:"name"`
			Total float64 `json:"total"`
			Grade string  `json:"grade"`
		} `json:"projects"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("score JSON does not parse: %v\n%s", err, out)
	}
	if r.Framework != "gz-dept-2023" || r.Total != 97 || r.Grade != "优" {
		t.Errorf("framework %q total %v grade %q; want gz-dept-2023 97 优", r.Framework, r.Total, r.Grade)
	}
	if len(r.Indicators) != 2 || r.Indicators[0].Score != 49 || r.Indicators[1].Score != 48 {
		t.Errorf("level-1 scores: %+v", r.Indicators)
	}
	want := map[string]float64{"预算编制": 3, "预算执行": 4, "信息公开": 4, "绩效管理": 15, "采购管理": 9, "资产管理": 9, "运行成本": 4}
	for _, c := range r.Indicators[1].Children {
		if w, ok := want[c.Name]; !ok || w != c.Score {
			t.Errorf("%s = %v, want %v", c.Name, c.Score, w)
		}
	}
	if len(r.Projects) != 9 {
		t.Errorf("%d projects, want 9", len(r.Projects))
	}
}

func TestScoreTextExplainsLostPoints(t *testing.T) {
	out, errs, code := run(t, "score", tianhe)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"总分 97 / 100  等级 优", "B5 采购管理  9 / 10", "B6 资产管理  9 / 10", "− 1 分 【B5.6"} {
		if !strings.Contains(out, s) {
			t.Errorf("score text lacks %q", s)
		}
	}
}

// The report states every figure of the reference, computed from the data.
func TestReportFigures(t *testing.T) {
	out, errs, code := run(t, "report", tianhe, "--format", "md", "-o", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{
		"决算收入3308.63万元", "占总收入的100%", "较上年增加410.63万元，增幅14.2%",
		"决算支出3308.63万元", "基本支出2753.78万元，占总支出的83.23%", "项目支出554.86万元，占总支出的16.77%",
		"年度整体预算执行率100%", "自评97分，自评等级为“优”", "自评得分49分", "自评得分48分",
		"## 三、存在的主要问题", "## 四、下一步改进措施", "部门整体支出绩效自评表", "项目支出绩效自评表",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	// One numbered paragraph per 管理效率 item, each with its points and score.
	for _, s := range []string{"#### 1. 预算编制", "#### 5. 采购管理", "#### 6. 资产管理", "#### 7. 运行成本"} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks heading %q", s)
		}
	}
}

// --kind declaration writes the declaration tables instead of the
// self-evaluation report: no section text, no scores.
func TestReportDeclaration(t *testing.T) {
	out, errs, code := run(t, "report", qinghe, "--kind", "declaration", "--format", "md", "-o", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"部门整体支出绩效目标申报表", "项目支出绩效目标申报表", "财政拨款（本级）", "| 5230.00 |", "实施进度计划", "86 / 88 / 89 / 90"} {
		if !strings.Contains(out, s) {
			t.Errorf("declaration lacks %q", s)
		}
	}
	for _, s := range []string{"二、绩效自评情况", "自评等级", "得分"} {
		if strings.Contains(out, s) {
			t.Errorf("declaration holds %q of the self-evaluation report", s)
		}
	}
	if _, _, code := run(t, "report", qinghe, "--kind", "budget", "-o", "-"); code != 2 {
		t.Errorf("an unknown kind: exit %d, want 2", code)
	}
}

func TestReportFormatsWriteFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"md", "html", "docx", "xlsx"} {
		out := filepath.Join(dir, "r."+f)
		if _, errs, code := run(t, "report", tianhe, "-o", out); code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, errs)
		}
		data, err := os.ReadFile(out)
		if err != nil || len(data) == 0 {
			t.Fatalf("%s: %v, %d bytes", f, err, len(data))
		}
		if f == "docx" || f == "xlsx" {
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("%s is not a zip: %v", f, err)
			}
			if f == "docx" {
				text := zipText(t, zr, "word/document.xml")
				if !strings.Contains(text, "3308.63") || !strings.Contains(text, "自评等级为“优”") {
					t.Error("Word document lacks the computed figures")
				}
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d files in the output directory, want 4 (no temporary files left)", len(entries))
	}
}

func zipText(t *testing.T, zr *zip.Reader, name string) string {
	t.Helper()
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return string(b)
		}
	}
	t.Fatalf("%s not in archive", name)
	return ""
}

func TestCheckReportsEveryErrorWithLines(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`department:
  name: 测试局
  code: "1"
  functions: [职能]
  colour: 蓝
year: 2023
framework: gz-dept-2023
key_tasks: {items: [{lead: 一是, text: 任务}]}
overall_goal: 目标
finance:
  income: [{kind: general_public, amount: "12,34"}]
  expenditure: {basic: 1, project: 1}
  budget: {initial: 1, adjusted: 2}
  carryover: 0
targets:
  - {category: output, name: 甲, direction: ">>", target: 1, actual: 1}
narrative: {management: 甲, conclusion: 乙, achievements: 丙}
`), 0o644)
	out, _, code := run(t, "check", bad)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, s := range []string{"bad.yaml:5: E101", "bad.yaml:11: E102", "bad.yaml:16: E104", "✗ 3 个错误"} {
		if !strings.Contains(out, s) {
			t.Errorf("check output lacks %q:\n%s", s, out)
		}
	}
	// Nothing is written when the data has errors.
	target := filepath.Join(dir, "r.docx")
	if _, _, code := run(t, "report", bad, "-o", target); code != 1 {
		t.Errorf("report on bad data: exit %d, want 1", code)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Error("report on bad data left a file")
	}
}

func TestFrameworkCheck(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "fw.yaml")
	os.WriteFile(bad, []byte(`id: my-city
name: 某市框架
version: "1"
scope: department
total: 100
indicators:
  - {code: A, name: 甲, points: 60, rule: {kind: manual}}
  - code: B
    name: 乙
    points: 30
    children:
      - {code: B1, name: 丙, points: 20, rule: {kind: threshold, measure: no_such}}
      - {code: B1, name: 丁, points: 5}
`), 0o644)
	out, _, code := run(t, "framework", "check", bad)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, s := range []string{"E110", "E105", "E103", "E104"} {
		if !strings.Contains(out, s) {
			t.Errorf("framework check lacks %s:\n%s", s, out)
		}
	}
	// A user framework directory is listed beside the built-in ones, and a
	// broken file there is reported, not silently skipped.
	out, errs, code := run(t, "frameworks", "--frameworks", dir)
	if code != 1 || !strings.Contains(out, "gz-dept-2023") || !strings.Contains(errs, "fw.yaml") {
		t.Errorf("frameworks with a broken user file: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	if _, _, code := run(t, "nosuch"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if _, _, code := run(t, "report", tianhe); code != 2 {
		t.Errorf("report without -o: exit %d, want 2", code)
	}
	if _, _, code := run(t, "report", tianhe, "-o", "x.odt"); code != 2 {
		t.Errorf("report to unknown format: exit %d, want 2", code)
	}
}

func TestGenWritesScorableFiles(t *testing.T) {
	dir := t.TempDir()
	out, errs, code := run(t, "gen", "--departments", "3", "--years", "2", "--projects", "4", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) != 6 || !strings.Contains(out, "6 个部门年度") {
		t.Fatalf("%d files; %s", len(files), out)
	}
	for _, f := range files {
		if _, errs, code := run(t, "score", f); code != 0 {
			t.Errorf("%s does not score: %s", f, errs)
		}
	}
	first, _ := os.ReadFile(files[0])
	dir2 := t.TempDir()
	run(t, "gen", "--departments", "3", "--years", "2", "--projects", "4", "-o", dir2)
	second, _ := os.ReadFile(filepath.Join(dir2, filepath.Base(files[0])))
	if !bytes.Equal(first, second) {
		t.Error("gen with the same options is not reproducible")
	}
}

func TestDeadline(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		// Signed on Friday 2024-09-27: Sunday 09-29 is a make-up working
		// day, so day 1 is 09-29 and day 2 is 09-30.
		{[]string{"--from", "2024-09-27", "--working-days", "2"}, "2024-09-30"},
		// 7 working days from 2024-09-27: 09-29, 09-30, then the National
		// Day holiday 10-01..10-07, 10-08, 10-09, 10-10, 10-11, 10-12 (Sat,
		// make-up) → the 7th is 10-12.
		{[]string{"--from", "2024-09-27", "--working-days", "7"}, "2024-10-12"},
		{[]string{"--from", "2024-09-20", "--days", "20"}, "2024-10-10"},
		// 20 calendar days from 2024-09-11 end on 10-01, a holiday: rolled
		// to the first working day after the National Day break, 10-08.
		{[]string{"--from", "2024-09-11", "--days", "20", "--roll"}, "2024-10-08"},
	} {
		out, errs, code := run(t, append([]string{"deadline"}, tt.args...)...)
		if code != 0 || strings.TrimSpace(out) != tt.want {
			t.Errorf("deadline %v = %q (exit %d, %s), want %s", tt.args, out, code, errs, tt.want)
		}
	}
	if _, errs, code := run(t, "deadline", "--from", "2031-05-01", "--working-days", "3"); code != 1 || !strings.Contains(errs, "未收录 2031 年") {
		t.Errorf("unknown year: exit %d, %s", code, errs)
	}
	if _, _, code := run(t, "deadline", "--from", "2024-09-27"); code != 2 {
		t.Errorf("missing count: exit %d, want 2", code)
	}
}

// Every command that takes a data file accepts what the others accept: a
// workbook that export wrote is checked, scored and reported, whatever
// its name says.
func TestEveryCommandAcceptsAWorkbook(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "j.db")
	if _, errs, code := run(t, "import", "--db", db, tianhe); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	wb := filepath.Join(dir, "export.xlsx")
	if _, errs, code := run(t, "export", "106001", "2023", "--db", db, "-o", wb); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	data, err := os.ReadFile(wb)
	if err != nil {
		t.Fatal(err)
	}
	misnamed := filepath.Join(dir, "data.yaml")
	os.WriteFile(misnamed, data, 0o644)
	for _, file := range []string{wb, misnamed} {
		if out, errs, code := run(t, "check", file); code != 0 || !strings.Contains(out, "0 个错误") {
			t.Errorf("check %s: %d %s %s", file, code, out, errs)
		}
		if out, errs, code := run(t, "score", file); code != 0 || !strings.Contains(out, "总分 97") {
			t.Errorf("score %s: %d %s", file, code, errs)
		}
		if _, errs, code := run(t, "report", file, "--format", "md", "-o", filepath.Join(dir, "r.md")); code != 0 {
			t.Errorf("report %s: %d %s", file, code, errs)
		}
		if _, errs, code := run(t, "import", "--db", filepath.Join(dir, "k.db"), file); code != 0 {
			t.Errorf("import %s: %d %s", file, code, errs)
		}
	}
}

// A PDF made without hb-subset is still made, and the command says why it
// was slow and what to install.
func TestPDFWithoutSubsetterSaysSo(t *testing.T) {
	browser := pdf.Browser()
	if browser == "" {
		t.Skip("Chromium not installed; CI installs it")
	}
	t.Setenv("JIXIAO_CHROMIUM", browser)
	t.Setenv("PATH", t.TempDir())
	out := filepath.Join(t.TempDir(), "r.pdf")
	_, errs, code := run(t, "report", tianhe, "--format", "pdf", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if data, _ := os.ReadFile(out); !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatal("no PDF written")
	}
	if !strings.Contains(errs, "提示：") || !strings.Contains(errs, "libharfbuzz-bin") {
		t.Errorf("stderr does not say why the PDF was slow:\n%s", errs)
	}
}
