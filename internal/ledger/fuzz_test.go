package ledger

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// parseBudget is the time one fuzz input may take to read: a ledger is
// read row by row, so a small input that takes long is a defect.
const parseBudget = 2 * time.Second

// FuzzOpen feeds arbitrary bytes to the ledger reader: it must return
// payments or named problems, never panic, and every problem it names is
// in Chinese-readable UTF-8 with a reason.
func FuzzOpen(f *testing.F) {
	f.Add([]byte("支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号,收款人,摘要\n2024-07-01,106001,P1,2010101,30201,一般公共预算,\"1,200.00\",V1,某公司,办公用品\n"))
	f.Add([]byte("\ufeffpaid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n2024-02-30,106001,,a,b,c,-1.005,V1\n"))
	f.Add([]byte("paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n2024-01-01,1,,a,b,c,1,\"x\"y\"\n"))
	f.Add([]byte("\xd6\xa7\xb8\xb6\xc8\xd5\xc6\xda\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		r, err := Open("x.csv", bytes.NewReader(data))
		if err != nil {
			checkError(t, err)
			return
		}
		defer r.Close()
		n := 0
		for r.Next() {
			p := r.Payment()
			if p.Voucher == "" || p.UnitCode == "" {
				t.Fatalf("a payment without voucher or unit: %+v", p)
			}
			n++
		}
		if err := r.Err(); err != nil {
			checkError(t, err)
		}
		if took := time.Since(start); took > parseBudget {
			t.Fatalf("reading %d bytes (%d rows) took %v, more than %v", len(data), n, took, parseBudget)
		}
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if msg == "" || !utf8.ValidString(msg) {
		t.Fatalf("an error without a readable message: %q", msg)
	}
	if e, ok := err.(*Error); ok {
		for _, p := range e.Problems {
			if strings.TrimSpace(p.Reason) == "" {
				t.Fatalf("a problem without its reason: %+v", p)
			}
		}
	}
}
