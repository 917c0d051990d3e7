package datafile

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/frameworks"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// checked reads a data file and runs the assessment pipeline on it, as
// input.Assess does (which this package's tests cannot import): the
// reader's findings and the pipeline's, located at lines.
func checked(t *testing.T, file string, data []byte) diag.List {
	t.Helper()
	l, ds := Evaluation(file, data)
	if l == nil {
		return ds
	}
	lib, lds := LoadLibrary()
	if lds.Err() != nil {
		t.Fatal(lds)
	}
	a := assess.Assess(l.Value, lib, assess.Options{ReadErrors: ds.Err() != nil})
	return append(ds, l.Locate(a.Findings)...)
}

const validYAML = `# 测试数据
department:
  name: 广州市天河区人民政府办公室
  code: "001001"
  functions:
    - 负责区政府日常工作
year: 2023
framework: gz-dept-2023
weights:
  A1: 25
  A2: 15
key_tasks:
  items:
    - lead: 一是
      text: 抓好政务服务
overall_goal: 保障区政府高效运转
finance:
  income:
    - kind: general_public
      amount: 2753.78万
    - kind: other
      amount: "5,548,600.00"
  budget:
    initial: 3000万
    adjusted: 3308.63万
  expenditure:
    basic: 2000万
    project: 1308.63万
  carryover: 0
targets:
  - category: output
    subcategory: 数量指标
    name: 办文数量
    unit: 件
    direction: ">="
    target: "1000"
    actual: "1200"
    points: 10
    evidence: [台账]
scores:
  B5:
    checklist:
      - item: B5.6
        passed: false
        deduct: 1
        reason: 部分合同备案超时
  B7.1:
    not_applicable: 无
narrative:
  management: 管理情况
  conclusion: 结论
  achievements: 成效
`

const validJSON = `{
  "department": {"name": "广州市天河区人民政府办公室", "code": "001001", "functions": ["负责区政府日常工作"]},
  "year": 2023,
  "framework": "gz-dept-2023",
  "weights": {"A1": 25, "A2": 15},
  "key_tasks": {"items": [{"lead": "一是", "text": "抓好政务服务"}]},
  "overall_goal": "保障区政府高效运转",
  "finance": {
    "income": [{"kind": "general_public", "amount": "2753.78万"}, {"kind": "other", "amount": "5,548,600.00"}],
    "budget": {"initial": "3000万", "adjusted": "3308.63万"},
    "expenditure": {"basic": "2000万", "project": "1308.63万"},
    "carryover": 0
  },
  "targets": [{"category": "output", "subcategory": "数量指标", "name": "办文数量", "unit": "件",
    "direction": ">=", "target": "1000", "actual": "1200", "points": 10, "evidence": ["台账"]}],
  "scores": {
    "B5": {"checklist": [{"item": "B5.6", "passed": false, "deduct": 1, "reason": "部分合同备案超时"}]},
    "B7.1": {"not_applicable": "无"}
  },
  "narrative": {"management": "管理情况", "conclusion": "结论", "achievements": "成效"}
}`

// lineOf is the 1-based line of the first line of doc that starts with s
// (indentation included) or, failing that, contains it.
func lineOf(t *testing.T, doc, s string) int {
	t.Helper()
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, s) {
			return i + 1
		}
	}
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in document", s)
	return 0
}

func find(ds diag.List, code, path string) *diag.Finding {
	for i := range ds {
		if ds[i].Code == code && ds[i].Path == path {
			return &ds[i]
		}
	}
	return nil
}

func TestEvaluationValid(t *testing.T) {
	l, ds := Evaluation("e.yaml", []byte(validYAML))
	if len(ds) != 0 {
		t.Fatalf("findings:\n%v", ds)
	}
	ev := l.Value
	// Values as typed: 2753.78万 = 27,537,800 yuan; "5,548,600.00" yuan.
	if ev.Finance.Income[0].Amount != money.Yuan(27537800) || ev.Finance.Income[1].Amount != money.Yuan(5548600) {
		t.Errorf("income %v", ev.Finance.Income)
	}
	if ev.Finance.Budget.Adjusted != money.Yuan(33086300) || ev.Year != 2023 || ev.Department.Code != "001001" {
		t.Errorf("budget %v year %d code %q", ev.Finance.Budget, ev.Year, ev.Department.Code)
	}
	if ev.Weights["A1"] != num.Whole(25) || *ev.Targets[0].Points != num.Whole(10) {
		t.Errorf("weights %v, points %v", ev.Weights, ev.Targets[0].Points)
	}
	c := ev.Scores["B5"].Checklist[0]
	if c.Item != "B5.6" || c.Passed || *c.Deduct != num.Whole(1) || ev.Scores["B7.1"].NotApplicable != "无" {
		t.Errorf("scores %+v", ev.Scores)
	}
	if l.File != "e.yaml" {
		t.Errorf("file %q", l.File)
	}
}

func TestEvaluationYAMLAndJSONAgree(t *testing.T) {
	y, yds := Evaluation("e.yaml", []byte(validYAML))
	j, jds := Evaluation("e.json", []byte(validJSON))
	if len(yds) != 0 || len(jds) != 0 {
		t.Fatalf("findings:\n%v\n%v", yds, jds)
	}
	if !reflect.DeepEqual(y.Value, j.Value) {
		t.Errorf("YAML and JSON decode differently:\n%+v\n%+v", y.Value, j.Value)
	}
}

func TestEvaluationErrors(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // in validYAML
		code    string
		path    string
		line    string // text of the line the finding must point at
	}{
		{"unknown field", [2]string{"  code: \"001001\"\n", "  code: \"001001\"\n  colour: red\n"}, diag.UnknownField, "department.colour", "colour: red"},
		{"unknown field in list item", [2]string{"    unit: 件\n", "    unit: 件\n    weight: 3\n"}, diag.UnknownField, "targets[0].weight", "weight: 3"},
		{"bad money", [2]string{"adjusted: 3308.63万", "adjusted: 3308.63美元"}, diag.BadValue, "finance.budget.adjusted", "3308.63美元"},
		{"money finer than fen", [2]string{"carryover: 0", "carryover: 1.005"}, diag.BadValue, "finance.carryover", "carryover: 1.005"},
		{"bad points", [2]string{"    points: 10", "    points: 10.555"}, diag.BadValue, "targets[0].points", "points: 10.555"},
		{"list where string", [2]string{"overall_goal: 保障区政府高效运转", "overall_goal: [保障, 运转]"}, diag.BadValue, "overall_goal", "overall_goal:"},
		{"mapping where list", [2]string{"    evidence: [台账]", "    evidence: {a: b}"}, diag.BadValue, "targets[0].evidence", "evidence: {a: b}"},
		{"string where int", [2]string{"year: 2023", "year: 二〇二三"}, diag.BadValue, "year", "year: 二〇二三"},
		{"bad bool", [2]string{"passed: false", "passed: 否"}, diag.BadValue, "scores.B5.checklist[0].passed", "passed: 否"},
		{"duplicate field", [2]string{"year: 2023\n", "year: 2023\nyear: 2024\n"}, diag.Duplicate, "year", "year: 2024"},
		{"duplicate map key", [2]string{"  B7.1:\n", "  B5:\n    level: met\n  B7.1:\n"}, diag.Duplicate, "scores.B5", "level: met"},
		{"validate finding located", [2]string{"  code: \"001001\"", "  code: \"\""}, diag.Missing, "department.code", "code: \"\""},
		{"validate finding on parent", [2]string{"    - kind: other", "    - kind: lottery"}, diag.BadChoice, "finance.income[1].kind", "kind: lottery"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(validYAML, tc.replace[0]) {
				t.Fatalf("%q not in document", tc.replace[0])
			}
			doc := strings.Replace(validYAML, tc.replace[0], tc.replace[1], 1)
			ds := checked(t, "e.yaml", []byte(doc))
			f := find(ds, tc.code, tc.path)
			if f == nil {
				t.Fatalf("want %s at %s, got:\n%v", tc.code, tc.path, ds)
			}
			want := lineOf(t, doc, tc.line)
			if tc.name == "duplicate map key" {
				want-- // the key line, just above its value
			}
			if f.Line != want || f.File != "e.yaml" {
				t.Errorf("%s at %s:%d, want line %d", tc.code, f.File, f.Line, want)
			}
			if f.Severity != diag.Error {
				t.Errorf("severity %s", f.Severity)
			}
		})
	}
}

func TestEvaluationSyntaxError(t *testing.T) {
	tests := []struct {
		name, doc string
		line      int
	}{
		// Line 3 has an unclosed flow sequence starting on it.
		{"unclosed bracket", "year: 2023\nframework: x\ntargets: [a, b\nnarrative: {}\n", 0},
		// A tab indentation error on line 3.
		{"bad indent", "department:\n  name: a\n\tcode: b\n", 3},
		{"mapping in scalar", "year: 2023\nframework: a: b\n", 2},
		// Missing comma: the problem is on line 3.
		{"json missing comma", "{\n  \"year\": 2023\n  \"framework\": \"x\"\n}\n", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, ds := Evaluation("e.yaml", []byte(tc.doc))
			if l != nil || len(ds) != 1 || ds[0].Code != diag.Syntax || ds[0].File != "e.yaml" {
				t.Fatalf("want one E100, got %v:\n%v", l != nil, ds)
			}
			// The YAML library reports the line of the construct being
			// parsed or a 0-based problem line, so the line given may be
			// one before the faulty one (exactness is pinned in
			// TestBugSyntaxErrorLineOffByOne).
			if tc.line > 0 && ds[0].Line != tc.line && ds[0].Line != tc.line-1 {
				t.Errorf("line %d, want %d (or %d): %v", ds[0].Line, tc.line, tc.line-1, ds[0])
			}
			if tc.line == 0 && ds[0].Line == 0 {
				t.Errorf("syntax error without a line: %v", ds[0])
			}
			if !strings.HasPrefix(ds[0].Message, "语法错误") {
				t.Errorf("message %q", ds[0].Message)
			}
		})
	}
	for _, empty := range []string{"", "# only a comment\n"} {
		if _, ds := Evaluation("e.yaml", []byte(empty)); len(ds) != 1 || ds[0].Code != diag.Syntax {
			t.Errorf("empty file %q: %v", empty, ds)
		}
	}
}

func TestEvaluationAllErrorsInOneRun(t *testing.T) {
	doc := validYAML
	for _, r := range [][2]string{
		{"  code: \"001001\"\n", "  code: \"001001\"\n  colour: red\n"}, // E101
		{"adjusted: 3308.63万", "adjusted: 三千万"},                         // E102
		{"year: 2023", "year: [2023]"},                                  // E102
		{"    unit: 件\n", "    unit: 件\n    weight: 3\n"},               // E101
		{"    - kind: other", "    - kind: lottery"},                    // E104 (Validate)
		{"passed: false", "passed: maybe"},                              // E102
	} {
		doc = strings.Replace(doc, r[0], r[1], 1)
	}
	ds := checked(t, "e.yaml", []byte(doc))
	want := []struct{ code, path, line string }{
		{diag.UnknownField, "department.colour", "colour: red"},
		{diag.BadValue, "finance.budget.adjusted", "adjusted: 三千万"},
		{diag.BadValue, "year", "year: [2023]"},
		{diag.UnknownField, "targets[0].weight", "weight: 3"},
		{diag.BadChoice, "finance.income[1].kind", "kind: lottery"},
		{diag.BadValue, "scores.B5.checklist[0].passed", "passed: maybe"},
	}
	for _, w := range want {
		f := find(ds, w.code, w.path)
		if f == nil {
			t.Errorf("missing %s at %s", w.code, w.path)
			continue
		}
		if l := lineOf(t, doc, w.line); f.Line != l {
			t.Errorf("%s at %s: line %d, want %d", w.code, w.path, f.Line, l)
		}
	}
	if len(ds.Errors()) < len(want) {
		t.Errorf("%d errors, want at least %d:\n%v", len(ds.Errors()), len(want), ds)
	}
}

func TestLocate(t *testing.T) {
	l, ds := Evaluation("e.yaml", []byte(validYAML))
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	var found diag.List
	found.Add(diag.NoReason, "scores.B5.checklist[0].reason", "x")   // exact path
	found.Add(diag.ScoreAbove, "scores.B5.checklist[0].deduct", "x") // exact path
	found.Add(diag.Missing, "scores.B5.checklist[0].evidence", "x")  // absent: its item's line
	found.Add(diag.NotApplicable, "scores.B7.1.not_applicable", "x") // code with a dot
	found.Add(diag.NoDeviation, "targets[0].deviation", "x")         // absent: the target's line
	found.Add(diag.BadValue, "finance.income[0].name", "x")          // absent: its item's line
	found.Add(diag.UnknownRef, "weights.A2", "x")                    // map key
	found.Add(diag.Missing, "project_framework", "x")                // nowhere: no line
	ds = l.Locate(found)
	want := []int{
		lineOf(t, validYAML, "reason: 部分合同备案超时"),
		lineOf(t, validYAML, "deduct: 1"),
		lineOf(t, validYAML, "- item: B5.6"),
		lineOf(t, validYAML, "not_applicable: 无"),
		lineOf(t, validYAML, "- category: output"),
		lineOf(t, validYAML, "    - kind: general_public"),
		lineOf(t, validYAML, "A2: 15"),
		0,
	}
	for i, f := range ds {
		if f.File != "e.yaml" || f.Line != want[i] {
			t.Errorf("%s located at %s:%d, want line %d", f.Path, f.File, f.Line, want[i])
		}
	}
}

func TestParent(t *testing.T) {
	for _, tc := range [][2]string{
		{"a.b[2].c", "a.b[2]"}, {"a.b[2]", "a.b"}, {"a.b", "a"}, {"a", ""}, {"", ""},
	} {
		if got := parent(tc[0]); got != tc[1] {
			t.Errorf("parent(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}

const brokenFramework = `id: broken
name: 坏框架
version: "1"
scope: department
total: 100
indicators:
  - code: A
    name: 甲
    points: 60
    children:
      - code: A1
        name: 甲一
        points: 50
        rule: {kind: manual}
  - code: B
    name: 乙
    points: 40
    rule:
      kind: threshold
      measure: carryover_rate
      direction: max
      limit: 5
  - code: A1
    name: 重复
    points: 10
    rule: {kind: manual, colour: red}
`

func TestFrameworkLines(t *testing.T) {
	f, ds := Framework("f.yaml", []byte(brokenFramework))
	if f == nil || f.Origin != "f.yaml" {
		t.Fatalf("framework not returned with its origin")
	}
	// block: the finding is about a block-valued key; its line may be the
	// key's or the block's first (the key line is pinned in
	// TestBugBlockValueLineIsFirstChild).
	want := []struct {
		code, path, line string
		block            bool
	}{
		// A's children add to 50, not 60: at A's children.
		{diag.PointsSum, "indicators[0].children", "    children:", true},
		// 60 + 40 + 10 = 110 ≠ 100: at indicators.
		{diag.PointsSum, "indicators", "indicators:", true},
		// threshold without deduct: at its rule.
		{diag.Missing, "indicators[1].rule.deduct", "    rule:", true},
		// duplicate code A1: at the code line.
		{diag.Duplicate, "indicators[2].code", "  - code: A1", false},
		// unknown field colour: on its line.
		{diag.UnknownField, "indicators[2].rule.colour", "    rule: {kind: manual, colour: red}", false},
	}
	for _, w := range want {
		got := find(ds, w.code, w.path)
		if got == nil {
			t.Errorf("missing %s at %s in:\n%v", w.code, w.path, ds)
			continue
		}
		l := lineOf(t, brokenFramework, w.line)
		if (got.Line != l && !(w.block && got.Line == l+1)) || got.File != "f.yaml" {
			t.Errorf("%s at %s: %s:%d, want line %d", w.code, w.path, got.File, got.Line, l)
		}
	}
}

func TestFrameworkEmbeddedValid(t *testing.T) {
	for _, name := range []string{"gz-dept-2023.yaml", "cn-project-2020.yaml"} {
		data, err := frameworks.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, ds := Framework(name, data)
		if len(ds) != 0 || f == nil {
			t.Fatalf("%s:\n%v", name, ds)
		}
		var sum num.Points
		for _, in := range f.Indicators {
			sum += in.Points
		}
		if sum != f.Total || f.Total != num.Whole(100) {
			t.Errorf("%s: indicators add to %s of %s", name, sum, f.Total)
		}
	}
}

func TestLoadLibraryUserDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := writeFile(dir, name, body); err != nil {
			t.Fatal(err)
		}
	}
	// A valid user framework, a broken one, one reusing a built-in id, and
	// a file that is not a framework file by extension.
	ok := strings.Replace(strings.Replace(brokenFramework, "id: broken", "id: mine", 1), "      limit: 5\n", "      limit: 5\n      deduct: 0.5\n", 1)
	ok = strings.Replace(ok, "points: 50", "points: 60", 1)
	ok = strings.Replace(ok, "  - code: A1\n    name: 重复\n    points: 10\n    rule: {kind: manual, colour: red}\n", "", 1)
	write("mine.yaml", ok)
	write("broken.yml", brokenFramework)
	write("dup.json", `{"id": "gz-dept-2023", "name": "x", "version": "1", "scope": "department", "total": 1, "indicators": [{"code": "a", "name": "a", "points": 1, "rule": {"kind": "manual"}}]}`)
	write("notes.txt", "not yaml: [")
	lib, ds := LoadLibrary(dir, dir+"/missing")
	if _, ok := lib.Framework("mine"); !ok {
		t.Errorf("user framework not loaded:\n%v", ds)
	}
	if _, ok := lib.Framework("broken"); ok {
		t.Errorf("broken framework loaded")
	}
	if f, _ := lib.Framework("gz-dept-2023"); f == nil || f.Origin != BuiltinOrigin {
		t.Errorf("built-in overridden")
	}
	var dup, broken bool
	for _, d := range ds {
		if d.Code == diag.Duplicate && d.Path == "id" && strings.HasSuffix(d.File, "dup.json") {
			dup = true
		}
		if strings.HasSuffix(d.File, "broken.yml") && d.Line > 0 {
			broken = true
		}
		if strings.HasSuffix(d.File, "notes.txt") {
			t.Errorf("non-framework file read: %v", d)
		}
	}
	if !dup || !broken {
		t.Errorf("dup %v broken %v:\n%v", dup, broken, ds)
	}
	if all := lib.All(); len(all) < 2 || all[0].Origin != BuiltinOrigin || all[len(all)-1].ID != "mine" || all[len(all)-2].Origin != BuiltinOrigin {
		ids := []string{}
		for _, f := range all {
			ids = append(ids, f.ID)
		}
		t.Errorf("All() = %v", ids)
	}
}
