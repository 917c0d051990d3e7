package ledger

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
)

// field is a column of the ledger.
type field int

const (
	fPaidOn field = iota
	fUnit
	fProject
	fFunctional
	fEconomic
	fFund
	fAmount
	fVoucher
	fPayee
	fMemo
)

// column is a column of a file: the Chinese header, the English one,
// other Chinese spellings met in exports, and whether it must be there.
type column struct {
	zh, en   string
	alt      []string
	optional bool
}

// schema is the columns of one kind of file.
type schema struct {
	what string // what a row is, in messages: "支付记录"
	cols []column
	keys map[string]field // headerKey of every spelling → column
}

func newSchema(what string, cols []column) *schema {
	s := &schema{what: what, cols: cols, keys: map[string]field{}}
	for f, c := range cols {
		for _, n := range append([]string{c.zh, c.en}, c.alt...) {
			s.keys[headerKey(n)] = field(f)
		}
	}
	return s
}

// payments are the ledger's columns. 项目编码 must be there though its
// value may be empty (basic expenditure).
var payments = newSchema("支付记录", []column{
	fPaidOn:     {zh: "支付日期", en: "paid_on"},
	fUnit:       {zh: "预算单位编码", en: "unit_code", alt: []string{"单位编码"}},
	fProject:    {zh: "项目编码", en: "project_code"},
	fFunctional: {zh: "功能分类", en: "functional_class", alt: []string{"功能分类科目"}},
	fEconomic:   {zh: "经济分类", en: "economic_class", alt: []string{"经济分类科目"}},
	fFund:       {zh: "资金性质", en: "fund_type"},
	fAmount:     {zh: "金额（元）", en: "amount", alt: []string{"金额", "支付金额（元）", "支付金额"}},
	fVoucher:    {zh: "支付凭证号", en: "voucher", alt: []string{"凭证号"}},
	fPayee:      {zh: "收款人", en: "payee", optional: true, alt: []string{"收款人名称"}},
	fMemo:       {zh: "摘要", en: "memo", optional: true, alt: []string{"用途"}},
})

// columnMap holds, per field, the index of its column in a row (-1 when
// the file has none) and the header as written.
type columnMap struct {
	index  []int
	header []string
}

// headerKey normalises a header cell: spaces dropped, half-width
// parentheses made full-width, English lower-cased.
func headerKey(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u3000', '\t', '\ufeff':
			return -1
		case '(':
			return '（'
		case ')':
			return '）'
		}
		return r
	}, s)
	return strings.ToLower(s)
}

// header reads the first non-blank row as the header.
func (r *Reader) header() error {
	n := len(r.schema.cols)
	r.cols = columnMap{index: make([]int, n), header: make([]string, n)}
	for i := range r.cols.index {
		r.cols.index[i] = -1
	}
	var fields []string
	var line int
	for {
		var err error
		fields, line, err = r.src.next()
		if err != nil {
			if le, ok := err.(*lineError); ok {
				return &Error{File: r.file, Problems: []Problem{{Line: le.line, Reason: le.reason}}}
			}
			var tl *recordTooLong
			if errors.As(err, &tl) {
				return &Error{File: r.file, Problems: []Problem{{Line: tl.line, Reason: tl.Error()}}}
			}
			if errors.Is(err, io.EOF) {
				return &Error{File: r.file, Problems: []Problem{{Reason: "文件为空：没有表头和" + r.schema.what}}}
			}
			return readError(r.file, err)
		}
		if !blank(fields) {
			break
		}
	}
	e := &Error{File: r.file}
	for i, h := range fields {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		f, ok := r.schema.keys[headerKey(h)]
		if !ok {
			r.ignored = append(r.ignored, h)
			continue
		}
		if prev := r.cols.index[f]; prev >= 0 {
			e.Problems = append(e.Problems, Problem{Line: line, Cell: r.src.cell(i, line), Column: h, Reason: fmt.Sprintf("第 %d 列与第 %d 列“%s”是同一列，无法确定读取哪一列", i+1, prev+1, r.cols.header[f])})
			continue
		}
		r.cols.index[f], r.cols.header[f] = i, h
	}
	var missing []string
	for f, c := range r.schema.cols {
		if r.cols.index[f] < 0 && !c.optional {
			missing = append(missing, fmt.Sprintf("%s（%s）", c.zh, c.en))
		}
	}
	if len(missing) > 0 {
		e.Problems = append(e.Problems, Problem{Line: line, Reason: "表头缺少必需的列：" + strings.Join(missing, "、") + "（表头可用中文或英文列名，顺序不限）"})
	}
	if len(e.Problems) > 0 {
		return e
	}
	return nil
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// row reads one data row into a payment, adding a problem for every bad
// value. A blank row is skipped.
func (r *Reader) row(fields []string, line int) (monitor.Payment, bool) {
	if blank(fields) {
		return monitor.Payment{}, false
	}
	v := r.values(fields, line)
	p := monitor.Payment{Line: line}
	if d, ok := v.date(fPaidOn, r.format == XLSX); ok {
		p.PaidOn = d
	}
	p.UnitCode = v.text(fUnit, evaluation.TextCode, true)
	p.ProjectCode = v.text(fProject, evaluation.TextCode, false)
	p.FunctionalClass = v.text(fFunctional, evaluation.TextName, true)
	p.EconomicClass = v.text(fEconomic, evaluation.TextName, true)
	p.FundType = v.text(fFund, evaluation.TextName, true)
	if a, ok := v.amount(fAmount, "金额为零：支付记录应有金额（退款为负数）"); ok {
		p.Amount = a
	}
	p.Voucher = v.text(fVoucher, evaluation.TextCode, true)
	p.Payee = v.text(fPayee, evaluation.TextName, false)
	p.Memo = v.text(fMemo, evaluation.TextLine, false)
	return p, v.ok
}

func amountReason(err error) string {
	if pe, ok := err.(*money.ParseError); ok {
		return "不是有效金额：" + pe.Reason
	}
	return err.Error()
}

// Years a payment may fall in: the store keeps years 2000 to 2100.
const (
	minYear = 2000
	maxYear = 2100
)

// excelEpoch is day 0 of Excel's 1900 date system as it counts after
// February 1900 (Excel counts a 29 February 1900 that did not exist).
var excelEpoch = civil.MustDate(1899, time.December, 30)

// parseDate reads 2024-07-31, 2024/07/31, 2024/7/31, 20240731 or 2024年7月31日;
// in a workbook also a date cell (Excel's serial day number).
func parseDate(s string, workbook bool) (civil.Date, error) {
	d, err := parseDateText(s)
	if err != nil && workbook {
		if n, nerr := strconv.ParseFloat(s, 64); nerr == nil && n >= 36526 && n < 73051 && n == float64(int(n)) {
			d, err = excelEpoch.AddDays(int(n)), nil
		}
	}
	if err != nil {
		return civil.Date{}, err
	}
	if d.Year() < minYear || d.Year() > maxYear {
		return civil.Date{}, fmt.Errorf("年份 %d 超出范围（%d 至 %d）", d.Year(), minYear, maxYear)
	}
	return d, nil
}

var dateSeparators = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")

func parseDateText(s string) (civil.Date, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		if d, err := civil.ParseDate(s); err == nil {
			return d, nil // the usual form, without building anything
		}
	}
	bad := errors.New("不是有效日期：应写作 2024-07-31、2024/07/31、20240731 或 2024年7月31日")
	t := dateSeparators.Replace(s)
	if len(t) == 8 && !strings.Contains(t, "-") {
		t = t[:4] + "-" + t[4:6] + "-" + t[6:]
	}
	parts := strings.Split(t, "-")
	if len(parts) != 3 || len(parts[0]) != 4 {
		return civil.Date{}, bad
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || len(p) > 4 || (i > 0 && len(p) > 2) || p == "" {
			return civil.Date{}, bad
		}
		n[i] = v
	}
	if n[1] < 1 || n[1] > 12 {
		return civil.Date{}, fmt.Errorf("不是有效日期：月份应在 1 至 12 之间")
	}
	d, err := civil.NewDate(n[0], time.Month(n[1]), n[2])
	if err != nil {
		return civil.Date{}, fmt.Errorf("不是有效日期：%s", strings.TrimPrefix(err.Error(), "日期 "))
	}
	return d, nil
}
