// Package cycle holds the cycle rules of a department-year: the monitoring
// checkpoints and their time-progress targets, and the deadlines that run
// from the cycle's events (a checkpoint month ends, a review is accepted,
// a rectification item is issued, measures are filed). The rules are data
// (rules/cycle-*.yaml, read by datafile.CycleRules), each deadline citing
// its source or marked as a default; this package computes due dates on
// the working-day calendar the edge passes in and does no I/O.
package cycle

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/num"
)

// Deadline keys: the events the rules file gives a deadline for.
const (
	// CheckpointReport: a checkpoint report is due after its month ends.
	CheckpointReport = "checkpoint_report"
	// ResultsFeedback: the finance bureau feeds the results back and
	// issues the rectification required after the review is accepted.
	ResultsFeedback = "results_feedback"
	// MeasuresFiled: the unit files its rectification measures after the
	// item is issued.
	MeasuresFiled = "measures_filed"
	// RectificationComplete: the unit completes the rectification after
	// filing its measures (proposed to the reviewer, who may set another
	// date per item).
	RectificationComplete = "rectification_complete"
)

// Keys lists every deadline a rules file must give, in the order shown.
var Keys = []string{CheckpointReport, ResultsFeedback, MeasuresFiled, RectificationComplete}

// Units a deadline may count in.
const (
	// WorkingDays counts working days of the official calendar (工作日).
	WorkingDays = "working_days"
	// Days counts calendar days (日).
	Days = "days"
	// DaysRolled counts calendar days and moves a last day falling on a
	// statutory day off to the next working day (民法典第二百零三条).
	DaysRolled = "days_rolled"
	// MonthEnds is the last day of the Nth month after the start's month
	// (1: the end of the next month).
	MonthEnds = "month_ends"
)

var unitNames = map[string]string{WorkingDays: "个工作日", Days: "日", DaysRolled: "日（末日为法定休假日的顺延）", MonthEnds: "个月（至月末）"}

// Calendar is the official working-day calendar (internal/calendar).
type Calendar interface {
	AddWorkdays(from civil.Date, n int) (civil.Date, error)
	AddDaysRolled(from civil.Date, n int) (civil.Date, error)
}

// Rules are one cycle rules file.
type Rules struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// Checkpoints are the months whose end is a monitoring checkpoint
	// (监控节点), each optionally with its own time-progress target.
	Checkpoints []Checkpoint `yaml:"checkpoints" json:"checkpoints"`
	// CheckpointsSource cites where the checkpoint months come from.
	CheckpointsSource  string `yaml:"checkpoints_source" json:"checkpoints_source"`
	CheckpointsDefault bool   `yaml:"checkpoints_default" json:"checkpoints_default"`
	// Deadlines by key (Keys).
	Deadlines map[string]Deadline `yaml:"deadlines" json:"deadlines"`
}

// Checkpoint is one monitoring checkpoint: data through the end of Month.
type Checkpoint struct {
	Month int `yaml:"month" json:"month"`
	// TimeProgress is the share of the year's budget expected paid by the
	// month's end, in percent with two decimals (40 is 40%, stored as
	// 4000 hundredths); 0 means the months elapsed ÷ 12.
	TimeProgress num.Points `yaml:"time_progress" json:"time_progress,omitempty"`
}

// Deadline is one rule: Count Units after the start event.
type Deadline struct {
	Name    string `yaml:"name" json:"name"`
	Count   int    `yaml:"count" json:"count"`
	Unit    string `yaml:"unit" json:"unit"`
	Source  string `yaml:"source" json:"source"`
	Default bool   `yaml:"default" json:"default"`
}

// Describe says the rule in Chinese: "20日（末日为法定休假日的顺延）".
func (d Deadline) Describe() string {
	return fmt.Sprintf("%d%s", d.Count, unitNames[d.Unit])
}

// ErrNoDeadline is returned for a key the rules do not define.
var ErrNoDeadline = errors.New("周期规则中没有该期限")

// Due is the due date of the deadline key for an event on start: the
// start day itself is not counted. A year the calendar does not know
// gives the calendar's error (calendar.ErrUnknownYear): the caller leaves
// the date empty rather than guess it.
func (r *Rules) Due(key string, start civil.Date, cal Calendar) (civil.Date, error) {
	d, ok := r.Deadlines[key]
	if !ok {
		return civil.Date{}, fmt.Errorf("%w：%s", ErrNoDeadline, key)
	}
	return d.Due(start, cal)
}

// Due is the due date of the deadline for an event on start.
func (d Deadline) Due(start civil.Date, cal Calendar) (civil.Date, error) {
	if start.IsZero() {
		return civil.Date{}, errors.New("期限起算日期为空")
	}
	switch d.Unit {
	case WorkingDays:
		return cal.AddWorkdays(start, d.Count)
	case Days:
		return start.AddDays(d.Count), nil
	case DaysRolled:
		return cal.AddDaysRolled(start, d.Count)
	case MonthEnds:
		return MonthEnd(start.Year(), int(start.Month())+d.Count), nil
	}
	return civil.Date{}, fmt.Errorf("期限单位 %q 无效", d.Unit)
}

// MonthEnd is the last day of month m of year y; m past 12 runs into the
// following years.
func MonthEnd(y, m int) civil.Date {
	first := time.Date(y, time.Month(m)+1, 1, 0, 0, 0, 0, time.UTC)
	return civil.DateOf(first.AddDate(0, 0, -1))
}

// CheckpointDue is the due date of the report of checkpoint month in year.
func (r *Rules) CheckpointDue(year, month int, cal Calendar) (civil.Date, error) {
	return r.Due(CheckpointReport, MonthEnd(year, month), cal)
}

// Months are the checkpoint months in order.
func (r *Rules) Months() []int {
	out := make([]int, len(r.Checkpoints))
	for i, c := range r.Checkpoints {
		out[i] = c.Month
	}
	return out
}

// IsCheckpoint says whether month is a checkpoint month.
func (r *Rules) IsCheckpoint(month int) bool {
	for _, c := range r.Checkpoints {
		if c.Month == month {
			return true
		}
	}
	return false
}

// TimeProgressTargets are the checkpoints' own time-progress targets by
// month, in hundredths of a percent (months without one are left out).
func (r *Rules) TimeProgressTargets() map[int]num.Points {
	out := map[int]num.Points{}
	for _, c := range r.Checkpoints {
		if c.TimeProgress > 0 {
			out[c.Month] = c.TimeProgress
		}
	}
	return out
}

// MonthNames writes the checkpoint months in Chinese: "7月、10月".
func (r *Rules) MonthNames() string {
	parts := make([]string, len(r.Checkpoints))
	for i, c := range r.Checkpoints {
		parts[i] = fmt.Sprintf("%d月", c.Month)
	}
	return strings.Join(parts, "、")
}

// Validate checks the rules file's values; messages are in Chinese.
func (r *Rules) Validate() diag.List {
	var ds diag.List
	if strings.TrimSpace(r.ID) == "" {
		ds.Add(diag.Missing, "id", "缺少规则编号")
	}
	if len(r.Checkpoints) == 0 {
		ds.Add(diag.Missing, "checkpoints", "至少须设一个监控节点月份")
	}
	if len(r.Checkpoints) > 12 {
		ds.Add(diag.BadValue, "checkpoints", "监控节点最多 12 个，实际 %d 个", len(r.Checkpoints))
	}
	if strings.TrimSpace(r.CheckpointsSource) == "" {
		ds.Add(diag.Missing, "checkpoints_source", "须注明监控节点的依据（文件名称及条款），没有公开规定的须注明为默认设置")
	}
	prevMonth, prevTP := 0, num.Points(0)
	for i, c := range r.Checkpoints {
		path := fmt.Sprintf("checkpoints[%d]", i)
		if c.Month < 1 || c.Month > 12 {
			ds.Add(diag.BadValue, path+".month", "监控月份应为 1 至 12，实际为 %d", c.Month)
			continue
		}
		if c.Month <= prevMonth {
			ds.Add(diag.BadValue, path+".month", "监控月份应逐个递增且不重复：%d月排在%d月之后", c.Month, prevMonth)
		}
		if c.TimeProgress < 0 || c.TimeProgress > 10000 {
			ds.Add(diag.BadValue, path+".time_progress", "序时进度目标应在 0 至 100（百分比）之间，实际为 %s", c.TimeProgress)
		} else if c.TimeProgress > 0 && c.TimeProgress < prevTP {
			ds.Add(diag.BadValue, path+".time_progress", "%d月末的序时进度目标低于前一节点：目标应逐个不减", c.Month)
		}
		if c.TimeProgress > 0 {
			prevTP = c.TimeProgress
		}
		prevMonth = c.Month
	}
	keys := make([]string, 0, len(r.Deadlines))
	for k := range r.Deadlines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	known := map[string]bool{}
	for _, k := range Keys {
		known[k] = true
		if _, ok := r.Deadlines[k]; !ok {
			ds.Add(diag.Missing, "deadlines."+k, "缺少期限 %s", k)
		}
	}
	for _, k := range keys {
		d := r.Deadlines[k]
		path := "deadlines." + k
		if !known[k] {
			ds.Add(diag.UnknownField, path, "未知的期限 %s（可用：%s）", k, strings.Join(Keys, "、"))
			continue
		}
		if strings.TrimSpace(d.Name) == "" {
			ds.Add(diag.Missing, path+".name", "缺少期限名称")
		}
		if _, ok := unitNames[d.Unit]; !ok {
			ds.Add(diag.BadValue, path+".unit", "期限单位 %q 无效：应为 working_days（工作日）、days（自然日）、days_rolled（自然日，末日顺延）或 month_ends（月末）", d.Unit)
		}
		if d.Count < 1 || d.Count > 3660 {
			ds.Add(diag.BadValue, path+".count", "期限长度应在 1 至 3660 之间，实际为 %d", d.Count)
		}
		if strings.TrimSpace(d.Source) == "" {
			ds.Add(diag.Missing, path+".source", "须注明期限的依据（文件名称及条款），没有公开规定的须注明为默认设置")
		}
	}
	return ds
}

// Dates the finance bureau's annual notice sets for a year (cycle_dates,
// docs/cycle.md §3.2): no published rule gives them, so there is no
// default; a year without one has tasks without a due date.
const (
	// DeclarationDue: the department's targets are declared by then.
	DeclarationDue = "declaration_due"
	// EvaluationDue: the department's self-evaluation is submitted by then.
	EvaluationDue = "evaluation_due"
	// ReviewDue: the finance bureau's review is done by then.
	ReviewDue = "review_due"
)

// DateKeys lists the annual dates in the order of the year's life.
var DateKeys = []string{DeclarationDue, EvaluationDue, ReviewDue}

// DateNames names each annual date in Chinese.
var DateNames = map[string]string{
	DeclarationDue: "绩效目标申报截止日期",
	EvaluationDue:  "绩效自评报送截止日期",
	ReviewDue:      "财政复核完成日期",
}

// ValidDateKey reports whether key is one of DateKeys.
func ValidDateKey(key string) bool { _, ok := DateNames[key]; return ok }
