package gen_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/gen"
	"github.com/jixiao/jixiao/internal/ledger"
)

// A generated ledger reads without a problem, names only generated units
// and projects of their years, holds refunds and repeated vouchers, and is
// the same for the same seed.
func TestPaymentsLedger(t *testing.T) {
	evs := gen.Province(gen.Options{Departments: 5, Years: 2, FirstYear: 2023, Projects: 3, Seed: 9})
	var a, b, c bytes.Buffer
	st, err := gen.Payments(&a, evs, 5000, 1)
	if err != nil {
		t.Fatal(err)
	}
	gen.Payments(&b, evs, 5000, 1)
	gen.Payments(&c, evs, 5000, 2)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("the ledger is not reproducible by seed")
	}
	if st.Rows != 5000 || st.Refunds < 50 || st.Duplicates < 5 {
		t.Errorf("stats %+v, want 5000 rows with refunds and duplicates", st)
	}
	known := map[string]bool{}
	for _, ev := range evs {
		known[ev.Department.Code+"|"] = true
		for _, p := range ev.Projects {
			known[ev.Department.Code+"|"+p.Code] = true
		}
	}
	r, err := ledger.Open("g.csv", bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	vouchers := map[string]int{}
	refunds := 0
	for r.Next() {
		p := r.Payment()
		if !known[p.UnitCode+"|"+p.ProjectCode] {
			t.Fatalf("line %d: unknown unit or project %s %s", p.Line, p.UnitCode, p.ProjectCode)
		}
		if p.ProjectCode != "" && !strings.HasPrefix(p.ProjectCode, p.UnitCode+"-"+p.PaidOn.String()[:4]) {
			t.Fatalf("line %d: project %s paid in %s", p.Line, p.ProjectCode, p.PaidOn)
		}
		if p.Amount < 0 {
			refunds++
		}
		vouchers[p.Voucher]++
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if r.Rows() != 5000 || refunds != st.Refunds || len(vouchers) != 5000-st.Duplicates {
		t.Errorf("read %d rows, %d refunds, %d vouchers; stats %+v", r.Rows(), refunds, len(vouchers), st)
	}
}
