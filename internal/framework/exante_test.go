package framework

import (
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/num"
)

// exanteValid is valid() as an ex-ante framework: the threshold leaf
// becomes manual and the grades are the three conclusions.
func exanteValid() *Framework {
	f := valid()
	f.Scope = ScopeExante
	f.Indicators[1].Rule = &Rule{Kind: KindManual}
	f.Grades = []Grade{{Name: "予以支持", Min: num.Whole(80), Default: true}, {Name: "调整后予以支持", Min: num.Whole(60)}, {Name: "不予支持", Min: 0}}
	return f
}

func TestValidateExante(t *testing.T) {
	if ds := exanteValid().Validate(); len(ds) != 0 {
		t.Fatalf("valid ex-ante framework has findings:\n%v", ds)
	}
	cases := []struct {
		name   string
		change func(*Framework)
		code   string
		path   string
	}{
		{"a rule that reads the accounts", func(f *Framework) {
			f.Indicators[1].Rule = &Rule{Kind: KindThreshold, Measure: "carryover_rate", Direction: "max", Limit: ptr(num.DecimalOf(5)), Deduct: ptr(pts("0.5"))}
		}, diag.BadRule, "indicators[1].rule.kind"},
		{"a targets rule in a group", func(f *Framework) {
			f.Indicators[0].Children[0].Rule = &Rule{Kind: KindTargets, Categories: []string{CategoryOutput}}
		}, diag.BadRule, "indicators[0].children[0].rule.kind"},
		{"a register check", func(f *Framework) {
			f.Indicators[0].Children[1].Rule.Items[0].Check = &Check{Kind: CheckAssetLabels}
		}, diag.BadRule, "indicators[0].children[1].rule.items[0].check"},
		{"no grades", func(f *Framework) { f.Grades = nil }, diag.BadChoice, "grades"},
		{"department grades", func(f *Framework) { f.Grades = DefaultGrades }, diag.BadChoice, "grades"},
		{"conclusions out of order", func(f *Framework) {
			f.Grades = []Grade{{Name: "调整后予以支持", Min: num.Whole(80)}, {Name: "予以支持", Min: num.Whole(60)}, {Name: "不予支持", Min: 0}}
		}, diag.BadChoice, "grades"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := exanteValid()
			c.change(f)
			if ds := f.Validate(); !has(ds, c.code, c.path) {
				t.Errorf("want %s at %s, got:\n%v", c.code, c.path, ds)
			}
		})
	}
	// The same rules are fine in a department framework.
	f := valid()
	if ds := f.Validate(); len(ds) != 0 {
		t.Errorf("department framework: %v", ds)
	}
}

func TestConclusionNames(t *testing.T) {
	for _, c := range Conclusions {
		if ConclusionCode(ConclusionName(c.Code)) != c.Code {
			t.Errorf("%s does not round-trip", c.Code)
		}
	}
	if ConclusionName("maybe") != "" || ConclusionCode("支持") != "" {
		t.Error("unknown conclusions must give nothing")
	}
	if ScopeName(ScopeExante) != "事前绩效评估" || ScopeName("city") != "city" {
		t.Errorf("scope names: %q %q", ScopeName(ScopeExante), ScopeName("city"))
	}
}
