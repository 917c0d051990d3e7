// Package scoring scores an evaluation against an indicator framework. Every
// score carries its trace: the inputs, the formula with the numbers filled
// in, and each deduction with its reason and evidence, so that no point is
// lost without an explanation.
package scoring

import (
	"fmt"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/num"
)

// Result is the scored department-year.
type Result struct {
	Framework        string          `json:"framework"`
	FrameworkName    string          `json:"framework_name"`
	FrameworkVersion string          `json:"framework_version"`
	Points           num.Points      `json:"points"`
	Total            num.Points      `json:"total"`
	Grade            string          `json:"grade"`
	Indicators       []*Node         `json:"indicators"`
	Projects         []ProjectResult `json:"projects"`
}

// ProjectResult is one scored project.
type ProjectResult struct {
	Name       string     `json:"name"`
	Code       string     `json:"code,omitempty"`
	Framework  string     `json:"framework"`
	Points     num.Points `json:"points"`
	Total      num.Points `json:"total"`
	Grade      string     `json:"grade"`
	Indicators []*Node    `json:"indicators"`
}

// Node is one scored indicator. Points are the points it carries after any
// rescaling for indicators that do not apply; BasePoints are the
// framework's.
type Node struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Points     num.Points `json:"points"`
	BasePoints num.Points `json:"base_points"`
	Score      num.Points `json:"score"`
	Rule       string     `json:"rule,omitempty"`
	// NotApplicable is the reason the indicator was dropped, if it was.
	NotApplicable string  `json:"not_applicable,omitempty"`
	Trace         Trace   `json:"trace"`
	Children      []*Node `json:"children,omitempty"`
	// Items are the checklist items of a checklist indicator, as nodes of
	// their own (Rule RuleItem) with their points, score and deduction:
	// leaves a reviewer may re-score. They are not Children, so that
	// whatever lists indicators (report tables, the workspace, exports)
	// does not list them; their points are already in the indicator's
	// score.
	Items []*Node `json:"items,omitempty"`
	// Target is the performance target a node scores, for nodes made
	// from targets; Met says whether the target was achieved, before any
	// deduction by judgement.
	Target *evaluation.Target `json:"-"`
	Met    bool               `json:"met,omitempty"`
}

// RuleItem is the Rule of a checklist item's node (Node.Items).
const RuleItem = "item"

// lose takes a deduction off a checklist item's node.
func (n *Node) lose(d Deduction) {
	n.Score = max(n.Points-d.Points, 0)
	n.Trace.Formula = fmt.Sprintf("检查项未通过，扣 %s 分，得 %s 分（满分 %s 分）", d.Points, n.Score, n.Points)
	n.Trace.Deductions = append(n.Trace.Deductions, d)
}

// Leaf returns the node a reviewer may re-score with the code: an
// indicator with no children (a framework leaf, a target) or a checklist
// item, anywhere in the tree; nil when the code names no node or names
// one with children (its score is the sum of theirs).
func Leaf(nodes []*Node, code string) *Node {
	for _, n := range nodes {
		if n.Code == code {
			if len(n.Children) > 0 {
				return nil
			}
			return n
		}
		for _, it := range n.Items {
			if it.Code == code {
				return it
			}
		}
		if f := Leaf(n.Children, code); f != nil {
			return f
		}
	}
	return nil
}

// Lost is the points the node did not earn.
func (n *Node) Lost() num.Points { return n.Points - n.Score }

// Trace explains a score.
type Trace struct {
	Inputs     []Fact      `json:"inputs,omitempty"`
	Formula    string      `json:"formula,omitempty"`
	Deductions []Deduction `json:"deductions,omitempty"`
	Notes      []string    `json:"notes,omitempty"`
	// Records say, in a sentence each, what the records kept beside the
	// year (ex-ante evaluations, monitoring reports and warnings) showed
	// for the items they decided; the report's account of the item
	// quotes them.
	Records []string `json:"records,omitempty"`
}

// Fact is one named input value.
type Fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Deduction is points lost, with why and on what evidence.
type Deduction struct {
	// Item names the checklist item or rule part that cost the points.
	Item   string     `json:"item,omitempty"`
	Points num.Points `json:"points"`
	Reason string     `json:"reason"`
	// Summary, when set, says the same as Reason in one sentence for a
	// report, counting repeated records instead of listing each (register
	// checks); Reason keeps the full list for the trace.
	Summary  string   `json:"summary,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
}

// Text is what a report prints for the deduction: the summary if there is
// one, else the reason.
func (d Deduction) Text() string {
	if d.Summary != "" {
		return d.Summary
	}
	return d.Reason
}

// Find returns the node with the code anywhere in the tree, or nil.
func Find(nodes []*Node, code string) *Node {
	for _, n := range nodes {
		if n.Code == code {
			return n
		}
		if f := Find(n.Children, code); f != nil {
			return f
		}
	}
	return nil
}

// Deductions lists every deduction below and including n, depth first.
func (n *Node) AllDeductions() []Deduction {
	out := append([]Deduction(nil), n.Trace.Deductions...)
	for _, c := range n.Children {
		out = append(out, c.AllDeductions()...)
	}
	return out
}
