package evaluation

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/civil"
)

// Rectification is what a year knows of the rectification items
// (整改事项) of its department's earlier years (docs/cycle.md §5, §8): the
// items of Year (the year before) and the items of older years still
// open, each as it stood on AsOf (the day the store read them).
type Rectification struct {
	// Year is the year before the one assessed.
	Year int
	// AsOf is the day overdue was judged on.
	AsOf  civil.Date
	Items []RectificationRecord
}

// RectificationRecord is one rectification item as the assessment and
// the report need it.
type RectificationRecord struct {
	Year, Number int
	Problem      string
	Measure      string
	// Status is the stored status (open, in_progress, done, closed);
	// StatusName its Chinese name.
	Status, StatusName string
	Closed, Waived     bool
	// Overdue says it was not closed and a due date of a step not taken
	// was before AsOf.
	Overdue  bool
	IssuedOn civil.Date
	// MeasuresDue and CompleteDue are the due dates in words (a date, or
	// the note that it waits for the official calendar; "" when none).
	MeasuresDue, CompleteDue string
	ClosedOn                 civil.Date
}

// Name is the item in words: 2023年度整改事项第1号“政府采购合同备案的及时性不足……”.
func (r RectificationRecord) Name() string {
	p := strings.Join(strings.Fields(r.Problem), " ")
	if utf8.RuneCountInString(p) > 24 {
		p = string([]rune(p)[:23]) + "……"
	}
	return fmt.Sprintf("%d年度整改事项第%d号“%s”", r.Year, r.Number, p)
}

// State is the status with 逾期 and the deadline it missed or awaits:
// "整改中（逾期，整改完成期限2024年9月10日）", "已销号（2024年6月3日）".
func (r RectificationRecord) State() string {
	switch {
	case r.Closed && r.Waived:
		return r.StatusName + "（免于整改" + dateSuffix(r.ClosedOn) + "）"
	case r.Closed:
		if r.ClosedOn.IsZero() {
			return r.StatusName
		}
		return r.StatusName + "（" + r.ClosedOn.Chinese() + "）"
	}
	due := r.CompleteDue
	label := "整改完成期限"
	if r.Status == "open" && r.MeasuresDue != "" {
		due, label = r.MeasuresDue, "整改措施报送期限"
	}
	var parts []string
	if r.Overdue {
		parts = append(parts, "逾期")
	}
	if due != "" {
		parts = append(parts, label+due)
	}
	if len(parts) == 0 {
		return r.StatusName
	}
	return r.StatusName + "（" + strings.Join(parts, "，") + "）"
}

func dateSuffix(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return "，" + d.Chinese()
}

// Previous are the items of the year before.
func (r *Rectification) Previous() []RectificationRecord {
	if r == nil {
		return nil
	}
	var out []RectificationRecord
	for _, it := range r.Items {
		if it.Year == r.Year {
			out = append(out, it)
		}
	}
	return out
}

// Open are the items of any earlier year not yet closed.
func (r *Rectification) Open() []RectificationRecord {
	if r == nil {
		return nil
	}
	var out []RectificationRecord
	for _, it := range r.Items {
		if !it.Closed {
			out = append(out, it)
		}
	}
	return out
}
