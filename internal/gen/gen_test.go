package gen_test

import (
	"reflect"
	"testing"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/gen"
	"github.com/jixiao/jixiao/internal/scoring"
)

// Every generated department-year validates, scores without errors, writes
// as YAML and reads back equal; the same seed gives the same province.
func TestProvinceScoresAndRoundTrips(t *testing.T) {
	o := gen.Options{Departments: 30, Years: 2, Projects: 5, Seed: 7}
	evs := gen.Province(o)
	if len(evs) != 60 {
		t.Fatalf("%d evaluations, want 60", len(evs))
	}
	lib, _ := datafile.LoadLibrary()
	grades := map[string]int{}
	codes := map[string]bool{}
	for _, ev := range evs {
		if ds := ev.Validate(); ds.Err() != nil {
			t.Fatalf("%s %d: %v", ev.Department.Code, ev.Year, ds)
		}
		res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
		if ds.Err() != nil {
			t.Fatalf("%s %d: %v", ev.Department.Code, ev.Year, ds)
		}
		grades[res.Grade]++
		codes[ev.Department.Code] = true
		var sum int64
		for _, p := range ev.Projects {
			sum += int64(p.Executed)
		}
		if sum != int64(ev.Finance.Expenditure.Project) {
			t.Errorf("%s: projects add to %d, project expenditure %d", ev.Department.Code, sum, ev.Finance.Expenditure.Project)
		}
		data, err := datafile.MarshalEvaluation(ev)
		if err != nil {
			t.Fatal(err)
		}
		l, ds := datafile.Evaluation("gen.yaml", data)
		if ds.Err() != nil {
			t.Fatalf("generated YAML does not load: %v\n%s", ds, data)
		}
		if !reflect.DeepEqual(*l.Value, *ev) {
			t.Fatalf("%s %d: YAML round trip changed the evaluation", ev.Department.Code, ev.Year)
		}
	}
	if len(codes) != 30 {
		t.Errorf("%d distinct department codes, want 30", len(codes))
	}
	if len(grades) < 2 {
		t.Errorf("no variety in grades: %v", grades)
	}
	again := gen.Province(o)
	if !reflect.DeepEqual(evs, again) {
		t.Error("same options and seed gave a different province")
	}
	other := gen.Province(gen.Options{Departments: 30, Years: 2, Projects: 5, Seed: 8})
	if reflect.DeepEqual(evs, other) {
		t.Error("a different seed gave the same province")
	}
}
