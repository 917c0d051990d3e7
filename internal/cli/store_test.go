package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const qinghe = "../../examples/qinghe-health-2024.yaml"

// The store commands work end to end on an embedded database: import,
// list, score and report from the store, export to YAML and to a workbook
// that imports back unchanged, history after a changed re-import.
func TestStoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "j.db")
	t.Setenv("JIXIAO_DB", db)
	out, errs, code := run(t, "import", tianhe, qinghe)
	if code != 0 || !strings.Contains(out, "新增 2") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, _ = run(t, "list", "--format", "json")
	var rows []struct {
		DepartmentCode string  `json:"department_code"`
		Year           int     `json:"year"`
		Status         string  `json:"status"`
		Total          float64 `json:"total"`
		Grade          string  `json:"grade"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("list json: %v\n%s", err, out)
	}
	if rows[0].DepartmentCode != "106001" || rows[0].Total != 97 || rows[0].Grade != "优" || rows[0].Status != "draft" {
		t.Errorf("first row: %+v", rows[0])
	}
	out, errs, code = run(t, "score", "106001", "2023")
	if code != 0 || !strings.Contains(out, "总分 97 / 100  等级 优") {
		t.Errorf("score from store: exit %d %s\n%s", code, errs, out)
	}
	fromFile, _, _ := run(t, "report", tianhe, "-o", "-", "--format", "md")
	fromStore, _, _ := run(t, "report", "106001", "2023", "-o", "-", "--format", "md")
	if fromFile != fromStore || fromFile == "" {
		t.Error("report from the store differs from the report from the file")
	}

	// Export to YAML and to a workbook: both import back unchanged.
	y := filepath.Join(dir, "t.yaml")
	x := filepath.Join(dir, "t.xlsx")
	for _, f := range []string{y, x} {
		if _, errs, code := run(t, "export", "106001", "2023", "-o", f); code != 0 {
			t.Fatalf("export %s: %s", f, errs)
		}
		out, errs, code := run(t, "import", f)
		if code != 0 || !strings.Contains(out, "未变 1") {
			t.Errorf("re-import of %s: exit %d\n%s%s", filepath.Base(f), code, out, errs)
		}
	}

	// A changed value replaces the year and is recorded in its history.
	data, _ := os.ReadFile(y)
	changed := strings.Replace(string(data), "actual: \"80\"", "actual: \"85\"", 1)
	if changed == string(data) {
		t.Fatal("exported YAML does not hold the expected target value")
	}
	os.WriteFile(y, []byte(changed), 0o644)
	if out, errs, code := run(t, "import", "--reason", "更正完成值", "--actor", "张三", y); code != 0 || !strings.Contains(out, "更新 1") {
		t.Fatalf("changed import: %s%s", out, errs)
	}
	out, _, _ = run(t, "history", "106001", "2023")
	for _, s := range []string{"版本 2", "张三", "更正完成值", `绩效目标“政务信息被市级以上刊物采用”实际完成值："80" → "85"`} {
		if !strings.Contains(out, s) {
			t.Errorf("history lacks %q:\n%s", s, out)
		}
	}
}

// An import of several files with one bad file writes nothing and lists
// every error.
func TestImportAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	bad := filepath.Join(dir, "bad.yaml")
	data, _ := os.ReadFile(qinghe)
	os.WriteFile(bad, []byte(strings.Replace(string(data), "year: 2024", "year: 2024\ncolour: 蓝", 1)), 0o644)
	_, errs, code := run(t, "import", tianhe, bad)
	if code != 1 || !strings.Contains(errs, "bad.yaml") || !strings.Contains(errs, "E101") || !strings.Contains(errs, "未导入任何数据") {
		t.Errorf("exit %d\n%s", code, errs)
	}
	out, _, _ := run(t, "list", "--format", "json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("store is not empty after a failed import: %s", out)
	}
}

func TestTemplateCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tpl.xlsx")
	if _, errs, code := run(t, "template", "-o", out); code != 0 {
		t.Fatalf("template: %s", errs)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Errorf("template not written: %v", err)
	}
	if _, _, code := run(t, "template", "--framework", "nosuch", "-o", out); code != 2 {
		t.Errorf("unknown framework: exit %d, want 2", code)
	}
}

func TestUserAdd(t *testing.T) {
	t.Setenv("JIXIAO_DB", filepath.Join(t.TempDir(), "j.db"))
	var out, errb strings.Builder
	code := Run([]string{"user", "add", "--name", "zhang", "--role", "editor", "--department", "106001"}, strings.NewReader("correct-horse-1\n"), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "已创建用户 zhang（部门填报人，部门 106001）") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	// The same name again, a short password, an editor without a
	// department: each refused.
	for _, c := range []struct {
		args []string
		pw   string
	}{
		{[]string{"--name", "zhang", "--role", "editor", "--department", "106001"}, "correct-horse-1\n"},
		{[]string{"--name", "li", "--role", "reviewer"}, "short\n"},
		{[]string{"--name", "wang", "--role", "editor"}, "correct-horse-1\n"},
	} {
		var o, eb strings.Builder
		if code := Run(append([]string{"user", "add"}, c.args...), strings.NewReader(c.pw), &o, &eb); code == 0 {
			t.Errorf("%v accepted: %s", c.args, o.String())
		}
	}
	if _, _, code := run(t, "user", "add", "--name", "x", "--role", "boss"); code != 2 {
		t.Errorf("unknown role: exit %d, want 2", code)
	}
}

// A re-import stating another department name keeps the registered name
// and warns, naming the file and the field; with --update-departments the
// operator renames the department.
func TestImportKeepsDepartmentMasterData(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatal(errs)
	}
	data, _ := os.ReadFile(tianhe)
	const registered = "广州市天河区人民政府办公室"
	renamed := strings.Replace(string(data), "name: "+registered, "name: 天河区政府办（改名）", 1)
	if renamed == string(data) {
		t.Fatal("the example does not hold the expected name")
	}
	f := filepath.Join(dir, "renamed.yaml")
	os.WriteFile(f, []byte(renamed), 0o644)
	out, errs, code := run(t, "import", f)
	if code != 0 || !strings.Contains(errs, "renamed.yaml") || !strings.Contains(errs, "W172") ||
		!strings.Contains(errs, "以系统登记为准") || !strings.Contains(errs, "--update-departments") {
		t.Fatalf("import without the flag: exit %d\n%s%s", code, out, errs)
	}
	if out, _, _ := run(t, "list"); !strings.Contains(out, registered) || strings.Contains(out, "改名") {
		t.Errorf("list after the import without the flag:\n%s", out)
	}
	out, errs, code = run(t, "import", "--update-departments", "--reason", "更名", f)
	if code != 0 || strings.Contains(errs, "W172") {
		t.Fatalf("import with the flag: exit %d\n%s%s", code, out, errs)
	}
	if out, _, _ := run(t, "list"); !strings.Contains(out, "天河区政府办（改名）") {
		t.Errorf("list after the import with the flag:\n%s", out)
	}
}

// `year open` gives the Tianhe example its 2024 successor in the
// declaration stage: 2023's income as the prior-year income, the
// continuing projects; lists show the stage instead of a score, and a
// second opening is refused naming the year.
func TestYearOpen(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if out, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatalf("import: %s%s", out, errs)
	}
	out, errs, code := run(t, "year", "open", "106001", "2024", "--actor", "财政局", "--reason", "2024 年预算编制")
	if code != 0 || !strings.Contains(out, "已由 2023 年度开启部门 106001") || !strings.Contains(out, "目标申报阶段") ||
		!strings.Contains(out, "延续项目 9 个") || !strings.Contains(out, "上年决算收入 3308.63 万元") {
		t.Fatalf("year open: exit %d\n%s%s", code, out, errs)
	}
	out, _, _ = run(t, "list")
	var line2024 string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "2024") {
			line2024 = l
		}
	}
	if !strings.Contains(line2024, "目标申报") || !strings.Contains(line2024, "草稿") || !strings.Contains(line2024, "—") {
		t.Errorf("list row of 2024: %q\n%s", line2024, out)
	}
	out, _, _ = run(t, "history", "106001", "2024")
	if !strings.Contains(out, "由2023年度开启：2024 年预算编制") || !strings.Contains(out, "财政局") {
		t.Errorf("history:\n%s", out)
	}
	_, errs, code = run(t, "year", "open", "106001", "2024")
	if code != 1 || !strings.Contains(errs, "部门 106001 2024 年度已存在") {
		t.Errorf("second opening: exit %d %s", code, errs)
	}
	_, errs, code = run(t, "score", "106001", "2024")
	if code != 1 || !strings.Contains(errs, "目标申报") {
		t.Errorf("score of a declaration: exit %d %s", code, errs)
	}
	// The declaration is rendered, exported, and imported back as a
	// declaration (checked without year-end values, not scored).
	decl := filepath.Join(dir, "decl.docx")
	if _, errs, code := run(t, "report", "106001", "2024", "--kind", "declaration", "-o", decl); code != 0 {
		t.Errorf("declaration report of the stored year: exit %d %s", code, errs)
	}
	file := filepath.Join(dir, "2024.yaml")
	if _, errs, code := run(t, "export", "106001", "2024", "-o", file); code != 0 {
		t.Fatalf("export: exit %d %s", code, errs)
	}
	if _, errs, code := run(t, "import", file); code != 1 || !strings.Contains(errs, "实际完成值") {
		t.Errorf("a declaration imported as a year-end file: exit %d %s", code, errs)
	}
	if out, errs, code := run(t, "import", "--stage", "declaration", file); code != 0 || !strings.Contains(out, "未变 1") {
		t.Errorf("a declaration imported back: exit %d %s%s", code, out, errs)
	}
}

// An ex-ante record is stored into the year it belongs to, concluded,
// and then refused until its conclusion is withdrawn; the year's history
// names it.
func TestExanteImport(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if out, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatalf("import: %s%s", out, errs)
	}
	if out, errs, code := run(t, "year", "open", "106001", "2024"); code != 0 {
		t.Fatalf("year open: %s%s", out, errs)
	}
	data, err := os.ReadFile(exanteExample)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(`code: "999-207001"`, `code: "106001"`, "year: 2025", "year: 2024", "QH-WJ-2025-003", "THZFB-2024-10").Replace(string(data))
	file := filepath.Join(dir, "exante.yaml")
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := run(t, "exante", "import", "106001", "2023", file); code == 0 || !strings.Contains(errs, "2024 年度") {
		t.Errorf("record of 2024 into 2023: exit %d %s", code, errs)
	}
	out, errs, code := run(t, "exante", "import", "106001", "2024", file, "--actor", "评估组", "--conclude")
	if code != 0 || !strings.Contains(out, "项目 青禾区社区老年人健康服务驿站建设项目（THZFB-2024-10）") || !strings.Contains(out, "已出结论") ||
		!strings.Contains(out, "79.5 分，调整后予以支持") {
		t.Fatalf("exante import: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code := run(t, "exante", "import", "106001", "2024", file); code == 0 || !strings.Contains(errs, "已出结论") {
		t.Errorf("import over a concluded record: exit %d %s", code, errs)
	}
	out, _, _ = run(t, "history", "106001", "2024")
	if !strings.Contains(out, "项目 THZFB-2024-10事前绩效评估状态") || !strings.Contains(out, "评估组") {
		t.Errorf("history:\n%s", out)
	}
}

// jixiao dates sets the annual notice's dates (a reason required, every
// setting kept) and jixiao notify lists the digests it would send; --send
// without a configured server sends nothing and says why.
func TestDatesAndNotify(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	t.Setenv("JIXIAO_SMTP_HOST", "")
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := run(t, "dates", "set", "2023", "evaluation_due", "2024-03-29"); code != 1 || !strings.Contains(errs, "须填写设置原因") {
		t.Errorf("no reason: %d %s", code, errs)
	}
	if _, errs, code := run(t, "dates", "set", "2023", "due", "2024-03-29", "--reason", "x"); code != 2 || !strings.Contains(errs, "日期项目 \"due\" 无效") {
		t.Errorf("bad key: %d %s", code, errs)
	}
	out, errs, code := run(t, "dates", "set", "2023", "evaluation_due", "2024-03-29", "--reason", "财预通知", "--actor", "op")
	if code != 0 || !strings.Contains(out, "2023 年度绩效自评报送截止日期（全部地区）：2024年3月29日") {
		t.Fatalf("set: %d %s %s", code, out, errs)
	}
	run(t, "dates", "set", "2023", "evaluation_due", "2024-03-30", "--reason", "更正", "--actor", "op")
	out, _, _ = run(t, "dates", "list", "2023")
	if !strings.Contains(out, "2024-03-29  已被后设的日期取代") || !strings.Contains(out, "2024-03-30  有效") {
		t.Errorf("list:\n%s", out)
	}
	var o, eb strings.Builder
	if code := Run([]string{"user", "add", "--name", "zhang", "--role", "editor", "--department", "106001", "--email", "zhang@example.gov.cn"}, strings.NewReader("correct-horse-1\n"), &o, &eb); code != 0 {
		t.Fatal(eb.String())
	}
	out, errs, code = run(t, "notify", "--today", "2024-03-28")
	if code != 0 || !strings.Contains(out, "zhang（zhang@example.gov.cn）1 项") || !strings.Contains(out, "提交 2023 年度绩效自评 /evaluations/106001/2023 截止 2024-03-30") {
		t.Errorf("notify: %d\n%s%s", code, out, errs)
	}
	if out, _, _ := run(t, "notify", "--today", "2024-03-20"); !strings.Contains(out, "共 0 位用户") {
		t.Errorf("early:\n%s", out)
	}
	if _, errs, code := run(t, "notify", "--send"); code != 1 || !strings.Contains(errs, "未配置邮件服务器") {
		t.Errorf("send unconfigured: %d %s", code, errs)
	}
}
