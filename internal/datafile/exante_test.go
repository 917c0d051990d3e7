package datafile

import (
	"os"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
)

// An ex-ante record is read like a department-year: every unknown field
// and bad value at once, each with its line, and the lines kept for
// findings made later.
func TestExanteRecord(t *testing.T) {
	data, err := os.ReadFile("../../examples/exante-qinghe-health-2025.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, ds := Exante("r.yaml", data)
	if len(ds) != 0 || l == nil {
		t.Fatalf("example: %v", ds)
	}
	if l.Value.Project.Amount != money.Yuan(3_260_000) || l.Value.Scores["X1.3"].Reason == "" || l.Value.Date.Year() != 2024 {
		t.Errorf("decoded: %+v", l.Value.Project)
	}
	later := l.Locate(diag.List{{Code: diag.ExanteAssessor, Path: "assessor"}})
	if later[0].Line != 31 || later[0].File != "r.yaml" {
		t.Errorf("a later finding is located at %s:%d", later[0].File, later[0].Line)
	}

	bad := strings.NewReplacer("kind: new", "kinds: new", "date: 2024-09-20", "date: 2024-02-30", "amount: 3,260,000.00", "amount: 3,26,000").Replace(string(data))
	_, ds = Exante("r.yaml", []byte(bad))
	for _, want := range []struct {
		code, path string
		line       int
	}{{diag.UnknownField, "project.kinds", 26}, {diag.BadValue, "project.amount", 28}, {diag.BadValue, "date", 33}} {
		found := false
		for _, d := range ds {
			found = found || d.Code == want.code && d.Path == want.path && d.Line == want.line
		}
		if !found {
			t.Errorf("want %s at %s line %d; got %v", want.code, want.path, want.line, ds)
		}
	}
}
