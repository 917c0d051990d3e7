package bulk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
)

// bulletinInput gathers the bulletin's figures from a bundle's rows: the
// scores and grades the store keeps with each year (after review where
// the review is over or has scores, as the summary prints them), the
// problems counted in each report, the indicators that lost points, the
// reviewers' comments by department, and the deadline for rectification
// measures of the store's cycle rules.
func bulletinInput(opts Options, sum *Summary, comments map[string]int, rules *cycle.Rules, rect *report.BulletinRectification, res *report.BulletinResults) *report.BulletinInput {
	in := &report.BulletinInput{Year: opts.Year, Issuer: opts.Issuer, Date: opts.Date, Rectification: rect, Results: res}
	if r := rules; r != nil {
		if d, ok := r.Deadlines[cycle.MeasuresFiled]; ok {
			in.Measures = report.BulletinDeadline{Rules: fmt.Sprintf("《%s》（%s，%s版）", r.Name, r.ID, r.Version), Name: d.Name, Describe: d.Describe(), Source: d.Source, Default: d.Default}
		}
	}
	for _, r := range sum.Rows {
		l := r.Listing
		d := report.BulletinDepartment{Code: r.Code, Name: r.Name, Status: r.Status, Self: l.Total, SelfGrade: l.Grade,
			Problems: r.Problems, Comments: comments[r.Code], Lost: r.LostIndicators}
		if reviewed(r) {
			d.Reviewed, d.Review, d.ReviewGrade = true, l.Review.Total, l.Review.Grade
		}
		if r.Problem != "" && r.LostIndicators == nil {
			d.Unscored = r.Problem
		}
		in.Departments = append(in.Departments, d)
	}
	return in
}

// lostIndicators lists the department's scored leaves that lost points,
// each with its first-level indicator.
func lostIndicators(top []*scoring.Node) []report.LostIndicator {
	var out []report.LostIndicator
	var walk func(group string, ns []*scoring.Node)
	walk = func(group string, ns []*scoring.Node) {
		for _, x := range ns {
			if len(x.Children) > 0 {
				walk(group, x.Children)
				continue
			}
			if x.NotApplicable == "" && x.Lost() > 0 {
				out = append(out, report.LostIndicator{Group: group, Name: x.Name, Lost: x.Lost()})
			}
		}
	}
	for _, t := range top {
		if len(t.Children) == 0 {
			walk(t.Name, []*scoring.Node{t})
			continue
		}
		walk(t.Name, t.Children)
	}
	return out
}

// rectificationCounts are the year's rectification items for the
// bulletin, by status in the track's order, and those overdue today.
func rectificationCounts(ctx context.Context, st *store.Store, year int) (*report.BulletinRectification, error) {
	by, overdue, err := st.RectificationCounts(ctx, year)
	if err != nil {
		return nil, err
	}
	out := &report.BulletinRectification{Overdue: overdue}
	for _, s := range rectify.Statuses {
		out.ByStatus = append(out.ByStatus, report.BulletinCount{Name: rectify.StatusName(s), N: by[s]})
		out.Total += by[s]
	}
	return out, nil
}

// resultsSummary sums up the year's results-application suggestions for
// the bulletin with the store's results rules, reading the accepted
// department-years a page at a time.
func resultsSummary(ctx context.Context, st *store.Store, year int) (*report.BulletinResults, error) {
	rules := st.Rules().Results
	out := &report.BulletinResults{Rules: fmt.Sprintf("《%s》（%s，%s版）", rules.Name, rules.ID, rules.Version)}
	deps, projs := map[string]int{}, map[string]int{}
	for offset := 0; ; {
		ys, total, err := st.Suggestions(ctx, store.ResultsFilter{Year: year, Limit: store.MaxResultsYears, Offset: offset}, rules)
		if err != nil {
			return nil, err
		}
		for _, y := range ys {
			out.Years++
			for _, r := range y.Rows() {
				out.Rows++
				if r.Decision != nil {
					out.Decided++
				}
				if r.Suggestion == nil {
					out.Unsuggested++
					continue
				}
				out.Base += r.Suggestion.Base
				out.Suggested += r.Suggestion.Amount
				if r.Scope == store.ResultScopeDepartment {
					deps[r.Suggestion.Name]++
				} else {
					projs[r.Suggestion.Name]++
				}
			}
		}
		offset += len(ys)
		if len(ys) == 0 || offset >= total {
			break
		}
	}
	out.Departments, out.Projects = countsByFrequency(deps), countsByFrequency(projs)
	return out, nil
}

// countsByFrequency orders named counts most frequent first, then by name.
func countsByFrequency(m map[string]int) []report.BulletinCount {
	out := make([]report.BulletinCount, 0, len(m))
	for name, n := range m {
		out = append(out, report.BulletinCount{Name: name, N: n})
	}
	slices.SortFunc(out, func(a, b report.BulletinCount) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}
