package datafile

import (
	"github.com/jixiao/jixiao/internal/exante"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/rules"
)

func TestBuiltinFrameworksValidate(t *testing.T) {
	lib, ds := LoadLibrary()
	if len(ds) > 0 {
		t.Fatalf("built-in frameworks have findings:\n%v", ds)
	}
	for _, id := range []string{"gz-dept-2023", "cn-project-2020"} {
		if _, ok := lib.Framework(id); !ok {
			t.Errorf("built-in framework %s missing", id)
		}
	}
}

// The built-in target-quality rules read without a finding, and every
// check runs and states its source.
func TestDefaultQualityRules(t *testing.T) {
	data, err := rules.FS.ReadFile(DefaultQualityFile)
	if err != nil {
		t.Fatal(err)
	}
	q, ds := QualityRules(DefaultQualityFile, data)
	if len(ds) > 0 || q == nil {
		t.Fatalf("built-in quality rules: %v", ds)
	}
	if !q.Outputs.Enabled || len(q.Outputs.Required) != 4 || q.Effects.Min != 1 || q.Cost.Units["万元"] != 10000 || !q.Trivial.ZeroFloor {
		t.Errorf("rules read as %+v", q)
	}
	bad := strings.Replace(string(data), "required: [数量指标, 质量指标, 时效指标, 成本指标]", "required: [数量指标, 速度指标]", 1)
	bad = strings.Replace(bad, "  min: 1", "  min: -1", 1)
	_, ds = QualityRules("q.yaml", []byte(bad))
	if len(ds.Errors()) != 2 || ds.Errors()[0].Line == 0 {
		t.Errorf("want two located errors, got %v", ds)
	}
}

// The built-in warning rules read without a finding; a broken copy names
// every problem at its line.
func TestDefaultWarningRules(t *testing.T) {
	data, err := rules.FS.ReadFile(DefaultWarningsFile)
	if err != nil {
		t.Fatal(err)
	}
	w, ds := WarningRules(DefaultWarningsFile, data)
	if len(ds) > 0 || w == nil || len(w.Levels) != 3 || !w.Default || w.Exempt == nil {
		t.Fatalf("built-in warning rules: %+v %v", w, ds)
	}
	bad := strings.Replace(string(data), "handling: 暂缓拨款", "handling: 停止支付", 1)
	bad = strings.Replace(bad, "when: {gap_over: 5}", "when: {gap_over: 5, projected_below: 90}", 1)
	_, ds = WarningRules("w.yaml", []byte(bad))
	if errs := ds.Errors(); len(errs) != 2 || errs[0].Line == 0 || errs[1].Line == 0 {
		t.Errorf("want two located errors, got %v", ds)
	}
}

// The built-in ex-ante rules are the documented defaults; a broken copy
// names every problem at its line.
func TestDefaultExanteRules(t *testing.T) {
	data, err := rules.FS.ReadFile(DefaultExanteFile)
	if err != nil {
		t.Fatal(err)
	}
	r, ds := ExanteRules(DefaultExanteFile, data)
	if len(ds) > 0 || r == nil || !r.Default || r.Thresholds() != exante.DefaultThresholds {
		t.Fatalf("built-in ex-ante rules: %+v %v", r, ds)
	}
	if DefaultExante().Thresholds() != exante.DefaultThresholds {
		t.Error("DefaultExante differs from the file")
	}
	bad := strings.Replace(string(data), "finance_from: 5,000,000.00", "finance_from: 500,000.00", 1)
	bad = strings.Replace(bad, "source: >-", "source: ''\nsource_was: >-", 1)
	_, ds = ExanteRules("x.yaml", []byte(bad))
	if errs := ds.Errors(); len(errs) != 3 || errs[0].Line == 0 || errs[1].Line == 0 || errs[2].Line == 0 {
		t.Errorf("want three located errors, got %v", ds)
	}
}
