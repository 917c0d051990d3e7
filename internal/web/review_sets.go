package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// reviewSet is one form of review scores (复核得分) on the workspace: the
// department's targets and checklist items, or one project's indicators,
// each leaf with its self-score beside the entry. A form sets at most
// store.MaxReviewInputs scores.
type reviewSet struct {
	Scope, Title string
	// ID names the form's elements (scope made safe for an id).
	ID   string
	Rows []leafReview
	// Refused is the error of the form as submitted.
	Refused string
}

// leafReview is one leaf of a review form.
type leafReview struct {
	Code, Name, Kind string
	Points, Self     num.Points
	Review           *store.ReviewScore
	// Score and Reason are what the form shows: the review stored, or
	// what was entered in a refused form.
	Score, Reason string
}

// reviewSets are the review forms of a scored year: the department's
// targets and checklist items (its framework leaves have forms of their
// own, d.Reviews), then each project's leaves. Leaves that do not apply
// are left out.
func reviewSets(res *scoring.Result, reviews []store.ReviewScore) []reviewSet {
	stored := map[string]*store.ReviewScore{}
	for i := range reviews {
		stored[reviews[i].Scope+"\x00"+reviews[i].IndicatorCode] = &reviews[i]
	}
	row := func(scope string, n *scoring.Node, kind string) leafReview {
		r := leafReview{Code: n.Code, Name: n.Name, Kind: kind, Points: n.Points, Self: n.Score, Review: stored[scope+"\x00"+n.Code]}
		if r.Review != nil {
			r.Score, r.Reason = r.Review.Score.String(), r.Review.Reason
		}
		return r
	}
	dept := reviewSet{Scope: assess.ScopeDepartment, Title: "部门整体绩效目标和检查项", ID: "department"}
	var walk func([]*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			if n.NotApplicable != "" {
				continue
			}
			if n.Rule == "target" {
				dept.Rows = append(dept.Rows, row(assess.ScopeDepartment, n, "绩效目标"))
			}
			for _, it := range n.Items {
				dept.Rows = append(dept.Rows, row(assess.ScopeDepartment, it, "检查项"))
			}
			walk(n.Children)
		}
	}
	walk(res.Indicators)
	var out []reviewSet
	if len(dept.Rows) > 0 {
		out = append(out, dept)
	}
	for i, p := range res.Projects {
		scope := assess.ProjectScope(i, p.Code)
		set := reviewSet{Scope: scope, Title: fmt.Sprintf("项目“%s”的指标", p.Name), ID: fmt.Sprintf("project-%d", i+1)}
		var leaves func([]*scoring.Node)
		leaves = func(ns []*scoring.Node) {
			for _, n := range ns {
				switch {
				case n.NotApplicable != "":
				case len(n.Children) > 0:
					leaves(n.Children)
				case n.Rule == "target":
					set.Rows = append(set.Rows, row(scope, n, "绩效目标"))
				default:
					set.Rows = append(set.Rows, row(scope, n, "指标"))
				}
			}
		}
		leaves(p.Indicators)
		if len(set.Rows) > 0 {
			out = append(out, set)
		}
	}
	return out
}

// setReviews saves one review form: every row whose score or reason was
// changed, all or nothing (store.SetReviewScores), each needing a reason.
// A row left at its self-score without a reason, or as stored, is not a
// change.
func (s *server) setReviews(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.formFor(w, r, canReview)
	if !ok {
		return
	}
	l := sc.rec.Listing
	scope := r.PostFormValue("scope")
	tree, name, found := assess.ScopeTree(sc.res, scope)
	if !found {
		s.refuse(w, r, invalid("复核范围 %q 不是本年度的部门整体或项目，请刷新页面后重试", scope), nil)
		return
	}
	codes, scores, reasons := r.PostForm["code"], r.PostForm["score"], r.PostForm["reason"]
	if len(codes) != len(scores) || len(codes) != len(reasons) {
		s.refuse(w, r, invalid("复核得分表单不完整，请刷新页面后重新填写"), nil)
		return
	}
	if len(codes) > store.MaxReviewInputs {
		s.refuse(w, r, invalid("一次最多提交 %d 项复核得分，本次提交了 %d 项", store.MaxReviewInputs, len(codes)), nil)
		return
	}
	stored, err := s.st.ReviewScores(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	had := map[string]store.ReviewScore{}
	for _, rs := range stored {
		if rs.Scope == scope {
			had[rs.IndicatorCode] = rs
		}
	}
	var in []store.ReviewInput
	var problems []string
	for i, code := range codes {
		text, reason := strings.TrimSpace(scores[i]), strings.TrimSpace(reasons[i])
		if text == "" && reason == "" {
			continue
		}
		n := scoring.Leaf(tree, code)
		if n == nil {
			problems = append(problems, fmt.Sprintf("%s没有可复核的指标 %q", name, code))
			continue
		}
		p, err := num.ParsePoints(text)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s指标 %s 的复核得分 %q 不是有效的分数", name, code, text))
			continue
		}
		old, ok := had[code]
		if ok && old.Score == p && old.Reason == reason || !ok && p == n.Score && reason == "" {
			continue // not changed
		}
		if reason == "" {
			problems = append(problems, fmt.Sprintf("%s指标 %s 的复核得分必须说明理由", name, code))
			continue
		}
		in = append(in, store.ReviewInput{Scope: scope, Code: code, Score: p, Reason: reason})
	}
	if len(problems) > 0 {
		s.refuse(w, r, invalid("%s", strings.Join(problems, "；")), nil)
		return
	}
	if len(in) == 0 {
		s.setFlash(w, name+"的复核得分没有改动。")
		http.Redirect(w, r, evaluationPath(l)+"#review-"+url.PathEscape(scopeID(sc.res, scope)), http.StatusSeeOther)
		return
	}
	if err := s.st.SetReviewScores(r.Context(), l.DepartmentCode, l.Year, in, *u); err != nil {
		s.refuse(w, r, err, nil)
		return
	}
	s.setFlash(w, fmt.Sprintf("已保存%s的 %d 项复核得分。", name, len(in)))
	http.Redirect(w, r, evaluationPath(l)+"#review-"+url.PathEscape(scopeID(sc.res, scope)), http.StatusSeeOther)
}

// scopeID is the element id of a scope's review form.
func scopeID(res *scoring.Result, scope string) string {
	if i := assess.ProjectIndex(res, scope); i >= 0 {
		return fmt.Sprintf("project-%d", i+1)
	}
	return "department"
}

// refusedReviews puts the error of a refused review form beside it, with
// what was entered, and returns the error left for the top of the page.
func (d *workspaceData) refusedReviews(r *http.Request, errMsg string, entered bool) string {
	if errMsg == "" || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/reviews") {
		return errMsg
	}
	scope := r.PostFormValue("scope")
	for i := range d.ReviewSets {
		set := &d.ReviewSets[i]
		if set.Scope != scope {
			continue
		}
		set.Refused = errMsg
		if entered {
			codes, scores, reasons := r.PostForm["code"], r.PostForm["score"], r.PostForm["reason"]
			for j := range set.Rows {
				for k, c := range codes {
					if c == set.Rows[j].Code && k < len(scores) && k < len(reasons) {
						set.Rows[j].Score, set.Rows[j].Reason = scores[k], reasons[k]
					}
				}
			}
		}
		return ""
	}
	return errMsg
}

// canSeeReviewLetter: a reviewer once the year is under review (a draft
// of the letter before acceptance), the department's users once the
// review is accepted (复核通过) or published.
func canSeeReviewLetter(u *store.User, l store.Listing) error {
	if u == nil || u.Disabled || !l.Scored() {
		return forbidden("本年度尚无复核意见书")
	}
	switch {
	case u.Role == workflow.Reviewer && (l.Status == workflow.UnderReview || l.Status == workflow.Accepted || l.Status == workflow.Published):
		return nil
	case inOwnDepartment(u, l) && (l.Status == workflow.Accepted || l.Status == workflow.Published):
		return nil
	}
	return forbidden("复核意见书在复核通过后提供给本部门，复核中仅%s可以查看", workflow.RoleNames[workflow.Reviewer])
}

// reviewLetter downloads the review opinion letter (复核意见书) in Word.
func (s *server) reviewLetter(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := sc.rec.Listing
	if err := canSeeReviewLetter(u, l); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := s.st.ReviewLetter(r.Context(), l.DepartmentCode, l.Year, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, _ := render.Lookup("docx")
	var buf bytes.Buffer
	if err := f.Render(r.Context(), &buf, report.BuildReviewLetter(in), nil); err != nil {
		s.renderFailed(w, r, err)
		return
	}
	attachment(w, contentTypeOf("docx"), fmt.Sprintf("review-letter-%s-%d.docx", asciiOnly(l.DepartmentCode), l.Year),
		fmt.Sprintf("%s%d年度复核意见书.docx", l.Department, l.Year))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}
