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
	if len(ls) != 16 {
		t.Errorf("%d department-years, want 16 (2 examples + 14)", len(ls))
	}
	seen := map[string]bool{}
	for _, l := range ls {
		seen[l.Status] = true
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
