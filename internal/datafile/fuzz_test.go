package datafile

import (
	"os"
	"testing"

	"github.com/jixiao/jixiao/frameworks"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/results"
	"github.com/jixiao/jixiao/rules"
)

func fuzzSeeds(f *testing.F) {
	gz, err := frameworks.FS.ReadFile("gz-dept-2023.yaml")
	if err != nil {
		f.Fatal(err)
	}
	small := "department: {name: a, code: b, functions: [c]}\nyear: 2023\nframework: gz-dept-2023\noverall_goal: g\nkey_tasks: {items: [{lead: l, text: t}]}\nfinance: {income: [{kind: other, amount: 1万}], budget: {adjusted: 2万}}\n"
	for _, s := range []string{validYAML, validJSON, small, string(gz), brokenFramework, "", "{}", "[]", "a: [", "&a x: *a"} {
		f.Add([]byte(s))
	}
}

// checkFindings holds findings to the diag rules: a known code, the
// severity its letter implies, a message, and the file name set.
func checkFindings(t *testing.T, ds diag.List) {
	t.Helper()
	for _, d := range ds {
		if _, ok := diag.Documented[d.Code]; !ok {
			t.Fatalf("undocumented code %q: %v", d.Code, d)
		}
		if d.Message == "" || d.File != "x.yaml" || d.Line < 0 {
			t.Fatalf("bad finding %#v", d)
		}
		if want := map[byte]diag.Severity{'E': diag.Error, 'W': diag.Warning, 'I': diag.Info}[d.Code[0]]; d.Severity != want {
			t.Fatalf("severity %s for %s", d.Severity, d.Code)
		}
	}
}

func FuzzEvaluation(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, ds := Evaluation("x.yaml", data)
		checkFindings(t, ds)
		if l == nil {
			if len(ds) == 0 || ds[0].Code != diag.Syntax {
				t.Fatalf("no value and no syntax error: %v", ds)
			}
			return
		}
		if l.Value == nil {
			t.Fatalf("Loaded without a value")
		}
		// The assessment pipeline on the decoded value (validation, the
		// framework checks, scoring, consistency, target quality) must not
		// panic either, and its findings must be locatable.
		a := assess.Assess(l.Value, fuzzLibrary(t), assess.Options{Quality: DefaultQuality(), ReadErrors: ds.Err() != nil})
		checkFindings(t, l.Locate(a.Findings))
		for _, m := range []string{"execution_rate", "carryover_rate", "sangong_rate", "public_funds_rate"} {
			_, _ = l.Value.Measure(m)
		}
	})
}

func FuzzFramework(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, ds := Framework("x.yaml", data)
		checkFindings(t, ds)
		if fw == nil {
			if len(ds) == 0 || ds[0].Code != diag.Syntax {
				t.Fatalf("no value and no syntax error: %v", ds)
			}
			return
		}
		if ds.Err() == nil {
			// A framework that passed must validate again cleanly and be
			// usable: grades, codes, WithPoints with no change.
			if again := fw.Validate(); len(again) != 0 {
				t.Fatalf("accepted framework fails Validate: %v", again)
			}
			_ = fw.Grade(fw.Total)
			if _, err := fw.WithPoints(nil); err != nil {
				t.Fatalf("WithPoints(nil) on an accepted framework: %v", err)
			}
		}
	})
}

// fuzzLibrary is the built-in framework library, loaded once.
var fuzzLibrary = func() func(t *testing.T) *Library {
	var lib *Library
	return func(t *testing.T) *Library {
		if lib == nil {
			l, ds := LoadLibrary()
			if ds.Err() != nil {
				t.Fatal(ds)
			}
			lib = l
		}
		return lib
	}
}()

// FuzzQualityRules: a target-quality rules file is read or refused with
// located findings, never a panic; rules that pass validate again.
func FuzzQualityRules(f *testing.F) {
	data, err := rules.FS.ReadFile(DefaultQualityFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("id: q\noutputs: {enabled: true, required: [数量指标], source: s}\ncost: {enabled: true, units: {元: 0}}\n"))
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		q, ds := QualityRules("x.yaml", data)
		checkFindings(t, ds)
		if q != nil && len(q.Validate()) != 0 {
			t.Fatalf("accepted rules fail Validate: %v", q.Validate())
		}
	})
}

// FuzzExante: an ex-ante record is read, assessed and its findings located
// without a panic, whatever the bytes.
func FuzzExante(f *testing.F) {
	data, err := os.ReadFile("../../examples/exante-qinghe-health-2025.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, ds := Exante("x.yaml", data)
		checkFindings(t, ds)
		if l == nil {
			return
		}
		a := exante.Assess(l.Value, fuzzLibrary(t), exante.Options{})
		checkFindings(t, l.Locate(a.Findings))
	})
}

// FuzzWarningRules: a warning rules file is read or refused with located
// findings, never a panic; rules that pass validate again.
func FuzzWarningRules(f *testing.F) {
	data, err := rules.FS.ReadFile(DefaultWarningsFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("id: w\nsource: s\nlevels: [{code: r, name: 红, handling: 提示, when: {all: [{gap_over: 1}, {any: []}]}}]\n"))
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		w, ds := WarningRules("x.yaml", data)
		checkFindings(t, ds)
		if w != nil && len(w.Validate()) != 0 {
			t.Fatalf("accepted rules fail Validate: %v", w.Validate())
		}
	})
}

// FuzzCycleRules: a cycle rules file is read or refused with located
// findings, never a panic; rules that pass validate again.
func FuzzCycleRules(f *testing.F) {
	data, err := rules.FS.ReadFile(DefaultCycleFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("id: c\ncheckpoints: [{month: 6}, {month: 9, time_progress: 70}]\ncheckpoints_source: s\ndeadlines: {}\n"))
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ds := CycleRules("x.yaml", data)
		checkFindings(t, ds)
		if r != nil && len(r.Validate()) != 0 {
			t.Fatalf("accepted rules fail Validate: %v", r.Validate())
		}
	})
}

// FuzzResultsRules: a results rules file is read or refused with located
// findings, never a panic; rules that pass validate again and suggest for
// every scope, type and grade.
func FuzzResultsRules(f *testing.F) {
	data, err := rules.FS.ReadFile(DefaultResultsFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("id: r\nprinciple: p\nsuggestions: {k: {name: 保, effect: keep}}\nreduce_percent: 10\nrules: [{id: a, scope: department, grades: [优], suggestion: k}]\n"))
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ds := ResultsRules("x.yaml", data)
		checkFindings(t, ds)
		if r == nil {
			return
		}
		if len(r.Validate()) != 0 {
			t.Fatalf("accepted rules fail Validate: %v", r.Validate())
		}
		for _, typ := range results.Types {
			for _, g := range results.Grades {
				for _, open := range []bool{false, true} {
					if _, err := r.Suggest(results.Input{Scope: results.ScopeProject, Type: typ, Grade: g, Base: 56000000, RectificationOpen: open}); err != nil {
						t.Fatalf("accepted rules cannot suggest for %s %s: %v", typ, g, err)
					}
				}
			}
		}
	})
}
