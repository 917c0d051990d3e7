package demo

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// A seeded store holds the examples and department-years in every status,
// and every demo account signs in with the demo password.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	accounts, err := Seed(ctx, st, Options{Departments: 14, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := st.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	evaluated, declared := 0, map[string]bool{}
	for _, l := range ls {
		if l.Stage == workflow.Evaluation {
			evaluated++
			seen[l.Status] = true
			continue
		}
		// A district's next year is being declared, opened from the
		// year before.
		rec, err := st.Get(ctx, l.DepartmentCode, l.Year)
		if err != nil {
			t.Fatal(err)
		}
		if l.Stage != workflow.Declaration || l.Status != workflow.Draft || rec.OpenedFrom != l.Year-1 || l.Total != 0 {
			t.Errorf("%s %d: stage %s status %s opened from %d total %s", l.DepartmentCode, l.Year, l.Stage, l.Status, rec.OpenedFrom, l.Total)
		}
		declared[rec.Evaluation.Department.Region] = true
	}
	if evaluated != 16 {
		t.Errorf("%d department-years in the evaluation stage, want 16 (2 examples + 14)", evaluated)
	}
	if len(declared) != 1 || len(ls) == evaluated {
		t.Errorf("declaration stage in districts %v, want one district", declared)
	}
	for _, s := range workflow.Statuses {
		if !seen[s] {
			t.Errorf("no department-year in status %s", s)
		}
	}
	roles := map[string]bool{}
	for _, a := range accounts {
		roles[a.Role] = true
		if _, err := st.Authenticate(ctx, a.Username, Password); err != nil {
			t.Errorf("%s cannot sign in: %v", a.Username, err)
		}
	}
	if len(roles) != 4 {
		t.Errorf("accounts cover roles %v, want all four", roles)
	}
}
