package examples_test

import (
	"os"
	"path/filepath"
	"testing"

	bundled "github.com/jixiao/jixiao/examples"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
)

// Every ex-ante example loads, has no finding at all, says it is
// illustrative, and explains every lost point. The Qinghe record scores
// what its header works out by hand from cn-exante-2024: 79.5, just below
// the 80 line, so 调整后予以支持, assessed by the department.
func TestExanteExamples(t *testing.T) {
	files, err := filepath.Glob(bundled.ExantePrefix + "*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no ex-ante examples: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		l, ds := datafile.Exante(f, data)
		if l == nil || ds.Err() != nil {
			t.Fatalf("%s does not load: %v", f, ds)
		}
		a := exante.Assess(l.Value, library(t), exante.Options{})
		if len(a.Findings) > 0 || a.Result == nil {
			t.Fatalf("%s: %v", f, l.Locate(a.Findings))
		}
		if l.Value.Illustrative == "" {
			t.Errorf("%s: an example must say it is illustrative", f)
		}
		everyLossExplained(t, f, a.Result.Indicators)
	}

	data, err := os.ReadFile("exante-qinghe-health-2025.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := datafile.Exante("exante-qinghe-health-2025.yaml", data)
	a := exante.Assess(l.Value, library(t), exante.Options{})
	want := map[string]string{"X1": "18", "X2": "13.5", "X3": "15.5", "X4": "15.5", "X5": "17"}
	for _, n := range a.Result.Indicators {
		if n.Score != pts(want[n.Code]) {
			t.Errorf("%s %s: %s, want %s", n.Code, n.Name, n.Score, want[n.Code])
		}
	}
	if a.Result.Total != pts("79.5") || a.Conclusion != framework.ConclusionAdjusted || a.Result.Grade != "调整后予以支持" {
		t.Errorf("total %s, conclusion %s (%s)", a.Result.Total, a.Conclusion, a.Result.Grade)
	}
	if r := a.Requirement; !r.Needed || r.Assessor != exante.AssessorDepartment {
		t.Errorf("requirement: %+v", r)
	}
}
