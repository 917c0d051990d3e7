package framework

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/num"
)

func pts(s string) num.Points {
	p, err := num.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// valid returns a fresh framework that passes Validate:
//
//	total 100 = G 60 + T 20 + Q 20
//	G 60 = L1 20 (manual) + L2 40 (checklist 25 + 15)
func valid() *Framework {
	return &Framework{
		ID: "test-fw", Name: "测试框架", Version: "1", Scope: ScopeDepartment, Total: num.Whole(100),
		Indicators: []*Indicator{
			{Code: "G", Name: "组", Points: num.Whole(60), Children: []*Indicator{
				{Code: "L1", Name: "人工", Points: num.Whole(20), Rule: &Rule{Kind: KindManual}},
				{Code: "L2", Name: "清单", Points: num.Whole(40), Rule: &Rule{Kind: KindChecklist, Items: []ChecklistItem{
					{Code: "L2.1", Text: "甲", Points: num.Whole(25)},
					{Code: "L2.2", Text: "乙", Points: num.Whole(15)},
				}}},
			}},
			{Code: "T", Name: "门槛", Points: num.Whole(20), Rule: &Rule{Kind: KindThreshold, Measure: "carryover_rate",
				Direction: "max", Limit: ptr(num.DecimalOf(5)), Deduct: ptr(pts("0.5"))}},
			{Code: "Q", Name: "定性", Points: num.Whole(20), RedistributeTo: []string{"T"}, Rule: &Rule{Kind: KindQualitative}},
		},
	}
}

func has(ds diag.List, code, path string) bool {
	for _, d := range ds {
		if d.Code == code && d.Path == path {
			return true
		}
	}
	return false
}

func TestValidateValid(t *testing.T) {
	if ds := valid().Validate(); len(ds) != 0 {
		t.Fatalf("valid framework has findings:\n%v", ds)
	}
	// Each rule kind in its valid form also passes.
	f := valid()
	f.Indicators[2].Rule = &Rule{Kind: KindRatio, Measure: "execution_rate", Target: ptr(num.DecimalOf(100)), Direction: AtLeast, Cap: ptr(num.DecimalOf(120))}
	f.Indicators[0].Children[0].Rule = &Rule{Kind: KindTargets, Categories: []string{CategoryOutput, CategorySatisfaction}}
	f.Indicators[1].Rule = &Rule{Kind: KindExecutionRate, Budget: "initial"}
	f.Grades = []Grade{{Name: "A", Min: num.Whole(90)}, {Name: "B", Min: num.Whole(75)}, {Name: "C", Min: num.Whole(60)}, {Name: "D", Min: num.Whole(40)}, {Name: "E", Min: 0}}
	if ds := f.Validate(); len(ds) != 0 {
		t.Fatalf("valid variant has findings:\n%v", ds)
	}
}

func TestValidateFindings(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(f *Framework)
		code   string
		path   string
	}{
		{"top-level points do not add up to total", func(f *Framework) { f.Total = num.Whole(90) }, diag.PointsSum, "indicators"},
		{"children do not add up to parent", func(f *Framework) { f.Indicators[0].Children[0].Points = num.Whole(19) }, diag.PointsSum, "indicators[0].children"},
		{"duplicate code across levels", func(f *Framework) { f.Indicators[2].Code = "L1" }, diag.Duplicate, "indicators[2].code"},
		{"duplicate code among siblings", func(f *Framework) { f.Indicators[0].Children[1].Code = "L1" }, diag.Duplicate, "indicators[0].children[1].code"},
		{"leaf without rule", func(f *Framework) { f.Indicators[2].Rule = nil }, diag.Missing, "indicators[2].rule"},
		{"group with rule", func(f *Framework) { f.Indicators[0].Rule = &Rule{Kind: KindManual} }, diag.BadRule, "indicators[0].rule"},
		{"unknown rule kind", func(f *Framework) { f.Indicators[2].Rule = &Rule{Kind: "weighted"} }, diag.BadChoice, "indicators[2].rule.kind"},
		{"stray limit on ratio", func(f *Framework) {
			f.Indicators[2].Rule = &Rule{Kind: KindRatio, Direction: AtLeast, Limit: ptr(num.DecimalOf(5))}
		}, diag.BadRule, "indicators[2].rule.limit"},
		{"stray items on manual", func(f *Framework) {
			f.Indicators[0].Children[0].Rule.Items = []ChecklistItem{{Code: "x", Text: "x", Points: num.Whole(20)}}
		}, diag.BadRule, "indicators[0].children[0].rule.items"},
		{"threshold without deduct", func(f *Framework) { f.Indicators[1].Rule.Deduct = nil }, diag.Missing, "indicators[1].rule.deduct"},
		{"threshold without measure", func(f *Framework) { f.Indicators[1].Rule.Measure = "" }, diag.Missing, "indicators[1].rule.measure"},
		{"threshold unknown measure", func(f *Framework) { f.Indicators[1].Rule.Measure = "growth" }, diag.BadChoice, "indicators[1].rule.measure"},
		{"threshold without limit", func(f *Framework) { f.Indicators[1].Rule.Limit = nil }, diag.Missing, "indicators[1].rule.limit"},
		{"threshold bad direction", func(f *Framework) { f.Indicators[1].Rule.Direction = ">=" }, diag.BadChoice, "indicators[1].rule.direction"},
		{"threshold zero step", func(f *Framework) { f.Indicators[1].Rule.Step = ptr(num.DecimalOf(0)) }, diag.BadValue, "indicators[1].rule.step"},
		{"threshold bad steps", func(f *Framework) { f.Indicators[1].Rule.Steps = "floor" }, diag.BadChoice, "indicators[1].rule.steps"},
		{"threshold zero deduct", func(f *Framework) { f.Indicators[1].Rule.Deduct = ptr(num.Points(0)) }, diag.BadValue, "indicators[1].rule.deduct"},
		{"checklist items do not add up", func(f *Framework) { f.Indicators[0].Children[1].Rule.Items[1].Points = num.Whole(14) }, diag.PointsSum, "indicators[0].children[1].rule.items"},
		{"checklist duplicate item", func(f *Framework) { f.Indicators[0].Children[1].Rule.Items[1].Code = "L2.1" }, diag.Duplicate, "indicators[0].children[1].rule.items[1].code"},
		{"checklist item without text", func(f *Framework) { f.Indicators[0].Children[1].Rule.Items[0].Text = "" }, diag.Missing, "indicators[0].children[1].rule.items[0].text"},
		{"checklist without items", func(f *Framework) { f.Indicators[0].Children[1].Rule.Items = nil }, diag.Missing, "indicators[0].children[1].rule.items"},
		{"qualitative bands incomplete", func(f *Framework) {
			f.Indicators[2].Rule.Bands = []LevelBand{{LevelMet, num.DecimalOf(80), num.DecimalOf(100)}, {LevelPartly, num.DecimalOf(60), num.DecimalOf(80)}}
		}, diag.BadValue, "indicators[2].rule.bands"},
		{"qualitative band unknown level", func(f *Framework) {
			f.Indicators[2].Rule.Bands = []LevelBand{{LevelMet, num.DecimalOf(80), num.DecimalOf(100)}, {"good", num.DecimalOf(60), num.DecimalOf(80)}, {LevelNotMet, num.DecimalOf(0), num.DecimalOf(60)}}
		}, diag.BadChoice, "indicators[2].rule.bands[1].level"},
		{"qualitative band inverted", func(f *Framework) {
			f.Indicators[2].Rule.Bands = []LevelBand{{LevelMet, num.DecimalOf(100), num.DecimalOf(80)}, {LevelPartly, num.DecimalOf(60), num.DecimalOf(80)}, {LevelNotMet, num.DecimalOf(0), num.DecimalOf(60)}}
		}, diag.BadValue, "indicators[2].rule.bands[0]"},
		{"qualitative duplicate band level", func(f *Framework) {
			f.Indicators[2].Rule.Bands = []LevelBand{{LevelMet, num.DecimalOf(80), num.DecimalOf(100)}, {LevelPartly, num.DecimalOf(60), num.DecimalOf(80)}, {LevelNotMet, num.DecimalOf(0), num.DecimalOf(60)}, {LevelMet, num.DecimalOf(0), num.DecimalOf(10)}}
		}, diag.Duplicate, "indicators[2].rule.bands[3].level"},
		{"ratio bad direction", func(f *Framework) { f.Indicators[2].Rule = &Rule{Kind: KindRatio, Direction: "up"} }, diag.BadChoice, "indicators[2].rule.direction"},
		{"ratio cap below 100", func(f *Framework) {
			f.Indicators[2].Rule = &Rule{Kind: KindRatio, Direction: AtLeast, Cap: ptr(num.DecimalOf(90))}
		}, diag.BadValue, "indicators[2].rule.cap"},
		{"targets without categories", func(f *Framework) { f.Indicators[2].Rule = &Rule{Kind: KindTargets} }, diag.Missing, "indicators[2].rule.categories"},
		{"targets unknown category", func(f *Framework) {
			f.Indicators[2].Rule = &Rule{Kind: KindTargets, Categories: []string{CategoryOutput, "impact"}}
		}, diag.BadChoice, "indicators[2].rule.categories[1]"},
		{"execution rate bad budget", func(f *Framework) { f.Indicators[2].Rule = &Rule{Kind: KindExecutionRate, Budget: "final"} }, diag.BadChoice, "indicators[2].rule.budget"},
		{"grades out of order", func(f *Framework) {
			f.Grades = []Grade{{Name: "优", Min: num.Whole(80)}, {Name: "良", Min: num.Whole(90)}, {Name: "差", Min: 0}}
		}, diag.BadValue, "grades[1].min"},
		{"grades not ending at 0", func(f *Framework) {
			f.Grades = []Grade{{Name: "优", Min: num.Whole(90)}, {Name: "良", Min: num.Whole(60)}}
		}, diag.BadValue, "grades[1].min"},
		{"grade above total", func(f *Framework) { f.Grades = []Grade{{Name: "优", Min: num.Whole(120)}, {Name: "差", Min: 0}} }, diag.BadValue, "grades[0].min"},
		{"grade without name", func(f *Framework) { f.Grades = []Grade{{Name: "", Min: num.Whole(60)}, {Name: "差", Min: 0}} }, diag.Missing, "grades[0].name"},
		{"redistribute_to unknown sibling", func(f *Framework) { f.Indicators[2].RedistributeTo = []string{"T", "L1"} }, diag.UnknownRef, "indicators[2].redistribute_to[1]"},
		{"redistribute_to itself", func(f *Framework) { f.Indicators[2].RedistributeTo = []string{"Q"} }, diag.UnknownRef, "indicators[2].redistribute_to[0]"},
		{"required with redistribute_to", func(f *Framework) { f.Indicators[2].Required = true }, diag.BadValue, "indicators[2].redistribute_to"},
		{"missing id", func(f *Framework) { f.ID = "" }, diag.Missing, "id"},
		{"id with slash", func(f *Framework) { f.ID = "a/b" }, diag.BadValue, "id"},
		{"bad scope", func(f *Framework) { f.Scope = "city" }, diag.BadChoice, "scope"},
		{"zero points", func(f *Framework) { f.Indicators[2].Points = 0; f.Total = num.Whole(80) }, diag.BadValue, "indicators[2].points"},
		{"missing name", func(f *Framework) { f.Indicators[0].Children[0].Name = "" }, diag.Missing, "indicators[0].children[0].name"},
		{"no indicators", func(f *Framework) { f.Indicators = nil }, diag.Missing, "indicators"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := valid()
			tc.break_(f)
			ds := f.Validate()
			if !has(ds, tc.code, tc.path) {
				t.Errorf("want %s at %s, got:\n%v", tc.code, tc.path, ds)
			}
			for _, d := range ds {
				if d.Severity != diag.Error || d.Message == "" {
					t.Errorf("finding %v: want an error with a message", d)
				}
			}
		})
	}
}

// Every mistake of a file is reported in one run, not just the first.
func TestValidateReportsAll(t *testing.T) {
	f := valid()
	f.Indicators[0].Children[0].Points = num.Whole(19)                                                                    // 1: G's children add to 59
	f.Indicators[2].Code = "L1"                                                                                           // 2: duplicate code
	f.Indicators[1].Rule.Deduct = nil                                                                                     // 3: threshold without deduct
	f.Indicators[0].Children[1].Rule.Items[0].Points = num.Whole(20)                                                      // 4: items add to 35, not 40
	f.Grades = []Grade{{Name: "优", Min: num.Whole(90)}, {Name: "良", Min: num.Whole(95)}, {Name: "差", Min: num.Whole(10)}} // 5, 6: out of order, not ending at 0
	ds := f.Validate()
	want := []struct{ code, path string }{
		{diag.PointsSum, "indicators[0].children"},
		{diag.Duplicate, "indicators[2].code"},
		{diag.Missing, "indicators[1].rule.deduct"},
		{diag.PointsSum, "indicators[0].children[1].rule.items"},
		{diag.BadValue, "grades[1].min"},
		{diag.BadValue, "grades[2].min"},
	}
	for _, w := range want {
		if !has(ds, w.code, w.path) {
			t.Errorf("missing %s at %s", w.code, w.path)
		}
	}
	if len(ds) < 5 {
		t.Errorf("got %d findings, want at least 5:\n%v", len(ds), ds)
	}
}

func TestWithPoints(t *testing.T) {
	f := valid()
	// T 20 → 25 and Q 20 → 15: still 60 + 25 + 15 = 100.
	g, err := f.WithPoints(map[string]num.Points{"T": num.Whole(25), "Q": num.Whole(15)})
	if err != nil {
		t.Fatalf("valid override rejected: %v", err)
	}
	if g.Find("T").Points != num.Whole(25) || g.Find("Q").Points != num.Whole(15) {
		t.Errorf("override not applied: T %s, Q %s", g.Find("T").Points, g.Find("Q").Points)
	}
	// The original is untouched.
	if f.Find("T").Points != num.Whole(20) || f.Find("Q").Points != num.Whole(20) {
		t.Errorf("WithPoints changed the original: T %s, Q %s", f.Find("T").Points, f.Find("Q").Points)
	}
	// An override inside a group: L1 20 → 25 needs G 60 → 65 and a
	// sibling down by 5 at the top: T 20 → 15.
	if _, err := f.WithPoints(map[string]num.Points{"L1": num.Whole(25), "G": num.Whole(65), "T": num.Whole(15)}); err != nil {
		t.Errorf("nested override rejected: %v", err)
	}

	tests := []struct {
		name   string
		points map[string]num.Points
		code   string
		path   string
	}{
		// T 20 → 30: 60 + 30 + 20 = 110 ≠ 100.
		{"breaks total", map[string]num.Points{"T": num.Whole(30)}, diag.PointsSum, "indicators"},
		// L1 20 → 10: G's children 10 + 40 = 50 ≠ 60.
		{"breaks group", map[string]num.Points{"L1": num.Whole(10)}, diag.PointsSum, "indicators[0].children"},
		// L2 40 → 30 and L1 20 → 30: group fine, items 25 + 15 = 40 ≠ 30.
		{"breaks checklist", map[string]num.Points{"L2": num.Whole(30), "L1": num.Whole(30)}, diag.PointsSum, "indicators[0].children[1].rule.items"},
		{"unknown code", map[string]num.Points{"ZZ": num.Whole(5)}, diag.UnknownRef, "weights.ZZ"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := f.WithPoints(tc.points)
			if err == nil {
				t.Fatalf("override accepted: %v", tc.points)
			}
			if g != nil {
				t.Errorf("a framework returned with the error")
			}
			ds, ok := err.(diag.List)
			if !ok {
				t.Fatalf("error is %T, want diag.List", err)
			}
			if !has(ds, tc.code, tc.path) {
				t.Errorf("want %s at %s, got:\n%v", tc.code, tc.path, ds)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	f := valid() // default bands: 优 ≥90, 良 ≥80, 中 ≥60, 差 ≥0
	tests := []struct {
		score num.Points
		want  string
	}{
		{pts("100"), "优"},
		{pts("90"), "优"},
		{pts("89.99"), "良"},
		{pts("80"), "良"},
		{pts("79.99"), "中"},
		{pts("60"), "中"},
		{pts("59.99"), "差"},
		{0, "差"},
	}
	for _, tc := range tests {
		if got := f.Grade(tc.score); got != tc.want {
			t.Errorf("Grade(%s) = %q, want %q", tc.score, got, tc.want)
		}
	}

	// Five bands, as some provinces use.
	f.Grades = []Grade{{Name: "A", Min: pts("90")}, {Name: "B", Min: pts("80")}, {Name: "C", Min: pts("70")}, {Name: "D", Min: pts("60")}, {Name: "E", Min: 0}}
	if ds := f.Validate(); len(ds) != 0 {
		t.Fatalf("five-band framework invalid:\n%v", ds)
	}
	five := []struct {
		score num.Points
		want  string
	}{
		{pts("95"), "A"}, {pts("90"), "A"}, {pts("89.99"), "B"}, {pts("80"), "B"},
		{pts("79.99"), "C"}, {pts("70"), "C"}, {pts("69.99"), "D"}, {pts("60"), "D"},
		{pts("59.99"), "E"}, {0, "E"},
	}
	for _, tc := range five {
		if got := f.Grade(tc.score); got != tc.want {
			t.Errorf("five bands: Grade(%s) = %q, want %q", tc.score, got, tc.want)
		}
	}
}

func TestFindCodesWalk(t *testing.T) {
	f := valid()
	if got := strings.Join(f.Codes(), ","); got != "G,L1,L2,T,Q" {
		t.Errorf("Codes() = %s, want tree order G,L1,L2,T,Q", got)
	}
	if f.Find("L2") == nil || f.Find("L2").Name != "清单" || f.Find("nope") != nil {
		t.Errorf("Find wrong")
	}
	if !f.HasCode("Q") || f.HasCode("L2.1") {
		t.Errorf("HasCode wrong: checklist item codes are not indicator codes")
	}
	depths := map[string]int{}
	f.Walk(func(in *Indicator, d int) { depths[in.Code] = d })
	if depths["G"] != 1 || depths["L1"] != 2 || depths["Q"] != 1 {
		t.Errorf("Walk depths = %v", depths)
	}
}

func TestRuleDefaults(t *testing.T) {
	r := &Rule{Kind: KindThreshold}
	if r.StepSize().Cmp(num.DecimalOf(1)) != 0 || r.CapPercent().Cmp(num.DecimalOf(100)) != 0 {
		t.Errorf("defaults: step %s, cap %s", r.StepSize(), r.CapPercent())
	}
	if len(r.LevelBands()) != 3 {
		t.Errorf("default bands: %v", r.LevelBands())
	}
	// The default bands are met 80-100, partly 60-80, not met 0-60.
	want := map[string][2]int64{LevelMet: {80, 100}, LevelPartly: {60, 80}, LevelNotMet: {0, 60}}
	for _, b := range DefaultBands {
		w := want[b.Level]
		if b.Min.Cmp(num.DecimalOf(w[0])) != 0 || b.Max.Cmp(num.DecimalOf(w[1])) != 0 {
			t.Errorf("band %s = %s-%s", b.Level, b.Min, b.Max)
		}
	}
}
