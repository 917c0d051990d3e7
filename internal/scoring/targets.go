package scoring

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
)

// targetRef is a target with its index in the list it came from.
type targetRef struct {
	i int
	t *evaluation.Target
}

func (s *scorer) targetsOf(categories []string) []targetRef {
	var out []targetRef
	for i := range s.targets {
		if slices.Contains(categories, s.targets[i].Category) {
			out = append(out, targetRef{i, &s.targets[i]})
		}
	}
	return out
}

// targetsScore scores each target of the rule's categories as a child node.
// The indicator's points are shared by the targets' own points when every
// target sets one, otherwise equally.
func (s *scorer) targetsScore(in *framework.Indicator, n *Node) {
	ts := s.targetsOf(in.Rule.Categories)
	if len(ts) == 0 {
		// A required part without targets is reported by notApplicable.
		n.Trace.Formula = "未设置" + categoryList(in.Rule.Categories) + "，得 0 分"
		return
	}
	w := make([]num.Points, len(ts))
	set := 0
	for k, tr := range ts {
		w[k] = 100
		if tr.t.Points != nil {
			w[k] = *tr.t.Points
			set++
		}
	}
	if set > 0 && set < len(ts) {
		s.add(diag.Missing, fmt.Sprintf("targets[%d].points", ts[0].i), "%s的指标应全部设置分值或全部不设置（%d 个中设置了 %d 个）", in.Name, len(ts), set)
	}
	if set == len(ts) {
		var total num.Points
		for _, p := range w {
			total += p
		}
		if total != in.Points {
			s.add(diag.PointsSum, fmt.Sprintf("targets[%d].points", ts[0].i), "%s的指标分值合计 %s，与框架分值 %s 不符", in.Name, total, in.Points)
		}
	}
	shares := num.Split(n.Points, w)
	limit := pct(in.Rule.CapPercent()) // the same for every target; compare does not change it
	for k, tr := range ts {
		code := tr.t.Code
		if code == "" {
			code = fmt.Sprintf("%s.%d", in.Code, k+1)
		}
		c := &Node{Code: code, Name: tr.t.Name, Points: shares[k], BasePoints: shares[k], Rule: "target", Target: tr.t}
		s.target(tr, c, limit)
		n.Children = append(n.Children, c)
	}
	n.Score = sum(n.Children)
	n.Trace.Formula = fmt.Sprintf("%d 个指标得分合计 %s", len(ts), n.Score)
}

// target scores one performance target by its direction. limit is the
// rule's cap on the share of a target's points, as a fraction (1 for 100%).
func (s *scorer) target(tr targetRef, n *Node, limit *big.Rat) {
	t := tr.t
	p := fmt.Sprintf("targets[%d]", tr.i)
	n.Trace.Inputs = []Fact{{"指标类别", framework.CategoryNames[t.Category] + "/" + t.Subcategory}, {"目标值", t.Target + t.Unit}, {"实际完成值", t.Actual + t.Unit}}
	switch t.Direction {
	case framework.Qualitative:
		if t.Level == "" {
			s.add(diag.Missing, p+".level", "定性指标 %s 需要填写评价等级（met、partly、not_met）", t.Name)
			return
		}
		s.levelScore(framework.DefaultBands, t.Level, t.Score, n, p)
	case framework.AtLeast, framework.AtMost, framework.Equal:
		target, err1 := num.ParseDecimal(t.Target)
		actual, err2 := num.ParseDecimal(t.Actual)
		if err1 != nil {
			s.add(diag.BadValue, p+".target", "定量指标 %s 的目标值应为数值：%v", t.Name, err1)
		}
		if err2 != nil {
			s.add(diag.BadValue, p+".actual", "定量指标 %s 的实际完成值应为数值：%v", t.Name, err2)
		}
		if err1 != nil || err2 != nil {
			return
		}
		share, formula := compare(t.Direction, actual.Rat(), target.Rat(), limit)
		n.Score = n.Points.Times(share)
		n.Trace.Formula = fmt.Sprintf("%s；得分 = %s × %s%% = %s", formula, n.Points, pctText(share), n.Score)
	default:
		s.add(diag.BadChoice, p+".direction", "指标方向应为 >=、<=、= 或 qualitative，实际为 %q", t.Direction)
		return
	}
	n.Met = n.Score == n.Points
	if n.Score < n.Points {
		reason := t.Deviation
		if reason == "" {
			reason = "未完成目标值（未说明偏差原因）"
		}
		n.Trace.Deductions = append(n.Trace.Deductions, Deduction{Item: t.Name, Points: n.Lost(), Reason: reason, Evidence: t.Evidence})
	}
	s.extraDeductions(t.Deductions, n, p+".deductions")
}
