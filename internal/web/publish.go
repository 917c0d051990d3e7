package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file is the reviewer's batch publication (批量公开): the accepted
// department-years of a year (optionally of one region) listed, confirmed
// and published at once by store.PublishAll, as `jixiao publish --all`.
// The list shown is what is published: the form sends the codes it
// showed, and a year no longer accepted makes the whole batch fail, with
// every failure listed and nothing published.

type publishRow struct {
	store.Listing
	Region string
}

type publishData struct {
	Years   []int // years with accepted department-years
	Year    int
	Regions []string // regions of the year's accepted department-years
	Region  string
	Rows    []publishRow
	Comment string
	// Failed lists, after a refused batch, every year that could not be
	// published and why; Done the years a batch published.
	Failed []store.PublishFailure
	Done   []store.PublishedYear
}

// publishData lists the accepted years of the evaluation stage: the
// years offered, and the department-years of the year and region asked.
func (s *server) publishData(r *http.Request, yearText, region string) (*publishData, error) {
	u := currentUser(r)
	ls, err := s.st.ListFiltered(r.Context(), store.Visible(u).And(store.Filter{Stage: workflow.Evaluation, Status: []string{workflow.Accepted}}))
	if err != nil {
		return nil, err
	}
	d := &publishData{Region: region}
	for _, l := range ls {
		if !slices.Contains(d.Years, l.Year) {
			d.Years = append(d.Years, l.Year)
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
	depts, err := s.st.ListDepartments(r.Context())
	if err != nil {
		return nil, err
	}
	regionOf := make(map[string]string, len(depts))
	for _, x := range depts {
		regionOf[x.Code] = x.Region
	}
	for _, l := range ls {
		if l.Year != d.Year {
			continue
		}
		reg := regionOf[l.DepartmentCode]
		if reg != "" && !slices.Contains(d.Regions, reg) {
			d.Regions = append(d.Regions, reg)
		}
		if region == "" || reg == region {
			d.Rows = append(d.Rows, publishRow{Listing: l, Region: reg})
		}
	}
	slices.Sort(d.Regions)
	slices.SortFunc(d.Rows, func(a, b publishRow) int { return strings.Compare(a.DepartmentCode, b.DepartmentCode) })
	return d, nil
}

// publishPage shows the accepted department-years of a year (?year=,
// ?region=) and the form that publishes them after confirmation.
func (s *server) publishPage(w http.ResponseWriter, r *http.Request) {
	if err := canPublishAll(currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d, err := s.publishData(r, q.Get("year"), strings.TrimSpace(q.Get("region")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "publish", "批量公开", "", d)
}

// publishAll publishes the department-years the confirmed form lists.
func (s *server) publishAll(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canPublishAll(u); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	yearText := strings.TrimSpace(r.PostFormValue("year"))
	region := strings.TrimSpace(r.PostFormValue("region"))
	comment := strings.TrimSpace(r.PostFormValue("comment"))
	codes := r.PostForm["code"]
	year, ok := parseYear(yearText)
	var problems []string
	if !ok || year < 2001 || year > 2100 {
		problems = append(problems, fmt.Sprintf("年度 %q 无效：应为 2001 至 2100 之间的整数", yearText))
	}
	if len(codes) == 0 {
		problems = append(problems, "没有要公开的部门年度")
	}
	if len(codes) > store.MaxPublish {
		problems = append(problems, fmt.Sprintf("一次最多公开 %d 个部门年度，本次有 %d 个：请按地区分批公开", store.MaxPublish, len(codes)))
	}
	if r.PostFormValue("confirm") != "yes" {
		problems = append(problems, "请勾选“已核对以上部门年度，确认公开”")
	}
	if len([]rune(comment)) > maxChangeReason {
		problems = append(problems, fmt.Sprintf("说明不能超过 %d 个字", maxChangeReason))
	}
	var res *store.PublishResult
	var err error
	if len(problems) > 0 {
		err = invalid("%s", strings.Join(problems, "；"))
	} else {
		res, err = s.st.PublishAll(r.Context(), store.PublishRequest{Year: year, Region: region, Comment: comment, Only: codes}, *u)
	}
	if err != nil {
		if apperr.Code(err) == apperr.EINTERNAL || apperr.Code(err) == apperr.EUNAUTHORIZED {
			s.fail(w, r, err)
			return
		}
		d, derr := s.publishData(r, yearText, region)
		if derr != nil {
			s.fail(w, r, err)
			return
		}
		d.Comment = comment
		msg := errorMessage(err)
		if res != nil && len(res.Failed) > 0 {
			d.Failed = res.Failed
			msg = fmt.Sprintf("批量公开未执行，没有任何部门年度被公开：%d 个部门年度不能公开（见下表）。", len(res.Failed))
		}
		s.render(w, r, httpStatus(apperr.Code(err)), "publish", "批量公开", msg, d)
		return
	}
	d, err := s.publishData(r, yearText, region)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Done = res.Years
	s.render(w, r, http.StatusOK, "publish", "批量公开", "", d)
}

func init() {
	funcs["canPublishAll"] = func(u *store.User) bool { return canPublishAll(u) == nil }
}
