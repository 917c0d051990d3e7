package ledger

import (
	"fmt"
	"io"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
)

// Columns of a budget change file (预算调整明细).
const (
	cChangedOn field = iota
	cUnit
	cProject
	cAmount
	cDocument
	cReason
)

var changes = newSchema("预算调整记录", []column{
	cChangedOn: {zh: "调整日期", en: "changed_on", alt: []string{"批复日期", "日期"}},
	cUnit:      {zh: "预算单位编码", en: "unit_code", alt: []string{"单位编码"}},
	cProject:   {zh: "项目编码", en: "project_code"},
	cAmount:    {zh: "调整金额（元）", en: "amount", alt: []string{"调整金额", "追加（调减）金额（元）", "金额（元）", "金额"}},
	cDocument:  {zh: "调整文号", en: "document", alt: []string{"文号", "批复文号"}},
	cReason:    {zh: "调整原因", en: "reason", optional: true, alt: []string{"原因", "备注"}},
})

// MaxChanges bounds the rows of a budget change file: a province's year
// has thousands of changes, not millions, so a file is read whole.
const MaxChanges = 200_000

// ReadChanges reads a budget change file (CSV or .xlsx, the same formats
// and header rules as a payment ledger): every row, or an *Error naming
// every bad value. A change of 0 is refused; a file over MaxChanges rows
// is refused as a whole.
func ReadChanges(file string, r io.Reader) ([]monitor.BudgetChange, error) {
	rd, err := open(file, r, changes)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var out []monitor.BudgetChange
	for {
		fields, line, ok := rd.nextFields()
		if !ok {
			break
		}
		if len(out) == MaxChanges {
			rd.add(Problem{Line: line, Reason: fmt.Sprintf("预算调整记录超过 %d 条：请按单位或月份分成几个文件导入", MaxChanges)})
			rd.finish()
			break
		}
		if c, ok := rd.changeRow(fields, line); ok {
			out = append(out, c)
		}
	}
	if err := rd.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// changeRow reads one row of a budget change file; a blank row is skipped.
func (r *Reader) changeRow(fields []string, line int) (monitor.BudgetChange, bool) {
	if blank(fields) {
		return monitor.BudgetChange{}, false
	}
	c := monitor.BudgetChange{Line: line}
	v := r.values(fields, line)
	if d, ok := v.date(cChangedOn, r.format == XLSX); ok {
		c.ChangedOn = d
	}
	c.UnitCode = v.text(cUnit, evaluation.TextCode, true)
	c.ProjectCode = v.text(cProject, evaluation.TextCode, false)
	if a, ok := v.amount(cAmount, "调整金额为零：预算调整应有金额（调减为负数）"); ok {
		c.Amount = a
	}
	c.Document = v.text(cDocument, evaluation.TextName, true)
	c.Reason = v.text(cReason, evaluation.TextLine, false)
	return c, v.ok
}

// rowValues reads the values of one row, adding a problem for every bad
// one; ok is false once one was bad.
type rowValues struct {
	r      *Reader
	fields []string
	line   int
	ok     bool
}

func (r *Reader) values(fields []string, line int) *rowValues {
	return &rowValues{r: r, fields: fields, line: line, ok: true}
}

func (v *rowValues) bad(f field, val, reason string) {
	v.ok = false
	v.r.add(Problem{Line: v.line, Cell: v.r.src.cell(v.r.cols.index[f], v.line), Column: v.r.cols.header[f], Value: val, Reason: reason})
}

func (v *rowValues) get(f field) string {
	i := v.r.cols.index[f]
	if i < 0 || i >= len(v.fields) {
		return ""
	}
	return strings.TrimSpace(v.fields[i])
}

func (v *rowValues) text(f field, kind evaluation.TextKind, required bool) string {
	s := v.get(f)
	if s == "" {
		if required {
			v.bad(f, "", "不能为空")
		}
		return ""
	}
	if msg := evaluation.CheckText(kind, s); msg != "" {
		v.bad(f, s, msg)
	}
	return s
}

func (v *rowValues) date(f field, workbook bool) (d civil.Date, ok bool) {
	s := v.get(f)
	if s == "" {
		v.bad(f, "", "不能为空")
		return d, false
	}
	d, err := parseDate(s, workbook)
	if err != nil {
		v.bad(f, s, err.Error())
		return d, false
	}
	return d, true
}

func (v *rowValues) amount(f field, zero string) (money.Fen, bool) {
	s := v.get(f)
	if s == "" {
		v.bad(f, "", "不能为空")
		return 0, false
	}
	a, err := money.Parse(s)
	switch {
	case err != nil:
		v.bad(f, s, amountReason(err))
		return 0, false
	case a == 0:
		v.bad(f, s, zero)
		return 0, false
	}
	return a, true
}
