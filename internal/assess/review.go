package assess

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// Review scopes (docs/cycle.md §3.2): a review score is on a leaf of the
// department's tree (ScopeDepartment), or of one project's tree, named
// by the project's code ("project:CODE") or, for a year whose projects
// have no codes, by its position from 1 ("seq:N").
const (
	ScopeDepartment = "department"
	scopeProject    = "project:"
	scopeSeq        = "seq:"
)

// ProjectScope is the review scope of the i-th project (from 0) with the
// code: "project:CODE", or "seq:N" (N = i+1) when it has no code.
func ProjectScope(i int, code string) string {
	if code != "" {
		return scopeProject + code
	}
	return scopeSeq + strconv.Itoa(i+1)
}

// ParseScope reads a review scope: the department (project false), or a
// project by code or by position (seq from 1, code empty). ok is false
// for anything else.
func ParseScope(scope string) (project bool, code string, seq int, ok bool) {
	switch {
	case scope == ScopeDepartment:
		return false, "", 0, true
	case strings.HasPrefix(scope, scopeProject):
		code = strings.TrimPrefix(scope, scopeProject)
		return true, code, 0, code != ""
	case strings.HasPrefix(scope, scopeSeq):
		n, err := strconv.Atoi(strings.TrimPrefix(scope, scopeSeq))
		if err != nil || n < 1 || scopeSeq+strconv.Itoa(n) != scope {
			return false, "", 0, false
		}
		return true, "", n, true
	}
	return false, "", 0, false
}

// ProjectIndex returns the index in res.Projects of the project a scope
// names, or -1 when it names none (or the department).
func ProjectIndex(res *scoring.Result, scope string) int {
	project, code, seq, ok := ParseScope(scope)
	if !ok || !project {
		return -1
	}
	for i, p := range res.Projects {
		if code != "" && p.Code == code || seq == i+1 && p.Code == "" {
			return i
		}
	}
	return -1
}

// ScopeTree returns the scored tree of a scope, its name in words and
// whether the scope names a tree of res.
func ScopeTree(res *scoring.Result, scope string) ([]*scoring.Node, string, bool) {
	if scope == ScopeDepartment {
		return res.Indicators, "部门整体", true
	}
	i := ProjectIndex(res, scope)
	if i < 0 {
		return nil, "", false
	}
	return res.Projects[i].Indicators, "项目“" + res.Projects[i].Name + "”", true
}

// Score is one review score (复核得分) with who gave it and why.
type Score struct {
	Points   num.Points
	Reason   string
	Reviewer string
}

// Scores are a department-year's review scores, by scope and then by the
// code of the leaf they are on.
type Scores map[string]map[string]Score

// Department returns the department scope's scores as points by code.
func (s Scores) Department() map[string]num.Points {
	out := map[string]num.Points{}
	for code, sc := range s[ScopeDepartment] {
		out[code] = sc.Points
	}
	return out
}

// Review is the result of the finance bureau's review (复核) of a
// department-year: the department's total after review (复核后得分) and
// the grade it earns, and the same for each project (Projects).
type Review struct {
	Total num.Points
	Grade string
	// Counted is how many review scores changed the department's total.
	Counted int
	// Scores are the department tree's scores after review, for every
	// node on the way to a counted review score (the reviewed node and
	// its ancestors), by code; other nodes keep their self-score.
	Scores map[string]num.Points
	// Lines are the counted review scores of every scope, the
	// department's first, then each project's, in tree order: what the
	// review changed, beside the self-score, with reason and reviewer
	// (the review's trace).
	Lines []Line
	// Projects are each project's result after review, in the order of
	// the score tree's projects (every project, reviewed or not).
	Projects []ProjectReview
}

// ProjectReview is a project's self-score and its total and grade after
// review (项目复核后得分、等级), the input of the results decisions
// (结果应用). ReviewTotal is SelfTotal and Grade SelfGrade when no review
// score of the project counts.
type ProjectReview struct {
	Scope       string // "project:CODE" or "seq:N"
	Code, Name  string
	SelfTotal   num.Points
	SelfGrade   string
	ReviewTotal num.Points
	Grade       string
	Counted     int
	// Scores are the project tree's scores after review, as
	// Review.Scores.
	Scores map[string]num.Points
}

// Line is one counted review score.
type Line struct {
	Scope string
	// Project is the project's name; empty for the department.
	Project string
	Code    string
	Name    string
	// Points are the leaf's points; Self its self-score, Review the
	// review score.
	Points, Self, Review num.Points
	Reason, Reviewer     string
}

// Trace says the line in a sentence, naming the reviewer and the reason.
func (l Line) Trace() string {
	return fmt.Sprintf("复核：%s 评定 %s 分（自评 %s 分，满分 %s 分），理由：%s", l.Reviewer, l.Review, l.Self, l.Points, l.Reason)
}

// AfterReview applies review scores to a scored tree, the department's
// and each project's: a review score replaces the self-score of the node
// it is on (a leaf: an indicator without children, a target, or a
// checklist item), and a node reviewed stands for its whole subtree
// (review scores below it, or on its items, do not count again; such
// rows were stored before review scores were limited to leaves). A
// review score on a node that does not apply counts nothing, as it
// carries no points; codes the tree lacks, and scopes naming no project,
// are ignored. With no review score that counts, a total is the
// self-score total. Grades follow the frameworks' bands (fw the
// department's, pfw the projects'; nil keeps the self-score's grade).
func AfterReview(res *scoring.Result, fw, pfw *framework.Framework, reviews Scores) *Review {
	r := &Review{}
	var lines []Line
	r.Total, r.Counted, r.Scores = apply(res.Indicators, res.Total, ScopeDepartment, "", reviews[ScopeDepartment], &lines)
	r.Grade = res.Grade
	if fw != nil {
		r.Grade = fw.Grade(r.Total)
	}
	r.Lines = lines
	for i, p := range res.Projects {
		scope := ProjectScope(i, p.Code)
		pr := ProjectReview{Scope: scope, Code: p.Code, Name: p.Name, SelfTotal: p.Total, SelfGrade: p.Grade, Grade: p.Grade}
		var pl []Line
		pr.ReviewTotal, pr.Counted, pr.Scores = apply(p.Indicators, p.Total, scope, p.Name, reviews[scope], &pl)
		if pfw != nil && pr.Counted > 0 {
			pr.Grade = pfw.Grade(pr.ReviewTotal)
		}
		r.Lines = append(r.Lines, pl...)
		r.Projects = append(r.Projects, pr)
	}
	return r
}

// apply applies one scope's review scores to its tree of total self,
// appending a line for each that counts; it returns the total after
// review, how many counted, and the scores after review of the nodes on
// the way to them.
func apply(ns []*scoring.Node, self num.Points, scope, project string, reviews map[string]Score, lines *[]Line) (num.Points, int, map[string]num.Points) {
	total, counted := self, 0
	scores := map[string]num.Points{}
	// walk returns the change below the nodes.
	var walk func([]*scoring.Node) num.Points
	walk = func(ns []*scoring.Node) num.Points {
		var delta num.Points
		for _, n := range ns {
			if n.NotApplicable != "" {
				continue
			}
			var d num.Points
			if sc, ok := reviews[n.Code]; ok {
				d = sc.Points - n.Score
				counted++
				*lines = append(*lines, Line{Scope: scope, Project: project, Code: n.Code, Name: n.Name, Points: n.Points, Self: n.Score, Review: sc.Points, Reason: sc.Reason, Reviewer: sc.Reviewer})
			} else {
				before := counted
				d = walk(n.Children) + walk(n.Items)
				if counted == before {
					continue
				}
			}
			scores[n.Code] = n.Score + d
			delta += d
		}
		return delta
	}
	total += walk(ns)
	if counted == 0 {
		scores = nil
	}
	return total, counted, scores
}
