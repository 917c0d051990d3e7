package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/scoring"
)

// This file is the edit form's preview (试算): POST …/edit/preview reads
// the form exactly as the save does (readEdit in edit.go), rescores a copy
// with the pinned frameworks and shows the total and grade now and with
// the change, every indicator whose score changes with its new trace, and
// every problem the save would refuse, worded as the save words them. It
// saves nothing: no version, no history.
//
// Asked by htmx (the HX-Request header), it answers a fragment for the
// preview region of the edit page; the editor's browser asks as they type.
// Asked by the plain “试算” button (no JavaScript), it answers the whole
// edit page with what was entered and the preview shown. Who may preview
// is who may save (mayEditData, that is canEdit): 404 for what the user
// may not see, 403 for what they may not change, sign-in without a
// session; as fragments when htmx asks.
//
// A preview answers 200 even when the form has problems: the preview
// worked, and its answer lists them (the save answers 422 for the same
// form). A form that cannot be read, or was made from an older version,
// answers as the save does (400, 413, 409, 422), with the message only.

// isHTMX reports whether htmx made the request: it swaps part of a page
// with what it gets, so wants a fragment or a page it selects from.
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// previewResult is what a preview shows.
type previewResult struct {
	// Refused is why there is no preview: the form could not be read, was
	// made from an older version, or may not be changed by this user.
	Refused string
	// Before is the stored data's result; After is the result with the
	// change, nil when it cannot be shown: an entry could not be read
	// (the stored value would stand in for it) or the data could not be
	// scored.
	Before, After *scoring.Result
	Unreadable    int // entries that could not be read
	Changes       []previewChange
	Projects      []previewProject
	// Errors and Warnings are the page's, every one, in the form's order.
	Errors, Warnings []editProblem
	// Declaration: the form is a declaration (edit_declare.go), which
	// has no score; the preview lists its problems and the target-quality
	// findings only.
	Declaration bool
	// OOB marks the details for htmx's out-of-band swap: the fragment's
	// first part goes to the live status line, the details beside it.
	OOB bool
}

// previewChange is one indicator whose score changes.
type previewChange struct {
	Depth         int
	Node          *scoring.Node // as scored with the change
	Before, After string        // the score, or 不适用
}

// previewProject is one project whose score changes.
type previewProject struct {
	Name          string
	Before, After scoring.ProjectResult
	Changes       []previewChange
}

// newPreview lays out a read and checked form for the preview.
func newPreview(sub *editSubmission, sc *scored) *previewResult {
	p := sub.page
	pr := &previewResult{Before: sub.before, Unreadable: len(p.bad), Errors: p.Errors, Warnings: p.Warnings, Declaration: p.Declaration}
	if p.Declaration || !sub.scored || pr.Unreadable > 0 {
		return pr
	}
	pr.After = sc.res
	pr.Changes = scoreChanges(sub.before.Indicators, sc.res.Indicators)
	for i, after := range sc.res.Projects {
		if i >= len(sub.before.Projects) {
			break // projects are added by the workbook only
		}
		before := sub.before.Projects[i]
		changes := scoreChanges(before.Indicators, after.Indicators)
		if len(changes) > 0 || before.Total != after.Total || before.Grade != after.Grade {
			pr.Projects = append(pr.Projects, previewProject{Name: after.Name, Before: before, After: after, Changes: changes})
		}
	}
	return pr
}

// scoreChanges lists, in the order of the tree, the nodes of after whose
// score, points or applicability differ from the node of before with the
// same code.
func scoreChanges(before, after []*scoring.Node) []previewChange {
	old := map[string]*scoring.Node{}
	var index func(ns []*scoring.Node)
	index = func(ns []*scoring.Node) {
		for _, n := range ns {
			old[n.Code] = n
			index(n.Children)
		}
	}
	index(before)
	var out []previewChange
	var walk func(ns []*scoring.Node, depth int)
	walk = func(ns []*scoring.Node, depth int) {
		for _, n := range ns {
			o := old[n.Code]
			if o == nil || o.Score != n.Score || o.Points != n.Points || o.NotApplicable != n.NotApplicable {
				c := previewChange{Depth: depth, Node: n, Before: "无", After: nodeScore(n)}
				if o != nil {
					c.Before = nodeScore(o)
				}
				out = append(out, c)
			}
			walk(n.Children, depth+1)
		}
	}
	walk(after, 0)
	return out
}

func nodeScore(n *scoring.Node) string {
	if n.NotApplicable != "" {
		return "不适用"
	}
	return n.Score.String()
}

// previewData answers POST …/edit/preview.
func (s *server) previewData(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "HX-Request")
	hx := isHTMX(r)
	var sc *scored
	if hx {
		u := currentUser(r)
		var err error
		sc, err = s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
		if err == nil {
			err = mayEditData(u, sc.rec.Listing)
		}
		if err != nil {
			s.previewFailed(w, r, err)
			return
		}
	} else {
		var ok bool
		if _, sc, ok = s.loadEditable(w, r, false); !ok {
			return
		}
	}
	sub, status, msg, err := readEdit(w, r, sc)
	switch {
	case err != nil && hx:
		s.previewFailed(w, r, err)
		return
	case err != nil:
		s.internalError(w, r, err)
		return
	case msg != "" && hx:
		s.previewRefused(w, status, msg)
		return
	case msg != "":
		s.editAgain(w, r, status, msg)
		return
	}
	p := sub.page
	p.sortProblems()
	p.Preview = newPreview(sub, sc)
	if hx {
		p.Preview.OOB = true
		s.renderFragment(w, http.StatusOK, "edit", "preview-fragment", p)
		return
	}
	s.renderEdit(w, r, http.StatusOK, "", p)
}

// previewFailed answers an htmx preview with an error's status and message.
func (s *server) previewFailed(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.Code(err)
	if code == apperr.EINTERNAL {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.previewRefused(w, httpStatus(code), errorMessage(err))
}

// previewRefused answers an htmx preview with a status and the message
// in the preview region.
func (s *server) previewRefused(w http.ResponseWriter, status int, msg string) {
	s.renderFragment(w, status, "edit", "preview-fragment", &editPage{Preview: &previewResult{Refused: msg, OOB: true}})
}

// previewSignedIn is signedIn for the preview: htmx asking without a
// session (it ended while the editor typed) gets 401 with HX-Redirect,
// so that the whole page goes to sign in and comes back to the form,
// rather than the sign-in page in the preview region.
func (s *server) previewSignedIn(h http.HandlerFunc) http.HandlerFunc {
	page := s.signedIn(h)
	return func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) != nil || !isHTMX(r) {
			page(w, r)
			return
		}
		next := strings.TrimSuffix(pathOfEvaluation(r.URL.Path), "/") + "/edit"
		w.Header().Set("HX-Redirect", "/login?next="+url.QueryEscape(next))
		s.previewRefused(w, http.StatusUnauthorized, "登录已过期，请重新登录。")
	}
}

// renderFragment writes one template of a page without the layout: the
// part htmx swaps in. Like render, it renders into a buffer first.
func (s *server) renderFragment(w http.ResponseWriter, status int, page, name string, data any) {
	t, ok := s.pages[page]
	if !ok {
		panic("web: no template " + page)
	}
	s.execute(w, status, t, name, page+"/"+name, data)
}
