// Package assess is the one assessment pipeline: every command, page and
// import that checks or scores a department-year calls Assess, and nothing
// assembles the steps again. It validates the data, checks it against the
// frameworks it names, scores it with its traces, finds what is likely
// wrong though it can be scored, applies the year's weights to the
// framework the report describes, and states the total after the finance
// bureau's review (复核后得分). It does no I/O: the framework library and the
// working-day calendar are passed in.
package assess

import (
	"fmt"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Library finds frameworks by id: the framework files (datafile.Library)
// or the versions a stored year was scored with.
type Library interface {
	Framework(id string) (*framework.Framework, bool)
}

// Options are what the pipeline needs from outside the data.
type Options struct {
	// Calendar counts working days for the register checks; the edge
	// passes the official calendar (calendar.ScoringOptions). Without
	// one, a working-day check is an error finding.
	Calendar scoring.WorkingDays
	// Reviews are the finance bureau's review scores (复核得分), by scope
	// (ScopeDepartment, "project:CODE", "seq:N") and leaf code.
	Reviews Scores
	// Quality are the target-quality checks (绩效目标质量审核) to run, from
	// a rules file; nil runs none.
	Quality *evaluation.QualityRules
	// ReadErrors says the reader found errors in the file the evaluation
	// was read from: the data is checked, so that every problem is listed
	// at once, but what is known to be wrong is not scored.
	ReadErrors bool
	// Stage is the stage of the department-year (workflow.Declaration,
	// Execution or Evaluation; empty is Evaluation, as for a data file).
	// Before the evaluation stage the data is validated for its stage
	// (evaluation.ValidateFor: the year-end fields are not required) and
	// checked against its frameworks, and not scored: Result stays nil.
	Stage string
	// Cycle are the records a store keeps beside the year (ex-ante
	// evaluations, …; docs/cycle.md §8), built by the store for a stored
	// year. With them, a new project from the ex-ante threshold without a
	// supported ex-ante evaluation is a finding (W186) and the framework's
	// record-decided checklist items (check kind exante: B1.1) are decided
	// from them. Nil for a plain data file: those items stay as typed.
	Cycle *evaluation.Cycle
	// Stored says the evaluation was checked when it was stored: errors
	// the checks find now (a check added since) are reported, and the
	// year is still scored, so that a stored year never becomes
	// unreadable.
	Stored bool
}

// Assessment is everything the edges need about one department-year.
type Assessment struct {
	Evaluation *evaluation.Evaluation
	// Framework is the department framework as the library holds it (the
	// file a store keeps with the year); Weighted is it with the year's
	// weights applied, the one the report and tables describe (Framework
	// itself when the year sets none). ProjectFramework scores the
	// projects; nil when the year has none.
	Framework        *framework.Framework
	Weighted         *framework.Framework
	ProjectFramework *framework.Framework
	// Result is the score tree with traces; nil when errors in the data
	// or the frameworks prevent scoring, and before the evaluation stage.
	Result *scoring.Result
	// Findings are every finding of every step, by data path ("targets[2].
	// actual"), in the order the steps ran. Loaders map paths to lines or
	// cells.
	Findings diag.List
	// Review is the total after review, the department's and each
	// project's, with the lines the review changed; nil without review
	// scores or a result.
	Review *Review
	// ProjectReviews are each project's self-score and its total and
	// grade after review (the self-score's when no review score of it
	// counts), in the order of Result.Projects; nil without a result.
	// The results decisions (结果应用) read the grade from here.
	ProjectReviews []ProjectReview
}

// Assess runs the pipeline on ev. It always returns an assessment; its
// Findings say what is wrong, and Result is nil when ev cannot be scored.
func Assess(ev *evaluation.Evaluation, lib Library, opts Options) *Assessment {
	a := check(ev, lib, opts.Stage)
	a.Findings = append(a.Findings, ev.QualityIn(opts.Quality, opts.Stage, opts.Cycle)...)
	a.Findings = append(a.Findings, exanteFindings(ev, opts.Cycle)...)
	a.Findings = append(a.Findings, rectificationFindings(opts.Cycle)...)
	if !Scored(opts.Stage) || opts.ReadErrors || (a.Findings.Err() != nil && !opts.Stored) {
		return a
	}
	res, ds := scoring.ScoreWith(ev, lib, scoring.Options{Calendar: opts.Calendar, Cycle: opts.Cycle})
	a.Findings = append(a.Findings, ds...)
	a.Findings = append(a.Findings, ev.Consistency()...)
	if ds.Err() != nil {
		return a
	}
	a.Result = res
	r := AfterReview(res, a.Weighted, a.ProjectFramework, opts.Reviews)
	a.ProjectReviews = r.Projects
	if len(opts.Reviews) > 0 {
		a.Review = r
	}
	return a
}

// exanteFindings are W186 for each new project of ev that needs an
// ex-ante evaluation under c and has no concluded, supported one.
func exanteFindings(ev *evaluation.Evaluation, c *evaluation.Cycle) diag.List {
	var ds diag.List
	for _, n := range c.ExanteNeeds(ev) {
		if n.Met() {
			continue
		}
		who := "预算部门"
		if n.Finance {
			who = "财政部门"
		}
		ds.Add(diag.ExanteMissing, fmt.Sprintf("projects[%d]", n.Index), "%s；%s的新增项目须由%s开展事前绩效评估并取得“予以支持”或“调整后予以支持”的结论，方可纳入预算", n.Problem(), c.ExanteRule(), who)
	}
	return ds
}

// rectificationFindings are W187 for each rectification item of an
// earlier year of the department not yet closed, saying its status and
// the deadline it missed or awaits.
func rectificationFindings(c *evaluation.Cycle) diag.List {
	if c == nil {
		return nil
	}
	var ds diag.List
	for _, it := range c.Rectification.Open() {
		ds.Add(diag.RectificationOpen, "", "%s尚未销号：%s", it.Name(), it.State())
	}
	return ds
}

// Scored reports whether a year in the stage is scored: only from the
// evaluation stage on (an empty stage is the evaluation stage).
func Scored(stage string) bool { return stage == "" || stage == workflow.Evaluation }

// check runs the pipeline's first steps: it validates ev for its stage,
// looks up the frameworks it names, checks ev against them and applies
// the year's weights.
func check(ev *evaluation.Evaluation, lib Library, stage string) *Assessment {
	a := &Assessment{Evaluation: ev}
	a.Findings = append(a.Findings, ev.ValidateFor(stage)...)
	fw, ok := lib.Framework(ev.Framework)
	if !ok && ev.Framework != "" {
		a.Findings.Add(diag.UnknownRef, "framework", "未找到指标框架 %q", ev.Framework)
	}
	var pfw *framework.Framework
	if len(ev.Projects) > 0 {
		if pfw, ok = lib.Framework(ev.ProjectFrameworkID()); !ok {
			a.Findings.Add(diag.UnknownRef, "project_framework", "未找到项目指标框架 %q", ev.ProjectFrameworkID())
		}
	}
	a.Findings = append(a.Findings, ev.CheckFramework(fw, pfw)...)
	a.Framework, a.Weighted, a.ProjectFramework = fw, fw, pfw
	if fw != nil && len(ev.Weights) > 0 {
		if w, err := fw.WithPoints(ev.Weights); err == nil {
			a.Weighted = w
		}
	}
	return a
}

// Err returns the assessment's errors as one error, or nil.
func (a *Assessment) Err() error { return a.Findings.Err() }
