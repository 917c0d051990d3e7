package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file opens department-years from the previous year
// (docs/cycle.md §5, store.OpenYears): a department's editor for the
// department, from the home page; a reviewer or administrator for many
// departments at once, from the form at /years/open. Every opening is one
// transaction, all or nothing, recorded in history.

// openOffer is the next year a department's editor may open: the year
// after the latest stored one.
type openOffer struct {
	Code, Department string
	From, Year       int
}

// nextYearOffer finds the year u may open for their department among the
// listings u sees, or nil.
func nextYearOffer(u *store.User, ls []store.Listing) *openOffer {
	var latest *store.Listing
	for i := range ls {
		l := &ls[i]
		if canOpenYear(u, l.DepartmentCode) != nil {
			continue
		}
		if latest == nil || l.Year > latest.Year {
			latest = l
		}
	}
	if latest == nil || latest.Year >= 2100 {
		return nil
	}
	return &openOffer{Code: latest.DepartmentCode, Department: latest.Department, From: latest.Year, Year: latest.Year + 1}
}

type yearOpenData struct {
	Year       int
	Years      []int // other years with departments to open
	Candidates []store.OpenCandidate
	Reason     string
	// Selected are the codes checked when the form comes back refused.
	Selected map[string]bool
}

// yearOpenForm shows reviewers and administrators the departments whose
// previous year is stored and whose year (?year=, default the year after
// the latest stored one) is not, all selected, with one reason.
func (s *server) yearOpenForm(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canOpenYears(u); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.yearOpenData(r, r.URL.Query().Get("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "year_open", "开启新年度", "", d)
}

// yearOpenData lists the candidates for a year given as text (empty: the
// year after the latest stored one).
func (s *server) yearOpenData(r *http.Request, yearText string) (*yearOpenData, error) {
	u := currentUser(r)
	ls, err := s.st.ListFiltered(r.Context(), store.Visible(u))
	if err != nil {
		return nil, err
	}
	latest := map[string]int{}
	for _, l := range ls {
		latest[l.DepartmentCode] = max(latest[l.DepartmentCode], l.Year)
	}
	d := &yearOpenData{Selected: map[string]bool{}}
	for _, y := range latest {
		if !slices.Contains(d.Years, y+1) {
			d.Years = append(d.Years, y+1)
		}
	}
	slices.Sort(d.Years)
	if len(d.Years) > 0 {
		d.Year = d.Years[len(d.Years)-1]
	}
	if yearText != "" {
		y, ok := parseYear(yearText)
		if !ok || y < 2001 || y > 2100 {
			return nil, invalid("年度 %q 无效：应为 2001 至 2100 之间的整数", yearText)
		}
		d.Year = y
	}
	if d.Year == 0 {
		return d, nil
	}
	if d.Candidates, err = s.st.OpenCandidates(r.Context(), store.Visible(u), d.Year); err != nil {
		return nil, err
	}
	for _, c := range d.Candidates {
		d.Selected[c.Code] = true
	}
	return d, nil
}

// openYears opens years: for an editor, the next year of their department
// (one code); for a reviewer or administrator, the year for every
// department selected. The previous year is always the one before.
func (s *server) openYears(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	codes := r.PostForm["code"]
	yearText := strings.TrimSpace(r.PostFormValue("year"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	bulk := canOpenYears(u) == nil
	// Who may open what, before anything is read.
	if !bulk {
		if len(codes) != 1 {
			s.fail(w, r, forbidden("只有%s和%s可以一次开启多个部门的年度", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[workflow.Admin]))
			return
		}
		if err := canOpenYear(u, codes[0]); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	year, ok := parseYear(yearText)
	var err error
	switch {
	case !ok || year < 2001 || year > 2100:
		err = invalid("开启的年度 %q 无效：应为 2001 至 2100 之间的整数", yearText)
	case len(codes) == 0:
		err = invalid("请至少选择一个部门")
	case len(codes) > maxOpenAtOnce:
		err = invalid("一次最多开启 %d 个部门，本次选择了 %d 个", maxOpenAtOnce, len(codes))
	case len([]rune(reason)) > maxChangeReason:
		err = invalid("开启原因不能超过 %d 个字", maxChangeReason)
	}
	var done []store.OpenRequest
	if err == nil {
		reqs := make([]store.OpenRequest, len(codes))
		for i, c := range codes {
			reqs[i] = store.OpenRequest{Code: strings.TrimSpace(c), Year: year}
		}
		done, err = s.st.OpenYears(r.Context(), reqs, u.Username, reason)
	}
	if err != nil {
		if !bulk || apperr.Code(err) == apperr.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		d, derr := s.yearOpenData(r, yearText)
		if derr != nil {
			s.fail(w, r, err)
			return
		}
		d.Reason, d.Selected = reason, map[string]bool{}
		for _, c := range codes {
			d.Selected[c] = true
		}
		s.render(w, r, httpStatus(apperr.Code(err)), "year_open", "开启新年度", errorMessage(err), d)
		return
	}
	if !bulk {
		s.setFlash(w, fmt.Sprintf("已由 %d 年度开启 %d 年度：请修改绩效目标后提交申报。", done[0].From, year))
		http.Redirect(w, r, "/evaluations/"+done[0].Code+"/"+strconv.Itoa(year), http.StatusSeeOther)
		return
	}
	s.setFlash(w, fmt.Sprintf("已开启 %d 个部门的 %d 年度（目标申报阶段）。", len(done), year))
	http.Redirect(w, r, "/departments?year="+strconv.Itoa(year), http.StatusSeeOther)
}

// maxOpenAtOnce bounds the departments one request opens.
const maxOpenAtOnce = 5000

func init() {
	funcs["canOpenYears"] = func(u *store.User) bool { return canOpenYears(u) == nil }
	funcs["stageName"] = workflow.StageName
	funcs["stageStatusName"] = workflow.StatusName
	funcs["sub"] = func(a, b int) int { return a - b }
	// directionText prints a target's direction before its value, as
	// declaration tables do (≥, ≤, =; nothing for a qualitative one).
	funcs["directionText"] = func(dir string) string {
		switch dir {
		case framework.AtLeast:
			return "≥"
		case framework.AtMost:
			return "≤"
		case framework.Equal:
			return "="
		}
		return ""
	}
}
