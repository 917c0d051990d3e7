package ledger

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/money"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// A budget change file is read whole in either header language and
// encoding; every bad value is named with its line and column.
func TestReadChanges(t *testing.T) {
	zh := "调整日期,预算单位编码,项目编码,调整金额（元）,调整文号,调整原因\n" +
		"2024/6/15,900001,900001-2024-01,\"40,000.00\",示财预〔2024〕12号,追加\n" +
		"\n" +
		"20240820,900001,,-100000,示财预〔2024〕30号,\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(zh)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"utf8.csv": zh, "gbk.csv": gbk} {
		cs, err := ReadChanges(name, strings.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(cs) != 2 || cs[0].ChangedOn != civil.MustDate(2024, time.June, 15) || cs[0].Amount != money.Yuan(40_000) || cs[0].Document != "示财预〔2024〕12号" || cs[0].Line != 2 ||
			cs[1].ProjectCode != "" || cs[1].Amount != -money.Yuan(100_000) || cs[1].Line != 4 || cs[1].Reason != "" {
			t.Errorf("%s: %+v", name, cs)
		}
	}
	en := "changed_on,unit_code,project_code,amount,document\n2024-06-15,900001,,12.5,D1\n"
	if cs, err := ReadChanges("en.csv", strings.NewReader(en)); err != nil || len(cs) != 1 || cs[0].Amount != 1250 {
		t.Errorf("English headers: %+v, %v", cs, err)
	}

	bad := "调整日期,预算单位编码,项目编码,调整金额（元）,调整文号\n" +
		"2024-02-30,900001,,100,D1\n" +
		",900001,,0,\n"
	_, err = ReadChanges("bad.csv", strings.NewReader(bad))
	var le *Error
	if !errors.As(err, &le) {
		t.Fatalf("error %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"第 2 行 “调整日期”列 的值 \"2024-02-30\"", "第 3 行 “调整日期”列：不能为空", "第 3 行 “调整金额（元）”列 的值 \"0\"：调整金额为零", "第 3 行 “调整文号”列：不能为空"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q:\n%s", want, msg)
		}
	}
	if _, err := ReadChanges("h.csv", strings.NewReader("调整日期,预算单位编码\n")); err == nil || !strings.Contains(err.Error(), "调整金额（元）（amount）") || !strings.Contains(err.Error(), "调整文号（document）") {
		t.Errorf("missing columns: %v", err)
	}
	if _, err := ReadChanges("e.csv", strings.NewReader("")); err == nil || !strings.Contains(err.Error(), "没有表头和预算调整记录") {
		t.Errorf("empty file: %v", err)
	}
}

// FuzzReadChanges: arbitrary bytes give changes or named problems, never a
// panic, within the time budget.
func FuzzReadChanges(f *testing.F) {
	f.Add([]byte("调整日期,预算单位编码,项目编码,调整金额（元）,调整文号,调整原因\n2024-06-15,900001,P1,\"40,000.00\",D1,追加\n"))
	f.Add([]byte("changed_on,unit_code,project_code,amount,document\n2024-06-15,1,,-1,D\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		cs, err := ReadChanges("x.csv", bytes.NewReader(data))
		if err != nil {
			checkError(t, err)
			return
		}
		for _, c := range cs {
			if c.Document == "" || c.UnitCode == "" || c.Amount == 0 {
				t.Fatalf("a change without document, unit or amount: %+v", c)
			}
		}
		if took := time.Since(start); took > parseBudget {
			t.Fatalf("reading %d bytes took %v", len(data), took)
		}
	})
}
