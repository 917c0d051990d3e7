package assess

import (
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// Review is the department's total after the finance bureau's review
// (复核后得分) and the grade it earns.
type Review struct {
	Total num.Points
	Grade string
	// Counted is how many review scores changed the total.
	Counted int
}

// AfterReview applies review scores to a scored tree: a review score
// replaces the self-score of the indicator it is on, and that indicator
// stands for its whole subtree (review scores below it do not count
// again). A review score on an indicator that does not apply counts
// nothing, as the indicator carries no points; codes the tree lacks are
// ignored. With no review score that counts, the total is the
// self-score total. The grade follows the framework's bands.
func AfterReview(res *scoring.Result, fw *framework.Framework, reviews map[string]num.Points) *Review {
	r := &Review{Total: res.Total}
	var walk func([]*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			if n.NotApplicable != "" {
				continue
			}
			if p, ok := reviews[n.Code]; ok {
				r.Total += p - n.Score
				r.Counted++
				continue
			}
			walk(n.Children)
		}
	}
	walk(res.Indicators)
	r.Grade = res.Grade
	if fw != nil {
		r.Grade = fw.Grade(r.Total)
	}
	return r
}
