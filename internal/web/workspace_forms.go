package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
)

// This file is what the workspace's score, review and comment forms tell
// the user: the indicator's state as it stands (scoreState), and a refused
// form's error placed in the form that was submitted (placeError).

// scoreState is an indicator's state as the page's scoring result has it,
// shown in its self-score and review forms.
type scoreState struct {
	// Status is 自评, 已复核 or 不适用.
	Status string
	// Score is the self-score, "" when the indicator does not apply;
	// Review the review score, "" when there is none.
	Score, Review string
	// Points are the points the indicator carries after the points of
	// indicators that do not apply were handed on; Nominal the
	// framework's. Adjusted says why they differ, "" when they do not.
	Points, Nominal num.Points
	Adjusted        string
	// NotApplicable is why the indicator does not apply.
	NotApplicable string
	// Lost is the points lost, with the trace's short reason.
	Lost string
}

// PointsText is the points as the form states them: "10.00", or
// "10.00（因 B1 不适用，由 8.00 调增）".
func (st scoreState) PointsText() string {
	if st.Adjusted == "" {
		return st.Points.Fixed()
	}
	return st.Points.Fixed() + "（" + st.Adjusted + "）"
}

// newScoreState reads an indicator's state from the scored tree; review is
// the review score, nil when there is none. The result is the page's:
// nothing is scored again.
func newScoreState(fw *framework.Framework, roots []*scoring.Node, code string, review *store.ReviewScore) scoreState {
	path := nodePath(roots, code)
	if path == nil {
		return scoreState{}
	}
	n := path[len(path)-1]
	st := scoreState{Status: "自评", Points: n.Points, Nominal: n.BasePoints, NotApplicable: n.NotApplicable}
	switch {
	case n.NotApplicable != "":
		st.Status = "不适用"
		st.Points = n.BasePoints
		st.Adjusted = "本年度不适用，已分配给同级指标"
	default:
		st.Score = n.Score.Fixed()
		if review != nil {
			st.Status, st.Review = "已复核", review.Score.Fixed()
		}
		st.Adjusted = pointsAdjustment(fw, roots, path)
		st.Lost = lostReason(n)
	}
	return st
}

// nodePath returns the nodes from a root down to the node with the code,
// or nil.
func nodePath(ns []*scoring.Node, code string) []*scoring.Node {
	for _, n := range ns {
		if n.Code == code {
			return []*scoring.Node{n}
		}
		if p := nodePath(n.Children, code); p != nil {
			return append([]*scoring.Node{n}, p...)
		}
	}
	return nil
}

// pointsAdjustment says why the last node of path carries other points
// than the framework gives it: "因 B1 不适用，由 8.00 调增". The points of an
// indicator that does not apply go to the siblings it names
// (redistribute_to) that apply, else to every sibling that applies; an
// indicator whose parent's points changed has its share of the change,
// and the reason is the parent's.
func pointsAdjustment(fw *framework.Framework, roots []*scoring.Node, path []*scoring.Node) string {
	n := path[len(path)-1]
	if n.Points == n.BasePoints {
		return ""
	}
	way := "调增"
	if n.Points < n.BasePoints {
		way = "调减"
	}
	why := adjustmentCause(fw, roots, path)
	if why == "" {
		return fmt.Sprintf("由 %s %s", n.BasePoints.Fixed(), way)
	}
	return fmt.Sprintf("因 %s，由 %s %s", why, n.BasePoints.Fixed(), way)
}

// adjustmentCause names the indicators that do not apply and whose points
// reached the last node of path, directly or through its parents.
func adjustmentCause(fw *framework.Framework, roots []*scoring.Node, path []*scoring.Node) string {
	for depth := len(path) - 1; depth >= 0; depth-- {
		n := path[depth]
		siblings := roots
		if depth > 0 {
			siblings = path[depth-1].Children
		}
		var from []string
		for _, d := range siblings {
			if d.NotApplicable != "" && fedBy(fw, siblings, d, n) {
				from = append(from, d.Code)
			}
		}
		if len(from) > 0 {
			cause := strings.Join(from, "、") + " 不适用"
			if depth < len(path)-1 {
				cause += "、上级指标 " + n.Code + " 分值调整"
			}
			return cause
		}
	}
	return ""
}

// fedBy reports whether the points of dropped, which does not apply, went
// (in part) to n, one of its siblings.
func fedBy(fw *framework.Framework, siblings []*scoring.Node, dropped, n *scoring.Node) bool {
	var to []string
	if fw != nil {
		if in := fw.Find(dropped.Code); in != nil {
			to = in.RedistributeTo
		}
	}
	applying := false
	for _, s := range siblings {
		if s.NotApplicable == "" && slices.Contains(to, s.Code) {
			applying = true
		}
	}
	if !applying {
		return true // to every sibling that applies
	}
	return slices.Contains(to, n.Code)
}

// maxLostReasons is how many of a node's deductions its form states.
const maxLostReasons = 2

// lostReason is the points a node lost with the trace's reasons:
// "失分 1.50：未制定实施细则", "" when it lost none.
func lostReason(n *scoring.Node) string {
	lost := n.Lost()
	if lost <= 0 {
		return ""
	}
	var why []string
	ds := n.AllDeductions()
	for i, d := range ds {
		if i == maxLostReasons {
			why = append(why, fmt.Sprintf("等 %d 项", len(ds)))
			break
		}
		if t := strings.TrimSpace(d.Text()); t != "" {
			why = append(why, t)
		}
	}
	if len(why) == 0 && n.Trace.Formula != "" {
		why = append(why, n.Trace.Formula)
	}
	if len(why) == 0 {
		return "失分 " + lost.Fixed()
	}
	return "失分 " + lost.Fixed() + "：" + strings.Join(why, "；")
}

// reviewForm is a reviewer's form for one indicator, with its state and,
// refused, the error and what was entered.
type reviewForm struct {
	row
	State scoreState
	// Refused is the error of the form as submitted, Field the name of
	// the field it is about ("" for the form as a whole).
	Refused, Field string
	// Score and Reason are what the form shows: the review score and
	// reason stored, or refused, what was entered.
	Score, Reason string
}

// commentForm is the comment form, refused or not.
type commentForm struct {
	Refused, Field  string
	Indicator, Body string
	// Target is the declared indicator chosen (targetKey), before the
	// evaluation stage.
	Target string
}

// fieldError is an error about one field of a form; Field is the field's
// name in the form.
type fieldError struct {
	Field string
	Err   error
}

func (e *fieldError) Error() string { return e.Err.Error() }
func (e *fieldError) Unwrap() error { return e.Err }

// onField marks err as about the form field with the name.
func onField(field string, err error) error {
	if err == nil {
		return nil
	}
	return &fieldError{Field: field, Err: err}
}

// errorField is the form field err is about, "" for none.
func errorField(err error) string {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

// findingField is the score form field a scoring finding is about, from
// the end of its path (scores.B4.reason), "" for none.
func findingField(ds diag.List) string {
	for _, d := range ds {
		p := d.Path
		if i := strings.LastIndexByte(p, '.'); i >= 0 {
			p = p[i+1:]
		}
		switch p {
		case "score", "level", "reason":
			return p
		}
	}
	return ""
}

// placeError puts a refused form's error in the form that was submitted,
// shown open with what was entered (for an invalid entry), the field it is
// about marked, and returns the message left for the top of the page: an
// error about no one form stays there (with htmx, as an alert that takes
// the focus). A page htmx asks for after a save gives the new total the
// focus.
func (d *workspaceData) placeError(r *http.Request, status int, errMsg, field string, findings diag.List) string {
	hx := isHTMX(r)
	if errMsg == "" {
		if hx {
			d.Focus = "summary"
		}
		return ""
	}
	entered := status == http.StatusUnprocessableEntity // the form was read before the entry was found invalid
	if r.Method == http.MethodPost {
		code := r.PathValue("indicator")
		switch {
		case code != "" && strings.Contains(r.URL.Path, "/scores/"):
			for i := range d.Edits {
				f := &d.Edits[i]
				if f.Code != code {
					continue
				}
				f.Refused = errMsg
				f.Field = field
				if f.Field == "" {
					f.Field = findingField(findings)
				}
				for _, x := range findings {
					f.Problems = append(f.Problems, x.Message)
				}
				d.Findings = nil
				if entered {
					f.Item, f.Outcome, f.Deduct = r.PostFormValue("item"), r.PostFormValue("outcome"), r.PostFormValue("deduct")
					f.Score, f.EnteredReason = r.PostFormValue("score"), r.PostFormValue("reason")
					if lv := r.PostFormValue("level"); lv != "" {
						f.Level = lv
					}
				}
				return ""
			}
		case code != "" && strings.Contains(r.URL.Path, "/review/"):
			for i := range d.Reviews {
				f := &d.Reviews[i]
				if f.Node.Code != code {
					continue
				}
				f.Refused, f.Field = errMsg, field
				if entered {
					f.Score, f.Reason = r.PostFormValue("score"), r.PostFormValue("reason")
				}
				return ""
			}
		case strings.HasSuffix(r.URL.Path, "/comments") && d.CanComment:
			d.Comment.Refused, d.Comment.Field = errMsg, field
			if entered {
				d.Comment.Indicator, d.Comment.Body, d.Comment.Target = r.PostFormValue("indicator"), r.PostFormValue("body"), r.PostFormValue("target")
			}
			return ""
		}
	}
	if hx {
		d.Alert = errMsg
		return ""
	}
	return errMsg
}

// describeField is the attributes of a form field: aria-describedby with
// the ids of the error (when the field named failed, the error's id
// errID) and of the other descriptions, and aria-invalid when it failed.
// Ids are the page's own (from indicator codes), escaped all the same.
func describeField(failed, name, errID string, ids ...string) template.HTMLAttr {
	var out strings.Builder
	if failed != "" && failed == name {
		out.WriteString(` aria-invalid="true"`)
		ids = append([]string{errID}, ids...)
	}
	var kept []string
	for _, id := range ids {
		if id != "" {
			kept = append(kept, id)
		}
	}
	if len(kept) > 0 {
		out.WriteString(` aria-describedby="` + template.HTMLEscapeString(strings.Join(kept, " ")) + `"`)
	}
	return template.HTMLAttr(out.String())
}
