package evaluation

import (
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

func TestDiff(t *testing.T) {
	old := &Evaluation{Year: 2023, Department: Department{Name: "甲局", Code: "001"}}
	old.Finance.Income = []Income{{Kind: "general_public", Amount: money.Yuan(100)}}
	s := num.Whole(9)
	old.Scores = map[string]Input{"B5": {Score: &s, Reason: "甲"}}

	cp := *old
	cp.Finance.Income = []Income{{Kind: "general_public", Amount: money.Yuan(120)}, {Kind: "other", Amount: 5}}
	s2 := num.Whole(8)
	cp.Scores = map[string]Input{"B5": {Score: &s2, Reason: "甲"}}
	cp.Department.Name = ""

	got := Diff(old, &cp)
	want := []Change{
		{Path: "department.name", Old: "甲局", New: ""},
		{Path: "finance.income[0].amount", Old: "100.00", New: "120.00"},
		{Path: "finance.income[1].amount", Old: "", New: "0.05"},
		{Path: "finance.income[1].kind", Old: "", New: "other"},
		{Path: "scores.B5.score", Old: "9", New: "8"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d changes %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if d := Diff(old, old); len(d) != 0 {
		t.Errorf("no change expected, got %+v", d)
	}
	if d := Diff(nil, old); len(d) == 0 || d[0].Old != "" {
		t.Errorf("creation should list every field as new: %+v", d)
	}
}

func TestRegistersValidate(t *testing.T) {
	d := func(s string) civil.Date {
		v, err := civil.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	r := &Registers{
		Contracts: []Contract{
			{Number: "HT-1", Signed: d("2024-06-07"), Filed: d("2024-06-01")},
			{Number: "HT-1"},
			{},
		},
		Assets:      []Asset{{Number: "A"}, {Number: "A", Value: -1}},
		Disclosures: []Disclosure{{Kind: "budgets"}},
		Intentions:  []Intention{{}},
	}
	want := map[string]string{
		"registers.contracts[0].filed":    "E102",
		"registers.contracts[1].number":   "E105",
		"registers.contracts[2].number":   "E103",
		"registers.assets[1].number":      "E105",
		"registers.assets[1].value":       "E102",
		"registers.disclosures[0].kind":   "E104",
		"registers.intentions[0].project": "E103",
	}
	got := map[string]string{}
	for _, f := range r.validate() {
		got[f.Path] = f.Code
	}
	for p, c := range want {
		if got[p] != c {
			t.Errorf("%s: got %q, want %s (all: %v)", p, got[p], c, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d findings, want %d: %v", len(got), len(want), got)
	}
}
