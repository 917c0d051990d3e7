package scoring

import (
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
)

// ScoreInputs scores a framework from the scorer's entries alone, with
// the same rules and traces as a department-year: for an ex-ante
// evaluation (事前绩效评估), whose framework uses only rules the entries
// decide (framework.ExanteKinds). A rule that needs accounts, targets or
// registers finds none and reports what is missing. Findings' paths start
// with "scores.". Grade is the framework's band for the total: for an
// ex-ante framework, the conclusion's name.
func ScoreInputs(fw *framework.Framework, scores map[string]evaluation.Input) (*ProjectResult, diag.List) {
	s := scorer{ev: &evaluation.Evaluation{}, fw: fw, inputs: scores}
	res := &ProjectResult{Name: fw.Name, Framework: fw.ID, Points: fw.Total}
	res.Indicators = s.tree(fw.Indicators, fw.Total)
	res.Total = sum(res.Indicators)
	res.Grade = fw.Grade(res.Total)
	return res, s.ds
}
