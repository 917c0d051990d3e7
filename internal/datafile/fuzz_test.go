package datafile

import (
	"testing"

	"github.com/jixiao/jixiao/frameworks"
	"github.com/jixiao/jixiao/internal/diag"
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
		// Later checks on the decoded value must not panic either, and
		// their findings must be locatable.
		checkFindings(t, l.Locate(l.Value.Consistency()))
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
