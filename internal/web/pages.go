package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// task is a department-year waiting for the signed-in user.
type task struct {
	store.Listing
	Moves []workflow.Transition
	// Returned is the return that sent a returned year back, with its
	// reason, who and when.
	Returned *store.Change
}

type statusCount struct {
	Status string
	Count  int
}

type homeData struct {
	Tasks []task
	// Adjustments are the 目标调整 waiting for the reviewer's decision.
	Adjustments []pendingTask
	Counts      []statusCount
	Total       int
	// Open is the next year the department's editor may open.
	Open *openOffer
	// Returned are the department's warnings returned for measures
	// (its editor's); Pending counts the warnings waiting for a reviewer
	// (open or answered).
	Returned []store.Warning
	Pending  int
}

// home shows the user's tasks (department-years whose next moves are
// theirs) and how many department-years stand in each status.
func (s *server) home(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	ls, err := s.st.ListFiltered(r.Context(), store.Visible(u))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	var d homeData
	counts := map[string]int{}
	for _, l := range ls {
		counts[l.Status]++
		if ms := moves(u, l); len(ms) > 0 {
			d.Tasks = append(d.Tasks, task{Listing: l, Moves: ms})
		}
	}
	if slices.ContainsFunc(d.Tasks, func(t task) bool { return t.Status == workflow.Returned }) {
		// Why each returned year came back, for all of them in one query.
		cs, err := s.st.CurrentStatusChanges(r.Context(), store.Visible(u), workflow.Returned)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		type key struct {
			code string
			year int
		}
		byYear := map[key]*store.Change{}
		for i := range cs {
			byYear[key{cs[i].DepartmentCode, cs[i].Year}] = &cs[i].Change
		}
		for i := range d.Tasks {
			if t := &d.Tasks[i]; t.Status == workflow.Returned {
				t.Returned = byYear[key{t.DepartmentCode, t.Year}]
			}
		}
	}
	for _, st := range workflow.Statuses {
		d.Counts = append(d.Counts, statusCount{st, counts[st]})
	}
	d.Total = len(ls)
	d.Open = nextYearOffer(u, ls)
	if d.Adjustments, err = s.pendingTasks(r, u); err != nil {
		s.internalError(w, r, err)
		return
	}
	if err := s.homeWarnings(r, u, &d); err != nil {
		s.internalError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", "工作台", "", d)
}

type departmentsData struct {
	Rows   []store.Listing
	Year   int
	Years  []int
	Status string
	Sort   string
	// Query is the filter part of the query string, for sort links.
	Query string
}

// departments lists the department-years the user may see, filtered by
// year and status and sorted by total on request.
func (s *server) departments(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	q := r.URL.Query()
	var d departmentsData
	var req store.Filter
	if y, ok := parseYear(q.Get("year")); ok {
		req.Year, d.Year = y, y
	}
	if st := q.Get("status"); st != "" && workflow.StatusNames[st] != "" {
		req.Status, d.Status = []string{st}, st
	}
	all, err := s.st.ListFiltered(r.Context(), store.Visible(u))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	for _, l := range all {
		if !slices.Contains(d.Years, l.Year) {
			d.Years = append(d.Years, l.Year)
		}
	}
	slices.Sort(d.Years)
	rows, err := s.st.ListFiltered(r.Context(), store.Visible(u).And(req))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	switch d.Sort = q.Get("sort"); d.Sort {
	case "total_desc":
		slices.SortStableFunc(rows, func(a, b store.Listing) int { return cmp.Compare(b.Total, a.Total) })
	case "total_asc":
		slices.SortStableFunc(rows, func(a, b store.Listing) int { return cmp.Compare(a.Total, b.Total) })
	default:
		d.Sort = ""
	}
	d.Rows = rows
	v := url.Values{}
	if d.Year != 0 {
		v.Set("year", strconv.Itoa(d.Year))
	}
	if d.Status != "" {
		v.Set("status", d.Status)
	}
	d.Query = v.Encode()
	s.render(w, r, http.StatusOK, "departments", "部门年度列表", "", d)
}

type historyData struct {
	Base    string
	Listing store.Listing
	Changes []historyRow
}

// historyRow is a change as the history page shows it: the field named in
// words (evaluation.FieldLabel), the person by their display name.
type historyRow struct {
	store.Change
	Field string
}

func (s *server) history(w http.ResponseWriter, r *http.Request) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := sc.rec.Listing
	hs, err := s.st.History(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.Reverse(hs)
	rows := make([]historyRow, len(hs))
	for i, h := range hs {
		rows[i] = historyRow{Change: h, Field: h.Field(sc.rec.Evaluation)}
	}
	s.render(w, r, http.StatusOK, "history", l.Department+" "+strconv.Itoa(l.Year)+" 年度修改历史", "",
		historyData{Base: evaluationPath(l), Listing: l, Changes: rows})
}

// evaluationPath is the workspace address of a department-year.
func evaluationPath(l store.Listing) string {
	return "/evaluations/" + url.PathEscape(l.DepartmentCode) + "/" + strconv.Itoa(l.Year)
}

// actionName is a history action in Chinese.
func actionName(a string) string {
	switch a {
	case "create":
		return "新建"
	case "replace":
		return "导入更新"
	case "update":
		return "修改"
	case "status":
		return "状态变更"
	}
	return a
}

func init() {
	funcs["actionName"] = actionName
	funcs["evaluationPath"] = evaluationPath
}
