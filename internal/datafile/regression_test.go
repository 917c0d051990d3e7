package datafile

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/jixiao/jixiao/internal/diag"
)

// selfAlias is a four-line framework file whose indicator list contains
// itself through an alias.
const selfAlias = "id: x\nindicators: &i\n  - code: a\n    children: *i\n"

// Fixed bug (crash): decode follows aliases (decode.go: `n = n.Alias`) with no
// guard, so an alias to an enclosing node recurses forever: the paths
// grow, d.lines fills, and the process dies with "fatal error: out of
// memory" (or stack overflow) — not a recoverable panic. A 4-line
// framework file (selfAlias) kills the program. The same unguarded
// expansion makes billion-laughs files (TestBugAliasExpansionUnbounded)
// take exponential time and memory. Fix: reject anchors/aliases in data
// files (a finding E102 "不支持锚点和别名"), or track the alias nodes
// being decoded (error on re-entry) and cap total decoded nodes relative to
// the parsed tree, as yaml.v3's own decoder does.
//
// The decoding runs in a child process with a small stack so the crash is
// contained and quick.
func TestRegressionSelfReferentialAliasCrashes(t *testing.T) {
	if os.Getenv("JIXIAO_DATAFILE_CHILD") == "self-alias" {
		debug.SetMaxStack(1 << 20)
		_, ds := Framework("f.yaml", []byte(selfAlias))
		fmt.Println("findings:", len(ds))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBugSelfReferentialAliasCrashes$")
	cmd.Env = append(os.Environ(), "JIXIAO_DATAFILE_CHILD=self-alias")
	out, err := cmd.CombinedOutput()
	if err != nil {
		lines := strings.Split(string(out), "\n")
		if len(lines) > 3 {
			lines = lines[:3]
		}
		t.Errorf("decoding a self-referential alias crashed the process (%v):\n%s", err, strings.Join(lines, "\n"))
	}
}

// Fixed bug (denial of service): see TestBugSelfReferentialAliasCrashes. A
// valid evaluation whose projects, targets and evidence lists are N
// aliases each decodes N³ nodes: N = 30 gives 27,000 paths from about 600
// bytes; N = 1000 would need 10⁹ from about 12 KB. The test asks that a
// file be rejected, or decode to at most 100 paths per node of its parsed
// tree.
func TestRegressionAliasExpansionUnbounded(t *testing.T) {
	const n = 30
	rep := func(alias string) string { return strings.Repeat(", "+alias, n-1) }
	doc := "department: {name: a, code: b, functions: [c]}\nyear: 2023\nframework: f\noverall_goal: g\n" +
		"key_tasks: {items: [{lead: l, text: t}]}\nfinance: {income: [{kind: other, amount: 1}], budget: {adjusted: 1}}\n" +
		"projects: [&p {name: p, targets: [&t {category: output, name: n, direction: '>=', target: '1', actual: '1', evidence: [&s 证据" + rep("*s") + "]}" + rep("*t") + "]}" + rep("*p") + "]\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	nodes := 0
	var count func(*yaml.Node)
	count = func(x *yaml.Node) {
		nodes++
		for _, c := range x.Content {
			count(c)
		}
	}
	count(&root)
	l, ds := Evaluation("e.yaml", []byte(doc))
	if ds.Err() != nil {
		return // rejected: fixed
	}
	if len(l.lines) > 100*nodes {
		t.Errorf("a %d-byte file of %d YAML nodes decoded into %d paths (%d expected for N=%d): alias expansion is unbounded",
			len(doc), nodes, len(l.lines), n*n*n, n)
	}
}

// Fixed bug (line numbers): decodeStruct records a field's key line
// (d.lines[p] = k.Line) and decode then overwrites it with the value
// node's line (d.lines[path] = n.Line). For a block mapping or list the
// value starts on the next line, so findings about a block field point at
// its first child: an absent finance.stated.income is reported at
// "income:" (line 18), not "finance:" (line 17); a framework's
// indicators-sum E110 at the first "- code:" instead of "indicators:".
// Fix: in decode, set d.lines[path] only when it is not already set.
func TestRegressionBlockValueLineIsFirstChild(t *testing.T) {
	l, ds := Evaluation("e.yaml", []byte(validYAML))
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	var f diag.List
	f.Add(diag.RoundingDiff, "finance.stated.income", "x")
	f = l.Locate(f)
	if want := lineOf(t, validYAML, "finance:"); f[0].Line != want {
		t.Errorf("finance.stated.income located at line %d, want %d (finance:)", f[0].Line, want)
	}
	_, fds := Framework("f.yaml", []byte(brokenFramework))
	if got := find(fds, diag.PointsSum, "indicators"); got == nil {
		t.Errorf("no E110 at indicators")
	} else if want := lineOf(t, brokenFramework, "indicators:"); got.Line != want {
		t.Errorf("E110 [indicators] at line %d, want %d (indicators:)", got.Line, want)
	}
}

// The YAML parser reports the line where the construct it was reading
// began, which can be a line before the mistake (a JSON file missing a
// comma on line 3 is reported at line 2). The message therefore says
// "near" the line, and the line is never after the mistake.
func TestSyntaxErrorNearLine(t *testing.T) {
	doc := "{\n  \"year\": 2023\n  \"framework\": \"x\"\n}\n"
	_, ds := Evaluation("e.json", []byte(doc))
	if len(ds) != 1 || ds[0].Code != diag.Syntax {
		t.Fatalf("want one E100: %v", ds)
	}
	want := lineOf(t, doc, `  "framework"`)
	if ds[0].Line < want-1 || ds[0].Line > want {
		t.Errorf("missing comma before line %d reported at line %d", want, ds[0].Line)
	}
	if !strings.Contains(ds[0].Message, "附近") {
		t.Errorf("message claims an exact line: %s", ds[0].Message)
	}
}

// Fixed bug (panic, found by FuzzFramework): an empty list item in a framework's
// indicators or children ("indicators:\n-", "children: [~]") decodes to a
// nil *Indicator (decode leaves null as the zero value), and
// framework.Validate dereferences it in sumPoints
// (internal/framework/framework.go:263, called from Validate:205) — as do
// Walk, Find and WithPoints. Fix: in datafile's decode report a null list
// element of pointer type as E103 (and leave it out), and/or have
// Framework.Validate report nil indicators as E103 instead of panicking.
func TestRegressionNullIndicatorPanics(t *testing.T) {
	for _, doc := range []string{
		"indicators:\n-",
		"id: x\nindicators:\n  - code: A\n    name: a\n    points: 1\n    children: [~]\n",
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Framework(%q) panicked: %v", doc, r)
				}
			}()
			_, ds := Framework("f.yaml", []byte(doc))
			if ds.Err() == nil {
				t.Errorf("Framework(%q): no error reported", doc)
			}
		}()
	}
}
