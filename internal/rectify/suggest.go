package rectify

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// LostPoint is one indicator or checklist item of a scored year that lost
// points: where (Scope, Node), what it is (Name), how much, and why (the
// trace's sentence).
type LostPoint struct {
	Scope  string     `json:"scope"`
	Node   string     `json:"node"`
	Name   string     `json:"name"`
	Lost   num.Points `json:"lost"`
	Reason string     `json:"reason"`
	// Project names the project for a project scope.
	Project string `json:"project,omitempty"`
}

// Link is the deduction link to the lost point.
func (l LostPoint) Link() Link {
	return Link{Kind: LinkDeduction, Scope: l.Scope, Node: l.Node, Trace: l.Reason, Lost: l.Lost.String()}
}

// Describe names the lost point in Chinese: "B5.6 采购合同自签订之日起7个工作日内备案（扣 1 分）".
func (l LostPoint) Describe() string {
	s := l.Node + " " + l.Name
	if l.Project != "" {
		s = "项目“" + l.Project + "” " + s
	}
	return fmt.Sprintf("%s（扣 %s 分）", s, l.Lost)
}

// LostPoints lists every leaf of the scored year that lost points, the
// department's tree first, then each coded project's: a checklist's
// items by their own code (B5.6), every other leaf by its code (T3).
// Projects without a code cannot be linked and are left out.
func LostPoints(res *scoring.Result) []LostPoint {
	if res == nil {
		return nil
	}
	var out []LostPoint
	walk(res.Indicators, ScopeDepartment, "", &out)
	for _, p := range res.Projects {
		if strings.TrimSpace(p.Code) == "" {
			continue
		}
		walk(p.Indicators, "project:"+p.Code, p.Name, &out)
	}
	return out
}

func walk(ns []*scoring.Node, scope, project string, out *[]LostPoint) {
	for _, n := range ns {
		if n.NotApplicable != "" {
			continue
		}
		if len(n.Children) > 0 {
			walk(n.Children, scope, project, out)
			continue
		}
		if n.Lost() <= 0 {
			continue
		}
		if n.Rule == "checklist" {
			// Items are not nodes: each deduction names its item
			// ("B5.6 采购合同…").
			found := false
			for _, d := range n.Trace.Deductions {
				code, text, ok := strings.Cut(d.Item, " ")
				if !ok || d.Points <= 0 {
					continue
				}
				found = true
				*out = append(*out, LostPoint{Scope: scope, Node: code, Name: text, Lost: d.Points, Reason: d.Text(), Project: project})
			}
			if found {
				continue
			}
		}
		var why []string
		for _, d := range n.Trace.Deductions {
			why = append(why, d.Text())
		}
		reason := strings.Join(why, "；")
		if reason == "" {
			reason = n.Trace.Formula
		}
		*out = append(*out, LostPoint{Scope: scope, Node: n.Code, Name: n.Name, Lost: n.Lost(), Reason: reason, Project: project})
	}
}

// ProblemMatch is one problem of the year (三、存在的主要问题) with the
// lost points its text names and the measure (四、下一步改进措施) that
// answers it, when the text makes either clear.
type ProblemMatch struct {
	Index   int         `json:"index"`
	Problem string      `json:"problem"`
	Measure string      `json:"measure,omitempty"`
	Lost    []LostPoint `json:"lost,omitempty"`
}

// Suggestions are what a scored year offers to issue items from.
type Suggestions struct {
	Year     int            `json:"year"`
	Problems []ProblemMatch `json:"problems"`
	// Unmatched are the lost points no problem names: each may become
	// an item of its own.
	Unmatched []LostPoint `json:"unmatched,omitempty"`
	// Lost are every lost point.
	Lost []LostPoint `json:"lost"`
}

// MinShared is how many distinct word pairs (two adjacent Chinese
// characters, generic ones left out) a problem must share with a lost
// point's name, or with a measure, to be matched with it.
const MinShared = 2

// Suggest matches the year's problems with its lost points and measures.
// A problem is matched with every lost point whose indicator or item
// name shares at least MinShared word pairs with it (采购合同…备案 with
// "政府采购合同备案的及时性不足"), and with the measure sharing the most
// (at least MinShared); a measure answers one problem at most. This is a
// plain text heuristic: what it cannot tell is left unmatched for the
// reviewer to link by hand.
func Suggest(ev *evaluation.Evaluation, res *scoring.Result) *Suggestions {
	s := &Suggestions{Year: ev.Year, Lost: LostPoints(res)}
	used := map[int]bool{}
	matched := map[int]bool{}
	for i, p := range ev.Problems {
		if strings.TrimSpace(p) == "" {
			continue
		}
		pm := ProblemMatch{Index: i, Problem: strings.TrimSpace(p)}
		pp := pairs(p)
		for j, l := range s.Lost {
			if shared(pp, pairs(l.Name)) >= MinShared {
				pm.Lost = append(pm.Lost, l)
				matched[j] = true
			}
		}
		best, bestN := -1, MinShared-1
		for j, m := range ev.Measures {
			if used[j] {
				continue
			}
			if n := shared(pp, pairs(m)); n > bestN {
				best, bestN = j, n
			}
		}
		if best >= 0 {
			used[best] = true
			pm.Measure = strings.TrimSpace(ev.Measures[best])
		}
		s.Problems = append(s.Problems, pm)
	}
	for j, l := range s.Lost {
		if !matched[j] {
			s.Unmatched = append(s.Unmatched, l)
		}
	}
	return s
}

// Drafts are the items to issue from the year's problems: one per
// problem, linked to the lost points it names, with the measure matched
// as the measure proposed.
func (s *Suggestions) Drafts() []Draft {
	out := make([]Draft, 0, len(s.Problems))
	for _, p := range s.Problems {
		d := Draft{Problem: p.Problem, Measure: p.Measure}
		for _, l := range p.Lost {
			d.Links = append(d.Links, l.Link())
		}
		out = append(out, d)
	}
	return out
}

// generic are word pairs too common in this domain to tell one problem
// from another.
var generic = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`管理 及时 工作 情况 规定 部分 有待 加强 进一 一步 不足 存在 问题 未及 完成 要求 相关 制度
		执行 预算 绩效 资金 项目 年度 部门 单位 落实 规范 按时 时限 个别 确保 提高 做到 进行 开展 严格 健全 机制 实施 目标
		指标 全面 持续 深化 优化 有效 及时性 建立 完善 根据 按照 做好 重点 以上 以下 不够 较长 较多 未按 按规 规范性`) {
		generic[w] = true
	}
}

// pairs are the distinct pairs of adjacent Chinese characters of s, less
// the generic ones; runs are broken at anything that is not a Han
// character.
func pairs(s string) map[string]bool {
	out := map[string]bool{}
	var prev rune
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			prev = 0
			continue
		}
		if prev != 0 {
			if w := string([]rune{prev, r}); !generic[w] {
				out[w] = true
			}
		}
		prev = r
	}
	return out
}

func shared(a, b map[string]bool) int {
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return n
}

// Order sorts items overdue on today first, then by the next due date
// (undated last), then by department, year and number.
func Order(items []Item, today civil.Date) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := &items[i], &items[j]
		if oa, ob := a.Overdue(today), b.Overdue(today); oa != ob {
			return oa
		}
		da, db := a.NextDue(), b.NextDue()
		if da.Set() != db.Set() {
			return da.Set()
		}
		if da.Set() && da.Date != db.Date {
			return da.Date.Before(db.Date)
		}
		if a.DepartmentCode != b.DepartmentCode {
			return a.DepartmentCode < b.DepartmentCode
		}
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return a.Number < b.Number
	})
}
