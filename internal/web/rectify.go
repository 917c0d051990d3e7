package web

// Rectification (整改) on the web: the items of a department-year (its
// origin year) with the reviewer's issuing from the year's problems or by
// hand, an item's page with its source, evidence, history and the moves
// the user may make, and the list across departments (overdue first).
// The store checks every write (role, department, status, version); the
// pages only offer what the store would accept.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// rectificationsPerPage bounds the bureau's list.
const rectificationsPerPage = 50

// canSeeRectifications: the list across departments is the finance
// bureau's (reviewers and administrators); department users see their
// own department's items (the store's filter is set to it).
func canSeeRectifications(u *store.User) error {
	if u == nil || u.Disabled {
		return forbidden("请先登录")
	}
	return nil
}

type rectificationYearData struct {
	Listing   store.Listing
	Base      string
	Items     []rectify.Item
	Today     civil.Date
	CanIssue  bool
	Suggested *rectify.Suggestions
	// Unissued counts the suggested problems not issued as items yet.
	Unissued int
	Form     rectify.Draft
}

type rectificationItemData struct {
	Base    string
	Listing store.Listing
	Item    *rectify.Item
	Today   civil.Date
	Moves   []rectify.Move
	Role    string
	History []store.Change
	Rules   string // the deadlines' basis, in words
	Comment string
	Measure string
	Ev      rectify.Evidence
}

type rectificationsData struct {
	Items    []rectify.Item
	Total    int
	Today    civil.Date
	Filter   store.RectificationFilter
	Page     int
	Pages    int
	Statuses []struct{ Key, Name string }
	Query    string
	Bureau   bool
}

// rectificationYear lists a department-year's items and, for the
// reviewer, what its problems and lost points suggest issuing.
func (s *server) rectificationYear(w http.ResponseWriter, r *http.Request) {
	s.showRectificationYear(w, r, http.StatusOK, "", rectify.Draft{})
}

func (s *server) showRectificationYear(w http.ResponseWriter, r *http.Request, status int, errMsg string, form rectify.Draft) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := sc.rec.Listing
	d := &rectificationYearData{Listing: l, Base: evaluationPath(l), Today: s.st.Today(), Form: form,
		CanIssue: u.Role == rectify.IssueRole && l.Stage == workflow.Evaluation}
	if d.Items, err = s.st.Rectifications(r.Context(), l.DepartmentCode, l.Year); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.CanIssue && l.Scored() {
		if d.Suggested, err = s.st.RectificationSuggestions(r.Context(), l.DepartmentCode, l.Year); err != nil && apperr.Code(err) != apperr.EINVALID {
			s.fail(w, r, err)
			return
		}
		if d.Suggested != nil {
			issued := map[string]bool{}
			for _, it := range d.Items {
				issued[strings.TrimSpace(it.Problem)] = true
			}
			for _, p := range d.Suggested.Problems {
				if !issued[strings.TrimSpace(p.Problem)] {
					d.Unissued++
				}
			}
		}
	}
	s.render(w, r, status, "rectification_year", fmt.Sprintf("整改事项：%s %d 年度", l.Department, l.Year), errMsg, d)
}

// issueRectifications issues items: from the year's problems
// (action=problems) or one by hand (action=add).
func (s *server) issueRectifications(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := sc.rec.Listing
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	var items []rectify.Item
	var form rectify.Draft
	switch r.PostFormValue("action") {
	case "problems":
		items, err = s.st.IssueFromProblems(r.Context(), l.DepartmentCode, l.Year, *u, reason)
	case "add":
		form = rectify.Draft{Problem: strings.TrimSpace(r.PostFormValue("problem")), Measure: strings.TrimSpace(r.PostFormValue("measure")),
			Unit: strings.TrimSpace(r.PostFormValue("unit")), Person: strings.TrimSpace(r.PostFormValue("person"))}
		if v := strings.TrimSpace(r.PostFormValue("complete_due")); v != "" {
			if form.CompleteDue, err = civil.ParseDate(v); err != nil {
				s.showRectificationYear(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("整改完成期限“%s”无效：应为 YYYY-MM-DD", v), form)
				return
			}
		}
		items, err = s.st.IssueRectifications(r.Context(), l.DepartmentCode, l.Year, []rectify.Draft{form}, *u, reason)
	default:
		err = invalid("未知的操作")
	}
	if err != nil {
		if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ECONFLICT {
			s.showRectificationYear(w, r, httpStatus(code), errorMessage(err), form)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("已下达整改事项 %d 项。", len(items)))
	http.Redirect(w, r, evaluationPath(l)+"/rectification", http.StatusSeeOther)
}

// rectificationItem shows one item.
func (s *server) rectificationItem(w http.ResponseWriter, r *http.Request) {
	s.showRectificationItem(w, r, http.StatusOK, "", &rectificationItemData{})
}

func (s *server) showRectificationItem(w http.ResponseWriter, r *http.Request, status int, errMsg string, d *rectificationItemData) {
	u := currentUser(r)
	sc, it, err := s.visibleRectification(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := sc.rec.Listing
	d.Base, d.Listing, d.Item, d.Today, d.Role = evaluationPath(l), l, it, s.st.Today(), u.Role
	if u.Role == workflow.Reviewer || (u.Role == workflow.Editor && u.DepartmentCode == l.DepartmentCode) {
		d.Moves = rectify.NextMoves(it.Status, u.Role)
	}
	if d.Measure == "" {
		d.Measure = it.Measure
	}
	hs, err := s.st.History(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prefix := fmt.Sprintf("rectification[%d]", it.Number)
	for _, h := range hs {
		if h.Path == prefix || strings.HasPrefix(h.Path, prefix+".") {
			d.History = append(d.History, h)
		}
	}
	rules := s.st.CycleRules()
	var basis []string
	for _, due := range []rectify.Due{it.MeasuresDue, it.CompleteDue} {
		if due.Rule != "" {
			basis = append(basis, due.Basis(rules))
		}
	}
	d.Rules = strings.Join(basis, "；")
	s.render(w, r, status, "rectification_item", fmt.Sprintf("整改事项 %d-%d：%s", it.Year, it.Number, l.Department), errMsg, d)
}

// visibleRectification reads the department-year and the item of the
// request's path; ENOTFOUND when the user may not see them.
func (s *server) visibleRectification(r *http.Request) (*scored, *rectify.Item, error) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > 1_000_000 {
		return nil, nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "未找到该整改事项"}
	}
	it, err := s.st.Rectification(r.Context(), sc.rec.DepartmentCode, sc.rec.Year, n)
	if err != nil {
		return nil, nil, err
	}
	return sc, it, nil
}

// moveRectification makes one move of an item at the version the page
// showed: the editor files the measure or reports the work done with
// evidence; the reviewer confirms, returns or waives.
func (s *server) moveRectification(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	sc, it, err := s.visibleRectification(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := r.PostFormValue("action")
	in := store.RectificationMove{Comment: strings.TrimSpace(r.PostFormValue("comment")), Measure: strings.TrimSpace(r.PostFormValue("measure"))}
	if action != rectify.ActionFile && in.Measure == it.Measure {
		// The form shows the measure filed; only a change is a change.
		in.Measure = ""
	}
	ev := rectify.Evidence{Text: strings.TrimSpace(r.PostFormValue("evidence")), File: strings.TrimSpace(r.PostFormValue("evidence_file")),
		Ref: strings.TrimSpace(r.PostFormValue("evidence_ref"))}
	if ev.Text != "" || ev.File != "" || ev.Ref != "" {
		in.Evidence = []rectify.Evidence{ev}
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.fail(w, r, invalid("表单缺少版本号，请刷新页面后再操作"))
		return
	}
	if _, err := s.st.MoveRectification(r.Context(), sc.rec.DepartmentCode, sc.rec.Year, it.Number, action, in, version, *u); err != nil {
		if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ECONFLICT {
			s.showRectificationItem(w, r, httpStatus(code), errorMessage(err), &rectificationItemData{Comment: in.Comment, Measure: in.Measure, Ev: ev})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("整改事项 %d-%d：已%s。", it.Year, it.Number, rectify.ActionName(action)))
	http.Redirect(w, r, fmt.Sprintf("%s/rectification/%d", evaluationPath(sc.rec.Listing), it.Number), http.StatusSeeOther)
}

// rectifications lists items across departments for the finance bureau
// (overdue first, then by the due date of the step each waits for), or a
// department user's own department's.
func (s *server) rectifications(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canSeeRectifications(u); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &rectificationsData{Today: s.st.Today(), Page: 1, Bureau: u.Role == workflow.Reviewer || u.Role == workflow.Admin}
	for _, st := range rectify.Statuses {
		d.Statuses = append(d.Statuses, struct{ Key, Name string }{st, rectify.StatusName(st)})
	}
	f := store.RectificationFilter{Status: q.Get("status"), Overdue: q.Get("overdue") == "1", Limit: rectificationsPerPage}
	var probs []string
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			probs = append(probs, fmt.Sprintf("年度“%s”无效", v))
		}
		f.Year = y
	}
	if v := q.Get("page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 10000 {
			probs = append(probs, fmt.Sprintf("页码“%s”无效", v))
		} else {
			d.Page = p
		}
	}
	if d.Bureau {
		f.Department = strings.TrimSpace(q.Get("department"))
	} else {
		f.Department = u.DepartmentCode
	}
	if len(probs) > 0 {
		s.fail(w, r, invalid("%s", strings.Join(probs, "；")))
		return
	}
	f.Offset = (d.Page - 1) * rectificationsPerPage
	d.Filter = f
	var err error
	if d.Items, d.Total, err = s.st.BureauRectifications(r.Context(), f); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Pages = max(1, (d.Total+rectificationsPerPage-1)/rectificationsPerPage)
	v := url.Values{}
	for k, x := range map[string]string{"year": q.Get("year"), "status": f.Status, "department": q.Get("department")} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	d.Query = v.Encode()
	s.render(w, r, http.StatusOK, "rectifications", "整改事项", "", d)
}

func init() {
	funcs["rectStatusText"] = func(it rectify.Item, today civil.Date) string { return it.StatusText(today) }
	funcs["rectOverdue"] = func(it rectify.Item, today civil.Date) bool { return it.Overdue(today) }
	funcs["rectNextDue"] = func(it rectify.Item) string { return it.NextDue().Text() }
}
