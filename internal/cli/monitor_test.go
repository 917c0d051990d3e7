package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

// gen --payments writes a ledger of the generated province that imports
// whole; a second import adds nothing and says so; the same seed gives
// the same ledger.
func TestMonitorImportGeneratedLedger(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	gen := filepath.Join(dir, "gen")
	out, errs, code := run(t, "gen", "--departments", "3", "--projects", "2", "--first-year", "2024", "--payments", "3000", "--seed", "5", "-o", gen)
	if code != 0 || !strings.Contains(out, "已生成支付明细") {
		t.Fatalf("gen: exit %d\n%s%s", code, out, errs)
	}
	ledger := filepath.Join(gen, "payments.csv")
	first, _ := os.ReadFile(ledger)
	if _, errs, code := run(t, "gen", "--departments", "3", "--projects", "2", "--first-year", "2024", "--payments", "3000", "--seed", "5", "-o", gen); code != 0 {
		t.Fatal(errs)
	}
	if again, _ := os.ReadFile(ledger); string(again) != string(first) {
		t.Error("the same seed gave another ledger")
	}
	dup := regexp.MustCompile(`重复导出的凭证 (\d+) 条`).FindStringSubmatch(out)
	if dup == nil || dup[1] == "0" {
		t.Fatalf("gen says no duplicates: %s", out)
	}
	yamls, _ := filepath.Glob(filepath.Join(gen, "*.yaml"))
	if _, errs, code := run(t, append([]string{"import"}, yamls...)...); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code = run(t, "monitor", "import", ledger, "--actor", "财政局")
	if code != 0 || !strings.Contains(out, "读取 3000 条") || !strings.Contains(out, dup[1]+" 条的支付凭证号已入库") {
		t.Fatalf("monitor import: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = run(t, "monitor", "import", ledger)
	if code != 0 || !strings.Contains(out, "新增 0 条") || !strings.Contains(out, "3000 条的支付凭证号已入库") || !strings.Contains(out, "与之前第 1 次导入的文件相同") {
		t.Errorf("second import: exit %d\n%s%s", code, out, errs)
	}
}

// A refused file adds nothing and the others are still imported.
func TestMonitorImportEachFileAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatal(errs)
	}
	head := "paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n"
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte(head+"2023-03-01,106001,,行政运行,办公费,一般公共预算,10.00,A1\n"), 0o644)
	os.WriteFile(bad, []byte(head+"2023-03-01,106001,,行政运行,办公费,一般公共预算,10.00,B1\n2023-03-01,106001,,行政运行,办公费,一般公共预算,十元,B2\n"), 0o644)
	out, errs, code := run(t, "monitor", "import", bad, good)
	if code != 1 || !strings.Contains(errs, "bad.csv：第 3 行 “amount”列 的值 \"十元\"") || !strings.Contains(out, "good.csv（CSV（UTF-8））：读取 1 条，新增 1 条") || !strings.Contains(errs, "2 个文件中 1 个未导入") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	// The bad file's good row B1 was not kept: importing B1 alone adds it.
	os.WriteFile(bad, []byte(head+"2023-03-01,106001,,行政运行,办公费,一般公共预算,10.00,B1\n"), 0o644)
	if out, errs, code := run(t, "monitor", "import", bad); code != 0 || !strings.Contains(out, "新增 1 条") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}

// monitor status: the stored year's initial budgets against the imported
// payments at a month's end, refunds deducted, with the sentence a
// warning will carry; bad input is refused in Chinese.
func TestMonitorStatus(t *testing.T) {
	withTianheLedger(t)
	out, errs, code := run(t, "monitor", "status", "106001", "2023", "--month", "7")
	// THZFB-2023-01: 480,000.00 initial, 140,000.00 paid by July after the
	// refund (September's payment is later): 29.17% against 58.33%.
	// Beyond 20 points behind: red under the built-in warning rules.
	if code != 0 || !strings.Contains(out, "THZFB-2023-01 政务值班值守保障经费：截至7月末执行 29.17%，序时进度 58.33%，落后 29.16 个百分点（红色：落后超过 20 个百分点）；处理方式：暂缓拨款") ||
		!strings.Contains(out, "预警规则：预算执行预警规则（默认）") {
		t.Fatalf("status: exit %d\n%s%s", code, out, errs)
	}
	// The table's columns line up on screen: every row puts the 执行率
	// column's end at the same display column as the heading.
	assertAligned(t, out, "执行率", "%")
	// The department: 160,000.00 of 3021.86 万元 (basic expenditure included).
	if !strings.Contains(out, "部门：截至7月末执行 0.53%") || !strings.Contains(out, "预计方法：") {
		t.Errorf("department line:\n%s", out)
	}
	out, _, code = run(t, "monitor", "status", "106001", "2023", "--month", "7", "--format", "json")
	if code != 0 || !strings.Contains(out, `"Through": 7`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"monitor", "status", "106001", "2023"},
		{"monitor", "status", "106001", "2023", "--month", "13"},
		{"monitor", "status", "106001"},
		{"monitor", "status", "999999", "2023", "--month", "7"},
		{"monitor", "status", "106001", "2023", "--month", "7", "--format", "xml"},
	} {
		_, errs, code := run(t, args...)
		if code == 0 || englishIn(errs) != nil {
			t.Errorf("jixiao %s: exit %d %q", strings.Join(args, " "), code, errs)
		}
	}
}

// monitor budget: a change imported moves the budget the execution rate is
// measured against, from its month on; re-importing adds nothing; a bad
// row is named.
func TestMonitorBudget(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatal(errs)
	}
	ledger := filepath.Join(dir, "p.csv")
	os.WriteFile(ledger, []byte("paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n"+
		"2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,140000.00,V1\n"), 0o644)
	if _, errs, code := run(t, "monitor", "import", ledger); code != 0 {
		t.Fatal(errs)
	}
	changes := filepath.Join(dir, "c.csv")
	os.WriteFile(changes, []byte("调整日期,预算单位编码,项目编码,调整金额（元）,调整文号,调整原因\n"+
		"2023-05-20,106001,THZFB-2023-01,\"20,000.00\",穗天财预〔2023〕8号,追加值班经费\n"), 0o644)
	out, errs, code := run(t, "monitor", "budget", changes)
	if code != 0 || !strings.Contains(out, "读取预算调整 1 条，新增 1 条") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if out, _, _ := run(t, "monitor", "budget", changes); !strings.Contains(out, "新增 0 条") || !strings.Contains(out, "未重复计入") {
		t.Errorf("re-import:\n%s", out)
	}
	// 140,000.00 of 480,000.00 + 20,000.00 from May on: 28.00%.
	out, errs, code = run(t, "monitor", "status", "106001", "2023", "--month", "7")
	if code != 0 || !strings.Contains(out, "截至7月末执行 28.00%") {
		t.Fatalf("status: exit %d\n%s%s", code, out, errs)
	}
	out, _, _ = run(t, "monitor", "status", "106001", "2023", "--month", "4")
	if !strings.Contains(out, "截至4月末执行 29.17%") {
		t.Errorf("April, before the change:\n%s", out)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("调整日期,预算单位编码,项目编码,调整金额（元）,调整文号\n2023-05-20,106001,,0,X1\n2023-13-01,106001,,5,X2\n"), 0o644)
	if _, errs, code := run(t, "monitor", "budget", bad); code != 1 || !strings.Contains(errs, "第 2 行 “调整金额（元）”列") || !strings.Contains(errs, "第 3 行 “调整日期”列") {
		t.Errorf("bad file: exit %d\n%s", code, errs)
	}
}

// monitor report writes the monitoring tables with the figures of the
// ledger, in every format asked for; without a stored checkpoint report
// the entries are blank, and the JSON says what a submission lacks.
func TestMonitorReport(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatal(errs)
	}
	ledger := filepath.Join(dir, "p.csv")
	os.WriteFile(ledger, []byte("paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n"+
		"2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,150000.00,V1\n"+
		"2023-07-05,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,-10000.00,V2\n"), 0o644)
	if _, errs, code := run(t, "monitor", "import", ledger); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := run(t, "monitor", "report", "106001", "2023", "--month", "7", "--format", "json")
	if code != 0 || !strings.Contains(errs, "尚未填报 7 月绩效监控表") {
		t.Fatalf("json: exit %d\n%s", code, errs)
	}
	var res MonitoringReport
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	var p1 *monitor.Line
	for i := range res.Execution.Projects {
		if res.Execution.Projects[i].Code == "THZFB-2023-01" {
			p1 = &res.Execution.Projects[i]
		}
	}
	// 140,000.00 of 480,000.00 by July.
	if p1 == nil || p1.Last().Rate.String() != "29.17" || res.Status != "" || len(res.Findings) == 0 || res.Findings[0].Code != "E235" {
		t.Fatalf("json report: %+v %+v", p1, res.Findings)
	}
	for _, ext := range []string{"docx", "xlsx", "md"} {
		path := filepath.Join(dir, "m."+ext)
		if _, errs, code := run(t, "monitor", "report", "106001", "2023", "--month", "7", "-o", path); code != 0 {
			t.Fatalf("%s: %s", ext, errs)
		}
		data, _ := os.ReadFile(path)
		text := string(data)
		if ext != "md" {
			text = reporttest.MustOfficeText(t, data)
		}
		rate := "29.17%"
		if ext == "xlsx" {
			rate = "<v>0.2917</v>" // a number cell, formatted as a percentage
		}
		for _, want := range []string{"项目支出绩效目标执行监控表", "政务值班值守保障经费", "1—7月执行率", rate} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", ext, want)
			}
		}
	}
	for _, args := range [][]string{
		{"monitor", "report", "106001", "2023"},
		{"monitor", "report", "106001", "2023", "--month", "0", "--format", "md"},
		{"monitor", "report", "106001", "2023", "--month", "7"},
		{"monitor", "report", "106001", "2023", "--month", "7", "--format", "xml"},
		{"monitor", "report", "999999", "2023", "--month", "7", "--format", "md"},
	} {
		_, errs, code := run(t, args...)
		if code == 0 || englishIn(errs) != nil {
			t.Errorf("jixiao %s: exit %d %q", strings.Join(args, " "), code, errs)
		}
	}
}

// assertAligned checks that in the table of out starting at the line
// holding heading, the column of heading ends at the same display column
// on every row up to the first empty line (the rows' cell in that column
// ending with suffix, or a dash).
func assertAligned(t *testing.T, out, heading, suffix string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, heading) })
	if start < 0 {
		t.Fatalf("no heading %s in\n%s", heading, out)
	}
	end := func(line, cell string) int {
		i := strings.Index(line, cell)
		if i < 0 {
			return -1
		}
		return displayWidth(line[:i+len(cell)])
	}
	want := end(lines[start], heading)
	rows := 0
	for _, l := range lines[start+1:] {
		if l == "" {
			break
		}
		fields := strings.Fields(l)
		var cell string
		for _, f := range fields {
			if strings.HasSuffix(f, suffix) {
				cell = f
				break
			}
		}
		if cell == "" {
			continue
		}
		rows++
		if got := end(l, " "+cell); got != want {
			t.Errorf("column %s ends at %d, the cell %q of %q at %d:\n%s", heading, want, cell, l, got, out)
		}
	}
	if rows == 0 {
		t.Errorf("no rows under %s:\n%s", heading, out)
	}
}

// withTianheLedger stores the Tianhe 2023 example and a small ledger of
// its payments in a new database.
func withTianheLedger(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatal(errs)
	}
	head := "paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n"
	ledger := filepath.Join(dir, "p.csv")
	os.WriteFile(ledger, []byte(head+
		"2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,100000.00,V1\n"+
		"2023-06-20,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,\"50,000.00\",V2\n"+
		"2023-07-05,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,-10000.00,V3\n"+
		"2023-07-01,106001,,行政运行,办公费,一般公共预算,20000.00,V4\n"+
		"2023-09-01,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,90000.00,V5\n"), 0o644)
	if _, errs, code := run(t, "monitor", "import", ledger); code != 0 {
		t.Fatal(errs)
	}
}

// monitor warnings --refresh computes and stores the warnings of every
// department-year of the year; a second run without --refresh lists the
// same; filters and bad input are refused in Chinese.
func TestMonitorWarnings(t *testing.T) {
	withTianheLedger(t)
	out, errs, code := run(t, "monitor", "warnings", "2023", "--month", "7", "--refresh", "--actor", "财政局")
	if code != 0 || !strings.Contains(errs, "已计算 1 个部门年度") ||
		!strings.Contains(out, "项目 THZFB-2023-01 政务值班值守保障经费：截至7月末执行 29.17%，序时进度 58.33%，落后 29.16 个百分点（红色：落后超过 20 个百分点）。") {
		t.Fatalf("warnings --refresh: exit %d\n%s%s", code, out, errs)
	}
	assertAligned(t, out, "执行率", "%")
	again, errs, code := run(t, "monitor", "warnings", "2023", "--month", "7")
	if code != 0 || again != out {
		t.Errorf("listing again: exit %d\n%s%s\nwant\n%s", code, again, errs, out)
	}
	none, _, code := run(t, "monitor", "warnings", "2023", "--month", "7", "--state", "已通过")
	if code != 0 || !strings.Contains(none, "共 0 条") {
		t.Errorf("passed warnings: exit %d\n%s", code, none)
	}
	red, _, code := run(t, "monitor", "warnings", "2023", "--month", "7", "--level", "红色", "--state", "open")
	if code != 0 || !strings.Contains(red, "THZFB-2023-01") || strings.Contains(red, "橙色") {
		t.Errorf("red open warnings: exit %d\n%s", code, red)
	}
	for _, args := range [][]string{
		{"monitor", "warnings", "2023"},
		{"monitor", "warnings", "二〇二三", "--month", "7"},
		{"monitor", "warnings", "2023", "--month", "7", "--level", "purple", "--state", "late"},
		{"monitor", "warnings", "2023", "--month", "7", "--limit", "0"},
		{"monitor", "warnings", "2023", "--month", "7", "--format", "xml"},
	} {
		_, errs, code := run(t, args...)
		if code == 0 || englishIn(errs) != nil {
			t.Errorf("jixiao %s: exit %d %q", strings.Join(args, " "), code, errs)
		}
	}
}
