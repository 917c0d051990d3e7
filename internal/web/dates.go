package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The dates of the finance bureau's annual notice (/dates, migration
// 00018): for a year, the dates in force in each region, every setting
// kept as the notice's audit trail, and a form to set one. Reviewers and
// administrators only, as the store allows (store.SetCycleDate); the
// command line's `jixiao dates set` writes the same rows. Tasks read the
// dates in force (store.Tasks).

// canSetDates: the finance bureau's reviewers and the administrators.
func canSetDates(u *store.User) error {
	if u != nil && !u.Disabled && (u.Role == workflow.Reviewer || u.Role == workflow.Admin) {
		return nil
	}
	return forbidden("年度工作日期仅由%s和%s设置", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[workflow.Admin])
}

type datesPage struct {
	Year    int
	Years   []int
	InForce []store.CycleDate // the latest of each region and key, regions in order ("" first)
	Audit   []store.CycleDate // every setting, newest first
	Keys    []dateKey
	Form    dateForm
}

type dateKey struct{ Key, Name string }

// dateForm is what was typed, shown again when it is refused.
type dateForm struct{ Key, Date, Region, Reason string }

// RegionName is the region in Chinese: 全部地区 for "".
func (datesPage) RegionName(region string) string {
	if region == "" {
		return "全部地区"
	}
	return region
}

func (s *server) datesPage(w http.ResponseWriter, r *http.Request) {
	if err := canSetDates(currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	year := s.today().Year()
	if t := r.URL.Query().Get("year"); t != "" {
		y, ok := parseYear(t)
		if !ok || y < 2001 || y > 2100 {
			s.fail(w, r, invalid("年度 %q 无效：应为 2001 至 2100 之间的整数", t))
			return
		}
		year = y
	}
	s.showDates(w, r, http.StatusOK, year, "", dateForm{Key: cycle.DateKeys[0]})
}

func (s *server) showDates(w http.ResponseWriter, r *http.Request, status, year int, errMsg string, form dateForm) {
	rows, err := s.st.CycleDates(r.Context(), year)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	d := &datesPage{Year: year, Years: []int{year - 1, year, year + 1}, Form: form}
	for _, k := range cycle.DateKeys {
		d.Keys = append(d.Keys, dateKey{k, cycle.DateNames[k]})
	}
	latest := map[[2]string]store.CycleDate{}
	for _, row := range rows {
		latest[[2]string{row.Region, row.Key}] = row // rows come oldest first
	}
	for _, row := range latest {
		d.InForce = append(d.InForce, row)
	}
	slices.SortFunc(d.InForce, func(a, b store.CycleDate) int {
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		return slices.Index(cycle.DateKeys, a.Key) - slices.Index(cycle.DateKeys, b.Key)
	})
	d.Audit = slices.Clone(rows)
	slices.Reverse(d.Audit)
	s.render(w, r, status, "dates", fmt.Sprintf("%d 年度工作日期", year), errMsg, d)
}

// setDate records a date of the year's notice.
func (s *server) setDate(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canSetDates(u); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	yearText := strings.TrimSpace(r.PostFormValue("year"))
	year, ok := parseYear(yearText)
	if !ok || year < 2001 || year > 2100 {
		s.fail(w, r, invalid("年度 %q 无效：应为 2001 至 2100 之间的整数", yearText))
		return
	}
	f := dateForm{Key: r.PostFormValue("key"), Date: strings.TrimSpace(r.PostFormValue("date")),
		Region: strings.TrimSpace(r.PostFormValue("region")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	d := store.CycleDate{Year: year, Key: f.Key, Region: f.Region, Reason: f.Reason}
	var badDate string
	if f.Date != "" {
		if day, err := civil.ParseDate(f.Date); err == nil {
			d.Date = day
		} else {
			badDate = fmt.Sprintf("日期“%s”无效：应为 2026-03-31 这样的年-月-日", f.Date)
		}
	}
	set, err := s.st.SetCycleDate(r.Context(), d, *u)
	if err != nil {
		if apperr.Code(err) != apperr.EINVALID {
			s.fail(w, r, err)
			return
		}
		msg := errorMessage(err)
		if badDate != "" {
			// The store saw no date: say what was wrong with the one typed.
			msg = strings.Replace(msg, "日期不能为空", badDate, 1)
		}
		s.showDates(w, r, http.StatusUnprocessableEntity, year, msg, f)
		return
	}
	s.setFlash(w, fmt.Sprintf("已设置 %d 年度“%s”为 %s（%s）。", set.Year, set.KeyName(), set.Date.Chinese(), datesPage{}.RegionName(set.Region)))
	http.Redirect(w, r, "/dates?year="+strconv.Itoa(year), http.StatusSeeOther)
}

func init() {
	funcs["canSetDates"] = func(u *store.User) bool { return canSetDates(u) == nil }
}
