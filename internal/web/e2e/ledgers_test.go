package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The reviewer uploads a month's payment ledger on the web and sees what
// was imported; a file with a bad amount is refused, naming the line.
func TestBrowserLedgerUpload(t *testing.T) {
	s := newSuite(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "2023年1-7月支付明细.csv")
	os.WriteFile(good, []byte("支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号\n"+
		"2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,\"100,000.00\",V1\n"+
		"2023-07-05,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,-10000.00,V2\n"), 0o644)
	bad := filepath.Join(dir, "错误.csv")
	os.WriteFile(bad, []byte("支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号\n"+
		"2023-03-10,106001,,行政运行,办公费,一般公共预算,十元,V3\n"), 0o644)

	reviewer := s.newTab("reviewer")
	reviewer.signIn("reviewer")
	reviewer.open("/monitoring")
	reviewer.clickAndLoad(`//a[contains(., "导入支付明细和预算调整")]`)
	reviewer.checkA11y("ledgers")

	reviewer.do(chromedp.SetUploadFiles(`#ledger-payments-file`, []string{bad}))
	reviewer.clickAndLoad(`//button[contains(., "导入支付明细")]`)
	if txt := reviewer.text(); !strings.Contains(txt, "“错误.csv”未导入") || !strings.Contains(txt, "第 2 行") {
		t.Fatalf("the bad file's answer:\n%s", txt)
	}
	reviewer.checkA11y("ledgers refused")
	reviewer.screenshot("ledgers-refused")

	reviewer.do(chromedp.SetUploadFiles(`#ledger-payments-file`, []string{good}))
	reviewer.clickAndLoad(`//button[contains(., "导入支付明细")]`)
	if f := reviewer.flash(); !strings.Contains(f, "读取 2 条，新增 2 条") {
		t.Fatalf("after the upload: %q\n%s", f, reviewer.text())
	}
	if txt := reviewer.text(); !strings.Contains(txt, "2023年1-7月支付明细.csv") {
		t.Errorf("the import is not listed:\n%s", txt)
	}
	reviewer.screenshot("ledgers")
}
