package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
