package workbook

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// WriteTemplate writes an empty data-entry workbook for the department
// framework fw and the project framework pfw (which may be nil): the
// framework ids filled in, every indicator and checklist item of fw listed
// on 指标评分, drop-down lists, formats and protected headers in place.
func WriteTemplate(w io.Writer, fw, pfw *framework.Framework) error {
	if fw == nil {
		return errors.New("workbook: a template needs a department framework")
	}
	ev := &evaluation.Evaluation{Framework: fw.ID}
	if pfw != nil {
		ev.ProjectFramework = pfw.ID
	}
	return write(w, ev, fw, pfw, true)
}

// Write writes the evaluation as a data-entry workbook laid out as
// WriteTemplate's, so that it can be corrected and read back with Read. fw
// lists the indicators on 指标评分 (scores for codes it lacks are listed
// after them); pfw names the project indicators. Either may be nil.
// Nothing is written to w on error.
func Write(w io.Writer, ev *evaluation.Evaluation, fw, pfw *framework.Framework) error {
	if ev == nil {
		return errors.New("workbook: nil evaluation")
	}
	return write(w, ev, fw, pfw, false)
}

func write(w io.Writer, ev *evaluation.Evaluation, fw, pfw *framework.Framework, template bool) error {
	f := excelize.NewFile()
	defer f.Close()
	wr := &writer{f: f, template: template, widths: map[string][]float64{}, lines: map[string]map[int]int{}}
	wr.styles()
	wr.guide(fw, pfw)
	wr.basic(ev)
	wr.finance(ev)
	wr.targets(ev)
	wr.scores(ev, fw)
	wr.projects(ev)
	wr.declaration(ev)
	wr.plan(ev)
	wr.projectTargets(ev)
	wr.projectScores(ev, pfw)
	wr.issues(ev)
	wr.registers(ev)
	if wr.err != nil {
		return fmt.Errorf("workbook: %w", wr.err)
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	idx, err := f.GetSheetIndex(SheetBasic)
	if err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	f.SetActiveSheet(idx)
	f.SetDocProps(&excelize.DocProperties{Title: "预算绩效自评数据填报表", Creator: "jixiao", Language: "zh-CN"})
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	return nil
}

type writer struct {
	f        *excelize.File
	template bool
	err      error
	widths   map[string][]float64   // sheet → column widths
	lines    map[string]map[int]int // sheet → row → lines its text wraps into

	header, section, label, note, fixed, fixedBold, off int
	text, amount, number, dateStyle                     int
	guideTitle, guideHead, guideText                    int
}

const (
	fontName  = "宋体"
	greyHead  = "D9D9D9" // header rows
	greyLight = "F2F2F2" // labels, framework text, cells not to fill
	greyLine  = "BFBFBF"
	greyText  = "595959"
)

func (w *writer) fail(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}

func (w *writer) style(s *excelize.Style) int {
	if s.Font == nil {
		s.Font = &excelize.Font{}
	}
	s.Font.Family = fontName
	if s.Font.Size == 0 {
		s.Font.Size = 11
	}
	id, err := w.f.NewStyle(s)
	w.fail(err)
	return id
}

func (w *writer) styles() {
	border := []excelize.Border{
		{Type: "left", Color: greyLine, Style: 1}, {Type: "right", Color: greyLine, Style: 1},
		{Type: "top", Color: greyLine, Style: 1}, {Type: "bottom", Color: greyLine, Style: 1},
	}
	fill := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	locked := &excelize.Protection{Locked: true}
	open := &excelize.Protection{Locked: false}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	amountFmt := "#,##0.00"
	w.header = w.style(&excelize.Style{Border: border, Fill: fill(greyHead), Font: &excelize.Font{Bold: true}, Protection: locked,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	w.section = w.style(&excelize.Style{Border: border, Fill: fill(greyHead), Font: &excelize.Font{Bold: true}, Protection: locked,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	w.label = w.style(&excelize.Style{Border: border, Fill: fill(greyLight), Font: &excelize.Font{Bold: true}, Protection: locked, Alignment: top})
	w.note = w.style(&excelize.Style{Border: border, Fill: fill(greyLight), Font: &excelize.Font{Color: greyText}, Protection: locked, Alignment: top})
	w.fixed = w.style(&excelize.Style{Border: border, Fill: fill(greyLight), Protection: locked, Alignment: top, NumFmt: 49})
	w.fixedBold = w.style(&excelize.Style{Border: border, Fill: fill(greyLight), Font: &excelize.Font{Bold: true}, Protection: locked, Alignment: top, NumFmt: 49})
	w.off = w.style(&excelize.Style{Border: border, Fill: fill(greyLight), Protection: locked, Alignment: top})
	w.text = w.style(&excelize.Style{Border: border, Protection: open, Alignment: top, NumFmt: 49})
	w.amount = w.style(&excelize.Style{Border: border, Protection: open, Alignment: &excelize.Alignment{Vertical: "top"}, CustomNumFmt: &amountFmt})
	w.number = w.style(&excelize.Style{Border: border, Protection: open, Alignment: &excelize.Alignment{Vertical: "top"}})
	dateFmt := "yyyy-mm-dd"
	w.dateStyle = w.style(&excelize.Style{Border: border, Protection: open, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}, CustomNumFmt: &dateFmt})
	w.guideTitle = w.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Protection: locked})
	w.guideHead = w.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(greyHead), Protection: locked, Alignment: top})
	w.guideText = w.style(&excelize.Style{Protection: locked, Alignment: top})
}

// inputStyle is the style of a cell of the kind.
func (w *writer) inputStyle(k inputKind) int {
	switch k {
	case inMoney:
		return w.amount
	case inNumber:
		return w.number
	case inFixed:
		return w.fixed
	case inNote:
		return w.note
	case inDate:
		return w.dateStyle
	}
	return w.text
}

// ref is the A1 reference of a 0-based column and 1-based row.
func ref(col, row int) string {
	return colName(col) + strconv.Itoa(row)
}

// colName is the letters of a 0-based column.
func colName(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// sheet creates a sheet with its columns: widths, column styles (so that
// rows below the written ones can be filled in too), the header row, drop-
// down lists and frozen panes. freezeCols columns stay in view when
// scrolling right.
func (w *writer) sheet(name string, cols []column, colStyles bool, freezeCols int) {
	if w.err != nil {
		return
	}
	_, err := w.f.NewSheet(name)
	w.fail(err)
	for _, c := range cols {
		w.widths[name] = append(w.widths[name], c.width)
	}
	for i, c := range cols {
		cn := colName(i)
		if colStyles {
			w.fail(w.f.SetColStyle(name, cn, w.inputStyle(c.kind)))
		}
		w.fail(w.f.SetColWidth(name, cn, cn, c.width))
		w.str(name, i, 1, c.header, w.header)
		if c.list != nil && colStyles {
			w.dropDown(name, fmt.Sprintf("%s2:%s%d", cn, cn, formRows), c.list, c.prompt)
		} else if c.kind == inDate && colStyles {
			w.dateValidation(name, fmt.Sprintf("%s2:%s%d", cn, cn, formRows), c.header, c.prompt)
		} else if c.prompt != "" && colStyles {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", cn, cn, formRows))
			dv.SetInput(c.header, c.prompt)
			w.fail(w.f.AddDataValidation(name, dv))
		}
	}
	w.fail(w.f.SetRowHeight(name, 1, 30))
	pane := &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: ref(freezeCols, 2), ActivePane: "bottomLeft"}
	if freezeCols > 0 {
		pane.XSplit, pane.ActivePane = freezeCols, "bottomRight"
	}
	w.fail(w.f.SetPanes(name, pane))
}

// dropDown adds a drop-down list to the cells of sqref. A value outside the
// list is refused with a message listing the choices.
func (w *writer) dropDown(sheet, sqref string, list []string, prompt string) {
	if w.err != nil {
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(sqref)
	w.fail(dv.SetDropList(list))
	dv.SetError(excelize.DataValidationErrorStyleStop, "取值不在列表中", "请从下拉列表中选择："+joinComma(list))
	if prompt != "" {
		dv.SetInput("填写提示", prompt)
	}
	w.fail(w.f.AddDataValidation(sheet, dv))
}

// Dates a date cell accepts: 1990-01-01 to 2099-12-31.
var (
	dateFirst = civil.MustDate(1990, time.January, 1)
	dateLast  = civil.MustDate(2099, time.December, 31)
)

// dateValidation makes the cells of sqref accept only dates, refusing
// anything else with a message giving the form.
func (w *writer) dateValidation(sheet, sqref, header, prompt string) {
	if w.err != nil {
		return
	}
	first, _ := dateSerial(dateFirst)
	last, _ := dateSerial(dateLast)
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(sqref)
	w.fail(dv.SetRange(first, last, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween))
	dv.SetError(excelize.DataValidationErrorStyleStop, "日期无效", "请填写 "+dateFirst.String()+" 至 "+dateLast.String()+" 之间的日期，格式为 YYYY-MM-DD，如 2023-06-09")
	if prompt != "" {
		dv.SetInput(header, prompt)
	}
	w.fail(w.f.AddDataValidation(sheet, dv))
}

func joinComma(list []string) string {
	s := ""
	for i, x := range list {
		if i > 0 {
			s += "、"
		}
		s += x
	}
	return s
}

// protect locks the sheet with no password: locked cells (headers, labels,
// framework text) cannot be changed; unlocked ones can. Rows may be
// inserted and columns resized.
func (w *writer) protect(sheet string) {
	if w.err != nil {
		return
	}
	w.fitRows(sheet)
	w.pageSetup(sheet)
	w.fail(w.f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true,
		FormatColumns: true, FormatRows: true, InsertRows: true,
	}))
}

func (w *writer) str(sheet string, col, row int, s string, style int) {
	if w.err != nil {
		return
	}
	if n := len(utf16.Encode([]rune(s))); n > maxCellChars {
		w.fail(fmt.Errorf("%s!%s：文字长 %d 个字符，超过 Excel 单元格上限 %d", sheet, ref(col, row), n, maxCellChars))
		return
	}
	cell := ref(col, row)
	if s != "" {
		w.fail(w.f.SetCellStr(sheet, cell, s))
		if ws := w.widths[sheet]; col < len(ws) && row > 1 {
			if w.lines[sheet] == nil {
				w.lines[sheet] = map[int]int{}
			}
			w.lines[sheet][row] = max(w.lines[sheet][row], textLines(s, ws[col]))
		}
	}
	if style >= 0 {
		w.fail(w.f.SetCellStyle(sheet, cell, cell, style))
	}
}

// exactFloat is the largest magnitude written as a number: beyond it a
// double no longer holds every value of two decimals (or hundredths of a
// point), so the value is written as text, which reads back the same.
const exactFloat = 1e13

func (w *writer) fen(sheet string, col, row int, v money.Fen, style int) {
	y := float64(v) / 100
	if math.Abs(y) >= exactFloat {
		w.str(sheet, col, row, v.String(), style)
		return
	}
	w.float(sheet, col, row, v.String(), style)
}

func (w *writer) fenPtr(sheet string, col, row int, v *money.Fen, style int) {
	if v == nil {
		w.str(sheet, col, row, "", style)
		return
	}
	w.fen(sheet, col, row, *v, style)
}

func (w *writer) points(sheet string, col, row int, p *num.Points, style int) {
	if p == nil {
		w.str(sheet, col, row, "", style)
		return
	}
	if math.Abs(float64(*p)/100) >= exactFloat {
		w.str(sheet, col, row, p.String(), style)
		return
	}
	w.float(sheet, col, row, p.String(), style)
}

// float writes the decimal text s as a number. s has at most 15
// significant digits, so the double nearest it prints back as s.
func (w *writer) float(sheet string, col, row int, s string, style int) {
	if w.err != nil {
		return
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		w.fail(err)
		return
	}
	cell := ref(col, row)
	w.fail(w.f.SetCellFloat(sheet, cell, v, -1, 64))
	w.fail(w.f.SetCellStyle(sheet, cell, cell, style))
}

func (w *writer) int(sheet string, col, row, v int, style int) {
	if w.err != nil {
		return
	}
	cell := ref(col, row)
	w.fail(w.f.SetCellInt(sheet, cell, int64(v)))
	w.fail(w.f.SetCellStyle(sheet, cell, cell, style))
}

// ---------------------------------------------------------------------------

func listRows(n, min int) int {
	if n+1 > min {
		return n + 1
	}
	return min
}

func (w *writer) basic(ev *evaluation.Evaluation) {
	s := SheetBasic
	w.sheet(s, basicCols, false, 0)
	lc, ld, vc, hc := 0, 1, 2, 3
	row := 2
	line := func(label, hint string) {
		w.str(s, lc, row, label, w.label)
		w.str(s, hc, row, hint, w.note)
	}
	for _, fd := range basicFields {
		switch fd.kind {
		case fText:
			line(fd.label, fd.hint)
			w.str(s, ld, row, "", w.off)
			w.str(s, vc, row, fd.get(ev), w.text)
			row++
		case fInt:
			line(fd.label, fd.hint)
			w.str(s, ld, row, "", w.off)
			v, ok := intField(ev, fd.label)
			if ok {
				w.int(s, vc, row, v, w.number)
			} else {
				w.str(s, vc, row, "", w.number)
			}
			row++
		case fList:
			items := ev.Department.Functions
			for i := range listRows(len(items), fd.rows) {
				hint := ""
				if i == 0 {
					hint = fd.hint
				}
				line(fd.label, hint)
				w.str(s, ld, row, "", w.off)
				v := ""
				if i < len(items) {
					v = items[i]
				}
				w.str(s, vc, row, v, w.text)
				row++
			}
		case fTasks:
			items := ev.KeyTasks.Items
			for i := range listRows(len(items), fd.rows) {
				hint := ""
				if i == 0 {
					hint = fd.hint
				}
				line(fd.label, hint)
				var t evaluation.Task
				if i < len(items) {
					t = items[i]
				}
				w.str(s, ld, row, t.Lead, w.text)
				w.str(s, vc, row, t.Text, w.text)
				row++
			}
		}
	}
	w.protect(s)
}

// intField returns a whole-number field of 基本情况 and whether it is set.
func intField(ev *evaluation.Evaluation, label string) (int, bool) {
	switch label {
	case labelYear:
		return ev.Year, ev.Year != 0
	case labelAuth:
		if ev.Department.Staffing != nil {
			return ev.Department.Staffing.Authorised, true
		}
	case labelActual:
		if ev.Department.Staffing != nil {
			return ev.Department.Staffing.Actual, true
		}
	}
	return 0, false
}

func (w *writer) finance(ev *evaluation.Evaluation) {
	s := SheetFinance
	w.sheet(s, financeCols, false, 0)
	fin := ev.Finance
	row := 2
	// money writes an amount, or leaves an empty workbook's cell blank.
	amount := func(col int, v money.Fen) {
		if w.template {
			w.str(s, col, row, "", w.amount)
			return
		}
		w.fen(s, col, row, v, w.amount)
	}
	offs := func(cols ...int) {
		for _, c := range cols {
			w.str(s, c, row, "", w.off)
		}
	}
	for _, fr := range financeRows {
		switch fr.kind {
		case finSection:
			w.str(s, 0, row, fr.label, w.section)
			for i, c := range fr.captions {
				w.str(s, i+1, row, c, w.section)
			}
			w.str(s, 6, row, "", w.section)
			row++
			continue
		case finIncome:
			first := row
			for i := range listRows(len(fin.Income), fr.rows) {
				w.str(s, 0, row, fr.label, w.label)
				w.str(s, 6, row, hintIf(i == 0, fr.hint), w.note)
				offs(4, 5)
				if i < len(fin.Income) {
					in := fin.Income[i]
					w.str(s, 1, row, display(evaluation.IncomeKindOrder, incomeNames(), in.Kind), w.text)
					w.str(s, 2, row, in.Name, w.text)
					w.fen(s, 3, row, in.Amount, w.amount)
				} else {
					w.str(s, 1, row, "", w.text)
					w.str(s, 2, row, "", w.text)
					w.str(s, 3, row, "", w.amount)
				}
				row++
			}
			w.dropDown(s, ref(1, first)+":"+ref(1, row-1), incomeNames(), "")
			continue
		case finReason:
			for i := range listRows(len(fin.IncomeChangeReasons), fr.rows) {
				w.str(s, 0, row, fr.label, w.label)
				w.str(s, 6, row, hintIf(i == 0, fr.hint), w.note)
				offs(1, 3, 4, 5)
				v := ""
				if i < len(fin.IncomeChangeReasons) {
					v = fin.IncomeChangeReasons[i]
				}
				w.str(s, 2, row, v, w.text)
				row++
			}
			continue
		}
		w.str(s, 0, row, fr.label, w.label)
		w.str(s, 6, row, fr.hint, w.note)
		switch fr.kind {
		case finAmount:
			offs(1, 2, 4, 5)
			switch fr.label {
			case labelPriorIncome:
				amount(3, fin.PriorIncome)
			case labelBasic:
				amount(3, fin.Expenditure.Basic)
			case labelProject:
				amount(3, fin.Expenditure.Project)
			case labelInitial:
				amount(3, fin.Budget.Initial)
			case labelAdjusted:
				amount(3, fin.Budget.Adjusted)
			case labelCarryover:
				amount(3, fin.Carryover)
			case labelDeclLocal, labelDeclUpper, labelDeclOwn, labelDeclOther, labelDeclBasic, labelDeclProject:
				w.fenPtr(s, 3, row, declaredAmount(ev.Declaration, fr.label), w.amount)
			case labelStatedIn, labelStatedOut:
				var v *money.Fen
				if fin.Stated != nil {
					v = fin.Stated.Income
					if fr.label == labelStatedOut {
						v = fin.Stated.Expenditure
					}
				}
				w.fenPtr(s, 3, row, v, w.amount)
			}
		case finTriple:
			offs(1, 2)
			ba := budgetActual(&fin, fr.label)
			if ba == nil {
				w.str(s, 3, row, "", w.amount)
				w.str(s, 4, row, "", w.amount)
				w.str(s, 5, row, "", w.amount)
			} else {
				w.fen(s, 3, row, ba.Budget, w.amount)
				w.fen(s, 4, row, ba.Actual, w.amount)
				w.fenPtr(s, 5, row, ba.PriorActual, w.amount)
			}
		}
		row++
	}
	w.protect(s)
}

// declaredAmount is the declared amount a 收支情况 label names, or nil
// when it is not declared.
func declaredAmount(d *evaluation.Declaration, label string) *money.Fen {
	if d == nil {
		return nil
	}
	switch label {
	case labelDeclBasic:
		return d.Basic
	case labelDeclProject:
		return d.Project
	}
	if d.Funds == nil {
		return nil
	}
	switch label {
	case labelDeclLocal:
		return &d.Funds.AppropriationLocal
	case labelDeclUpper:
		return &d.Funds.AppropriationUpper
	case labelDeclOwn:
		return &d.Funds.Own
	case labelDeclOther:
		return &d.Funds.Other
	}
	return nil
}

func hintIf(first bool, hint string) string {
	if first {
		return hint
	}
	return ""
}

// budgetActual returns the 三公 line or public funds a 收支情况 label
// names, or nil when the evaluation has none.
func budgetActual(fin *evaluation.Finance, label string) *evaluation.BudgetActual {
	if label == labelPublicFunds {
		return fin.PublicFunds
	}
	if fin.Sangong == nil {
		return nil
	}
	switch label {
	case labelOverseas:
		return &fin.Sangong.Overseas
	case labelVPurchase:
		return &fin.Sangong.VehiclePurchase
	case labelVOperation:
		return &fin.Sangong.VehicleOperation
	case labelReception:
		return &fin.Sangong.Reception
	}
	return nil
}

// targetRows writes targets from row on, each preceded by the values of
// the leading columns (a project's code and name), and returns the next
// free row. Deductions beyond the first go on rows of their own below the
// target, with every other column empty.
func (w *writer) targetRows(s string, row int, lead []string, ts []evaluation.Target) int {
	off := len(lead)
	c := func(key string) int { return off + columnIndex(targetCols, key) }
	for _, t := range ts {
		for i, v := range lead {
			w.str(s, i, row, v, -1)
		}
		w.str(s, c("code"), row, t.Code, -1)
		w.str(s, c("category"), row, display(categoryKeys, categoryNames, t.Category), -1)
		w.str(s, c("subcategory"), row, t.Subcategory, -1)
		w.str(s, c("name"), row, t.Name, -1)
		w.str(s, c("unit"), row, t.Unit, -1)
		w.str(s, c("direction"), row, display(directionKeys, directionNames, t.Direction), -1)
		w.str(s, c("target"), row, t.Target, -1)
		w.str(s, c("basis"), row, display(evaluation.BasisOrder, basisNames(), t.Basis), -1)
		if m := t.Milestones; m != nil {
			for q, v := range m.Quarters() {
				w.str(s, c(quarterKeys[q]), row, v, -1)
			}
		}
		w.str(s, c("remark"), row, t.Remark, -1)
		w.str(s, c("actual"), row, t.Actual, -1)
		w.str(s, c("level"), row, display(levelKeys, levelNames, t.Level), -1)
		w.points(s, c("score"), row, t.Score, w.number)
		w.points(s, c("points"), row, t.Points, w.number)
		w.str(s, c("deviation"), row, t.Deviation, -1)
		w.str(s, c("evidence"), row, joinList(t.Evidence), -1)
		for i, d := range t.Deductions {
			if i > 0 {
				row++
			}
			w.deduction(s, row, c("ded"), d)
		}
		row++
	}
	return row
}

// deduction writes a deduction into three columns from col: points,
// reason, evidence.
func (w *writer) deduction(s string, row, col int, d evaluation.Deduction) {
	p := d.Points
	w.points(s, col, row, &p, w.number)
	w.str(s, col+1, row, d.Reason, -1)
	w.str(s, col+2, row, joinList(d.Evidence), -1)
}

func (w *writer) targets(ev *evaluation.Evaluation) {
	w.sheet(SheetTargets, targetCols, true, 0)
	w.targetRows(SheetTargets, 2, nil, ev.Targets)
	w.protect(SheetTargets)
}

func (w *writer) projects(ev *evaluation.Evaluation) {
	s := SheetProjects
	w.sheet(s, projectCols, true, 1)
	c := func(key string) int { return columnIndex(projectCols, key) }
	for i, p := range ev.Projects {
		row := i + 2
		w.str(s, c("name"), row, p.Name, -1)
		w.str(s, c("code"), row, p.Code, -1)
		w.str(s, c("unit"), row, p.Unit, -1)
		w.fen(s, c("initial"), row, p.Initial, w.amount)
		w.fen(s, c("adjusted"), row, p.Adjusted, w.amount)
		w.fen(s, c("executed"), row, p.Executed, w.amount)
		if p.Funding != nil {
			w.fen(s, c("appropriation"), row, p.Funding.Appropriation, w.amount)
			w.fen(s, c("carried"), row, p.Funding.CarriedOver, w.amount)
			w.fen(s, c("other"), row, p.Funding.Other, w.amount)
		}
		w.str(s, c("goal"), row, p.Goal, -1)
		w.str(s, c("achieved"), row, p.Achieved, -1)
	}
	w.protect(s)
}

// projectLink is what the 项目编码 and 项目名称 columns hold for a project:
// its code, or its name when it has no code.
func projectLink(p *evaluation.Project) []string {
	if p.Code != "" {
		return []string{p.Code, p.Name}
	}
	return []string{p.Name, p.Name}
}

func (w *writer) projectTargets(ev *evaluation.Evaluation) {
	s := SheetProjectTargets
	w.sheet(s, projectTargetCols, true, 2)
	row := 2
	for i := range ev.Projects {
		p := &ev.Projects[i]
		row = w.targetRows(s, row, projectLink(p), p.Targets)
	}
	w.protect(s)
}

func (w *writer) issues(ev *evaluation.Evaluation) {
	s := SheetIssues
	w.sheet(s, issueCols, true, 0)
	row := 2
	for _, group := range []struct {
		name  string
		items []string
	}{{issueNames[0], ev.Problems}, {issueNames[1], ev.Measures}} {
		for _, it := range group.items {
			w.str(s, 0, row, group.name, -1)
			w.str(s, 1, row, it, -1)
			row++
		}
	}
	w.protect(s)
}

// ---------------------------------------------------------------------------
// 指标评分 and 项目指标评分
// ---------------------------------------------------------------------------

// scoreSheet writes rows of a score sheet. off is the number of leading
// columns (the project link on 项目指标评分).
type scoreSheet struct {
	w    *writer
	name string
	cols []column
	off  int
	row  int
	lead []string
}

func (ss *scoreSheet) c(key string) int { return columnIndex(ss.cols, key) }

func (ss *scoreSheet) has(key string) bool {
	return slices.ContainsFunc(ss.cols, func(c column) bool { return c.key == key })
}

// ruleNote explains in 检查内容 how an indicator is scored and what to
// fill in on its row.
func ruleNote(in *framework.Indicator) string {
	if !in.Leaf() {
		return "【汇总】得分由下级指标汇总；不适用时填写不适用原因"
	}
	r := in.Rule
	if r == nil {
		return ""
	}
	switch r.Kind {
	case framework.KindTargets:
		names := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			names[i] = framework.CategoryNames[c]
		}
		return "【按绩效目标计分】由“绩效目标”表中的" + joinComma(names) + "自动计算"
	case framework.KindExecutionRate:
		return "【预算执行率】由“收支情况”表的决算支出和预算数自动计算"
	case framework.KindThreshold:
		if m, ok := framework.Measures[r.Measure]; ok {
			return "【限值扣分】按" + m.Title + "自动计算"
		}
		return "【限值扣分】自动计算"
	case framework.KindRatio:
		return "【比率】实际值与目标值之比计分；框架未给出的目标值、实际值在本行填写"
	case framework.KindChecklist:
		note := "【检查清单】在下方各检查项行选择“是否通过”；未填写的检查项视为通过"
		if slices.ContainsFunc(r.Items, func(it framework.ChecklistItem) bool { return it.Check != nil }) {
			note += "；标明“由台账自动评定”的检查项按台账工作表评定，无需填写，如需改变评定结果须同时填写“" + headerOverride + "”"
		}
		return note
	case framework.KindQualitative:
		return "【定性】选择评价等级，可在等级区间内填写评定得分"
	case framework.KindManual:
		return "【人工评分】填写评定得分；未得满分的填写扣分原因"
	}
	return ""
}

// editable lists the columns to fill on an indicator's own row.
func editable(in *framework.Indicator) []string {
	if !in.Leaf() {
		return []string{"na", "weight"}
	}
	keys := []string{"reason", "evidence", "na", "work", "weight", "ded", "ded_reason", "ded_evidence"}
	if in.Rule != nil {
		switch in.Rule.Kind {
		case framework.KindManual:
			keys = append(keys, "score")
		case framework.KindQualitative:
			keys = append(keys, "score", "level")
		case framework.KindRatio:
			keys = append(keys, "target", "actual")
		}
	}
	return keys
}

var itemEditable = []string{"passed", "deduct", "reason", "evidence", "override"}

// indicatorRow writes an indicator's own row: the framework columns
// locked, the columns that apply to its rule open, the rest greyed.
func (ss *scoreSheet) indicatorRow(in *framework.Indicator, depth int, inp *evaluation.Input, weight *num.Points, ded *evaluation.Deduction) {
	w, s, row := ss.w, ss.name, ss.row
	for i, v := range ss.lead {
		w.str(s, i, row, v, w.fixed)
	}
	nameStyle := w.fixed
	if !in.Leaf() {
		nameStyle = w.fixedBold
	}
	w.str(s, ss.c("code"), row, in.Code, nameStyle)
	w.str(s, ss.c("name"), row, indent(depth)+in.Name, nameStyle)
	w.str(s, ss.c("item"), row, "", w.off)
	w.str(s, ss.c("text"), row, ruleNote(in), w.fixed)
	w.str(s, ss.c("max"), row, in.Points.String(), w.fixed)
	open := editable(in)
	for _, col := range ss.cols[ss.off+5:] {
		if !slices.Contains(open, col.key) {
			w.str(s, ss.c(col.key), row, "", w.off)
		}
	}
	ss.inputCells(inp, weight, ded)
	ss.row++
}

func indent(depth int) string {
	s := ""
	for i := 1; i < depth; i++ {
		s += "　"
	}
	return s
}

// inputCells writes an input's values into the current row.
func (ss *scoreSheet) inputCells(inp *evaluation.Input, weight *num.Points, ded *evaluation.Deduction) {
	w, s, row := ss.w, ss.name, ss.row
	if inp != nil {
		w.str(s, ss.c("reason"), row, inp.Reason, -1)
		w.str(s, ss.c("evidence"), row, joinList(inp.Evidence), -1)
		w.str(s, ss.c("na"), row, inp.NotApplicable, -1)
		if inp.Score != nil {
			w.points(s, ss.c("score"), row, inp.Score, w.number)
		}
		w.str(s, ss.c("level"), row, display(levelKeys, levelNames, inp.Level), -1)
		w.str(s, ss.c("work"), row, inp.Work, -1)
		if inp.Target != nil {
			w.str(s, ss.c("target"), row, inp.Target.String(), -1)
		}
		if inp.Actual != nil {
			w.str(s, ss.c("actual"), row, inp.Actual.String(), -1)
		}
	}
	if weight != nil && ss.has("weight") {
		w.points(s, ss.c("weight"), row, weight, w.number)
	}
	if ded != nil {
		w.deduction(s, row, ss.c("ded"), *ded)
	}
}

// itemRow writes a checklist item's row; it may be nil for an item the
// framework lacks, whose code comes from the check.
func (ss *scoreSheet) itemRow(code string, in *framework.Indicator, it *framework.ChecklistItem, chk *evaluation.ItemCheck) {
	w, s, row := ss.w, ss.name, ss.row
	for i, v := range ss.lead {
		w.str(s, i, row, v, w.fixed)
	}
	name := ""
	if in != nil {
		name = in.Name
	}
	w.str(s, ss.c("code"), row, code, w.fixed)
	w.str(s, ss.c("name"), row, name, w.fixed)
	open := itemEditable
	if it != nil {
		text := it.Text
		if it.Check != nil {
			text += "\n" + checkNote(it.Check)
		} else {
			// Only items the registers decide are overruled.
			open = slices.DeleteFunc(slices.Clone(open), func(k string) bool { return k == "override" })
		}
		w.str(s, ss.c("item"), row, it.Code, w.fixed)
		w.str(s, ss.c("text"), row, text, w.fixed)
		w.str(s, ss.c("max"), row, it.Points.String(), w.fixed)
	} else {
		w.str(s, ss.c("item"), row, chk.Item, -1)
	}
	for _, col := range ss.cols[ss.off+5:] {
		if !slices.Contains(open, col.key) {
			w.str(s, ss.c(col.key), row, "", w.off)
		}
	}
	if chk != nil {
		passed := passedNames[1]
		if chk.Passed {
			passed = passedNames[0]
		}
		w.str(s, ss.c("passed"), row, passed, -1)
		if chk.Deduct != nil {
			w.points(s, ss.c("deduct"), row, chk.Deduct, w.number)
		}
		w.str(s, ss.c("reason"), row, chk.Reason, -1)
		w.str(s, ss.c("evidence"), row, joinList(chk.Evidence), -1)
		w.str(s, ss.c("override"), row, chk.Override, -1)
	}
	ss.row++
}

// freeRow writes an input for a code the framework lacks (or with no
// framework at all): every column open.
func (ss *scoreSheet) freeRow(code string, inp *evaluation.Input, weight *num.Points, ded *evaluation.Deduction) {
	for i, v := range ss.lead {
		ss.w.str(ss.name, i, ss.row, v, -1)
	}
	ss.w.str(ss.name, ss.c("code"), ss.row, code, -1)
	ss.inputCells(inp, weight, ded)
	ss.row++
}

// extraRows writes an input's deductions beyond the first, each on a row
// of its own with the indicator's code.
func (ss *scoreSheet) extraRows(code string, inp *evaluation.Input) {
	if inp == nil {
		return
	}
	for i := 1; i < len(inp.Deductions); i++ {
		for j, v := range ss.lead {
			ss.w.str(ss.name, j, ss.row, v, -1)
		}
		ss.w.str(ss.name, ss.c("code"), ss.row, code, -1)
		ss.w.deduction(ss.name, ss.row, ss.c("ded"), inp.Deductions[i])
		ss.row++
	}
}

// inputs writes the rows of one score map (and weights): the framework's
// indicators in tree order, each checklist's items below it, then inputs
// for codes the framework lacks in code order.
func (ss *scoreSheet) inputs(fw *framework.Framework, scores map[string]evaluation.Input, weights map[string]num.Points, all bool) {
	done := map[string]bool{}
	get := func(code string) (*evaluation.Input, *num.Points, *evaluation.Deduction) {
		var inp *evaluation.Input
		var ded *evaluation.Deduction
		if v, ok := scores[code]; ok {
			inp = &v
			if len(v.Deductions) > 0 {
				ded = &v.Deductions[0]
			}
		}
		var wt *num.Points
		if v, ok := weights[code]; ok {
			wt = &v
		}
		return inp, wt, ded
	}
	if fw != nil {
		fw.Walk(func(in *framework.Indicator, depth int) {
			inp, wt, ded := get(in.Code)
			if !all && inp == nil && wt == nil {
				return
			}
			done[in.Code] = true
			ss.indicatorRow(in, depth, inp, wt, ded)
			var checks []evaluation.ItemCheck
			if inp != nil {
				checks = inp.Checklist
			}
			used := make([]bool, len(checks))
			if in.Leaf() && in.Rule != nil && in.Rule.Kind == framework.KindChecklist {
				for k := range in.Rule.Items {
					it := &in.Rule.Items[k]
					var chk *evaluation.ItemCheck
					for j := range checks {
						if !used[j] && checks[j].Item == it.Code {
							chk, used[j] = &checks[j], true
							break
						}
					}
					if all || chk != nil {
						ss.itemRow(in.Code, in, it, chk)
					}
				}
			}
			for j := range checks {
				if !used[j] {
					ss.itemRow(in.Code, in, nil, &checks[j])
				}
			}
			ss.extraRows(in.Code, inp)
		})
	}
	var rest []string
	for code := range scores {
		if !done[code] {
			rest = append(rest, code)
		}
	}
	for code := range weights {
		if !done[code] && !slices.Contains(rest, code) {
			rest = append(rest, code)
		}
	}
	sort.Strings(rest)
	for _, code := range rest {
		inp, wt, ded := get(code)
		ss.freeRow(code, inp, wt, ded)
		if inp != nil {
			for j := range inp.Checklist {
				ss.itemRow(code, nil, nil, &inp.Checklist[j])
			}
		}
		ss.extraRows(code, inp)
	}
}

func (w *writer) scores(ev *evaluation.Evaluation, fw *framework.Framework) {
	s := SheetScores
	w.sheet(s, scoreCols, true, 2)
	ss := &scoreSheet{w: w, name: s, cols: scoreCols, row: 2}
	ss.inputs(fw, ev.Scores, ev.Weights, true)
	w.protect(s)
}

func (w *writer) projectScores(ev *evaluation.Evaluation, pfw *framework.Framework) {
	s := SheetProjectScores
	w.sheet(s, projectScoreCols, true, 4)
	if pfw != nil {
		w.dropDown(s, fmt.Sprintf("C2:C%d", formRows), pfw.Codes(), "填写项目评价框架中的指标编码")
	}
	ss := &scoreSheet{w: w, name: s, cols: projectScoreCols, off: 2, row: 2}
	for i := range ev.Projects {
		p := &ev.Projects[i]
		if len(p.Scores) == 0 {
			continue
		}
		ss.lead = projectLink(p)
		ss.inputs(pfw, p.Scores, nil, false)
	}
	w.protect(s)
}

// Row heights, in points.
const (
	lineHeight   = 14.5 // one line of 11 pt SimSun
	rowPadding   = 4
	maxRowHeight = 409 // Excel's limit
)

// fitRows makes rows whose text wraps tall enough to show it: spreadsheet
// programs do not grow rows to fit wrapped text when they open a file.
// Rows with one line keep the default height, which grows as people type.
func (w *writer) fitRows(sheet string) {
	for row, n := range w.lines[sheet] {
		if n > 1 {
			w.fail(w.f.SetRowHeight(sheet, row, math.Min(float64(n)*lineHeight+rowPadding, maxRowHeight)))
		}
	}
}

// textLines estimates how many lines text wraps into in a column width
// (in widths of "0"): a Chinese character is about 1.8 units wide, others
// one.
func textLines(text string, width float64) int {
	avail := math.Max(width-1, 1)
	n := 0
	for _, para := range strings.Split(text, "\n") {
		units := 0.0
		for _, r := range para {
			if r >= 0x2E80 || r == '“' || r == '”' || r == '—' || r == '…' {
				units += 1.8
			} else {
				units++
			}
		}
		n += max(1, int(math.Ceil(units/avail)))
	}
	return n
}

// pageSetup prints a sheet on A4 landscape, one page wide.
func (w *writer) pageSetup(sheet string) {
	size, orient, wide, tall := 9, "landscape", 1, 0
	if sheet == SheetGuide {
		orient = "portrait"
	}
	w.fail(w.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &wide, FitToHeight: &tall}))
	fit := true
	w.fail(w.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	w.fail(w.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&C" + sheet + "　第 &P 页，共 &N 页"}))
}
