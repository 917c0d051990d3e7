package cycle_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/datafile"
)

func cal(t *testing.T) *calendar.Calendar {
	t.Helper()
	c, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func date(y int, m time.Month, d int) civil.Date { return civil.MustDate(y, m, d) }

func TestDueUnits(t *testing.T) {
	c := cal(t)
	for _, tc := range []struct {
		d     cycle.Deadline
		start civil.Date
		want  civil.Date
	}{
		// 20 days from 2024-09-10 is Monday 30 September: a working day.
		{cycle.Deadline{Count: 20, Unit: cycle.DaysRolled}, date(2024, 9, 10), date(2024, 9, 30)},
		// 21 days lands on 1 October, National Day: rolled to 8 October.
		{cycle.Deadline{Count: 21, Unit: cycle.DaysRolled}, date(2024, 9, 10), date(2024, 10, 8)},
		// Plain days are not rolled.
		{cycle.Deadline{Count: 21, Unit: cycle.Days}, date(2024, 9, 10), date(2024, 10, 1)},
		// 5 working days from Friday 27 September 2024: Sunday 29 September
		// is a working day (调休), then 30 September, then 8, 9, 10 October.
		{cycle.Deadline{Count: 5, Unit: cycle.WorkingDays}, date(2024, 9, 27), date(2024, 10, 10)},
		// The end of the month after July.
		{cycle.Deadline{Count: 1, Unit: cycle.MonthEnds}, date(2024, 7, 31), date(2024, 8, 31)},
		// Into the next year, and a leap February.
		{cycle.Deadline{Count: 2, Unit: cycle.MonthEnds}, date(2023, 12, 31), date(2024, 2, 29)},
	} {
		got, err := tc.d.Due(tc.start, c)
		if err != nil {
			t.Fatalf("%+v from %s: %v", tc.d, tc.start, err)
		}
		if got != tc.want {
			t.Errorf("%d %s from %s = %s, want %s", tc.d.Count, tc.d.Unit, tc.start, got, tc.want)
		}
	}
}

func TestDueUnknownYearIsNotGuessed(t *testing.T) {
	_, err := cycle.Deadline{Count: 20, Unit: cycle.WorkingDays}.Due(date(2099, 3, 1), cal(t))
	if !errors.Is(err, calendar.ErrUnknownYear) {
		t.Fatalf("err = %v, want ErrUnknownYear", err)
	}
}

func TestDefaultRules(t *testing.T) {
	r := datafile.DefaultCycle()
	if got := r.Months(); len(got) != 1 || got[0] != 7 {
		t.Errorf("checkpoint months = %v, want [7]", got)
	}
	due, err := r.CheckpointDue(2024, 7, cal(t))
	if err != nil || due != date(2024, 8, 31) {
		t.Errorf("July report due = %s, %v; want 2024-08-31", due, err)
	}
	for _, k := range cycle.Keys {
		d := r.Deadlines[k]
		if !d.Default || d.Source == "" {
			t.Errorf("%s: unpublished deadline must be marked default and cite its source: %+v", k, d)
		}
	}
	// Review accepted on Friday 13 September 2024: 20 days is 3 October,
	// inside the National Day holiday, so the feedback is due 8 October.
	due, err = r.Due(cycle.ResultsFeedback, date(2024, 9, 13), cal(t))
	if err != nil || due != date(2024, 10, 8) {
		t.Errorf("results feedback due = %s, %v; want 2024-10-08", due, err)
	}
	if _, err := r.Due("nope", date(2024, 1, 1), cal(t)); !errors.Is(err, cycle.ErrNoDeadline) {
		t.Errorf("unknown key: err = %v", err)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	src := `id: x
checkpoints:
  - month: 10
  - month: 7
    time_progress: 120
deadlines:
  results_feedback: {name: 反馈, count: 0, unit: weeks, source: s}
  typo: {name: t, count: 1, unit: days, source: s}
`
	r, ds := datafile.CycleRules("cycle-x.yaml", []byte(src))
	if r != nil {
		t.Fatal("invalid rules accepted")
	}
	msg := ds.Err().Error()
	for _, want := range []string{"checkpoints_source", "逐个递增", "0 至 100", "期限单位", "期限长度", "未知的期限 typo", "缺少期限 measures_filed", "cycle-x.yaml"} {
		if !strings.Contains(msg, want) {
			t.Errorf("findings lack %q:\n%s", want, msg)
		}
	}
}
