package workbook

import (
	"archive/zip"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/num"
)

// recoverPanics turns a panic while reading into a finding; the fuzz test
// turns it off to see them.
var recoverPanics = true

// Loaded is a workbook read into an evaluation, with the cell every data
// path was read from, so that findings made later (scoring, consistency
// checks) can point at cells too.
type Loaded struct {
	Value *evaluation.Evaluation
	File  string
	cells map[string]string
	bad   map[string]bool // cells the reader reported an error on
}

// Read parses a filled workbook into an evaluation. Every problem the
// reader finds is reported in one run, each with File set to file and
// Path to the cell ("收支情况!D5"). It does not check the data: the
// assessment pipeline (assess.Check, through input.Assess) does, and
// Loaded.Locate puts its findings on cells. The evaluation is nil only
// when the file is not a workbook.
func Read(file string, data []byte) (*evaluation.Evaluation, diag.List) {
	l, ds := Load(file, data)
	if l == nil {
		return nil, ds
	}
	return l.Value, ds
}

// Load is Read that keeps where each value was read, for Locate. It
// reads within DefaultLimits.
func Load(file string, data []byte) (l *Loaded, ds diag.List) {
	return LoadLimited(file, data, Limits{})
}

// LoadLimited is Load within the limits given; zero fields of lim take
// their defaults. A sheet longer than its row limit is read up to the
// limit and reported with one error; a workbook larger unzipped than
// lim.UnzipSize is not read.
func LoadLimited(file string, data []byte, lim Limits) (l *Loaded, ds diag.List) {
	r := &reader{file: file, lim: lim.orDefault(), cells: map[string]string{}, bad: map[string]bool{}, numFmt: map[int]bool{}, ev: &evaluation.Evaluation{}}
	defer func() {
		// The spreadsheet library parses untrusted bytes; a panic in it
		// is a file it cannot read, not a crash of the program.
		if !recoverPanics {
			return
		}
		if p := recover(); p != nil {
			l = nil
			ds = diag.List{{Code: diag.Syntax, Severity: diag.Error, File: file, Message: notWorkbook}}
		}
	}()
	// The parts the library parses whole when it opens the package
	// (styles) or at the first text read (shared strings) are checked
	// first.
	var msg string
	if r.zip, r.partOf, msg = parts(data, r.lim); msg != "" {
		return nil, diag.List{{Code: diag.Syntax, Severity: diag.Error, File: file, Message: msg}}
	}
	f, err := r.lim.open(data)
	if err != nil {
		return nil, diag.List{{Code: diag.Syntax, Severity: diag.Error, File: file, Message: r.lim.openError(err)}}
	}
	defer f.Close()
	r.f = f
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.date1904 = *props.Date1904
	}
	if !r.sheets() {
		return nil, r.sorted()
	}
	r.basic()
	r.finance()
	r.targets()
	r.scores()
	r.projects()
	r.declaration()
	r.plan()
	r.projectTargets()
	r.projectScores()
	r.issues()
	r.registers()
	r.fallbacks()

	return &Loaded{Value: r.ev, File: file, cells: r.cells, bad: r.bad}, r.sorted()
}

// Locate sets the file on findings about this workbook and replaces each
// data path ("targets[2].actual") by the cell it was read from, or the
// nearest enclosing part that was (the sheet, at worst). Choices are named
// as the workbook shows them. A finding on a cell the reader already
// reported an error on is dropped: one finding per cell, and what the
// reader said about the cell is more precise than what checking the
// value it read can add.
func (l *Loaded) Locate(ds diag.List) diag.List {
	out := make(diag.List, 0, len(ds))
	for _, d := range ds {
		d.File = l.File
		for p := d.Path; p != ""; p = parentPath(p) {
			if c, ok := l.cells[p]; ok {
				d.Path = c
				break
			}
		}
		if l.bad[d.Path] {
			continue
		}
		d.Message = wording.Replace(d.Message)
		out = append(out, d)
	}
	return out
}

// wording names the choices of messages from the checks as the drop-down
// lists do.
var wording = strings.NewReplacer(
	"met（达成）、partly（部分达成）或 not_met（未达成）", "达成、部分达成或未达成",
	"met、partly 或 not_met", "达成、部分达成或未达成",
	"（met、partly、not_met）", "（达成、部分达成、未达成）",
	"请在 override 中说明调整原因", "请在“"+headerOverride+"”列说明调整原因",
)

// parentPath drops the last part of a data path: "a.b[2].c" → "a.b[2]" →
// "a.b" → "a".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i > 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

type reader struct {
	f      *excelize.File
	lim    Limits
	zip    *zip.Reader       // the package, for the cells' types and styles
	partOf map[string]string // sheet name → worksheet part
	file   string
	ev     *evaluation.Evaluation
	ds     diag.List
	cells  map[string]string // data path → cell
	bad    map[string]bool   // cells the reader reported on
	numFmt map[int]bool
	// date1904 is set for a workbook whose date serials count from 1904.
	date1904 bool
	// sheets present
	present map[string]bool
	// projects by code and by name, for linking rows to them
	byCode map[string]int
	byName map[string][]int
}

// add records a finding at a cell. A long text quoted in it is cut to
// its first maxQuoted characters: the cell holds the rest.
func (r *reader) add(code, cell, format string, a ...any) {
	for i, x := range a {
		if s, ok := x.(string); ok && len(s) > maxQuoted {
			n := 0
			for k := range s {
				if n == maxQuoted {
					a[i] = s[:k] + "…"
					break
				}
				n++
			}
		}
	}
	r.ds = append(r.ds, diag.Finding{Code: code, Severity: severity(code), File: r.file, Path: cell, Message: fmt.Sprintf(format, a...)})
	if code[0] == 'E' {
		r.bad[cell] = true
	}
}

// maxQuoted is the most characters of a value a finding quotes.
const maxQuoted = 100

func severity(code string) diag.Severity {
	switch code[0] {
	case 'W':
		return diag.Warning
	case 'I':
		return diag.Info
	}
	return diag.Error
}

// at records the cell a data path was read from; the first cell wins.
func (r *reader) at(path, cell string) {
	if _, ok := r.cells[path]; !ok {
		r.cells[path] = cell
	}
}

// sheets checks the sheet names: every required sheet present, unknown
// ones ignored with a warning. It reports false when nothing can be read.
func (r *reader) sheets() bool {
	r.present = map[string]bool{}
	for _, name := range r.f.GetSheetList() {
		n := strings.TrimSpace(name)
		if slices.Contains(sheetOrder, n) && n == name {
			r.present[n] = true
			continue
		}
		r.add(codeIgnored, name+"!A1", "工作表“%s”不属于填报表格式，已忽略；可用的工作表：%s", name, joinComma(sheetOrder[1:]))
	}
	ok := true
	for _, s := range requiredSheets {
		if !r.present[s] {
			r.add(diag.Missing, s, "缺少工作表“%s”", s)
			ok = false
		}
	}
	return ok
}

// fallbacks points every top-level part of the data at the sheet it comes
// from, for findings about something that has no cell of its own (a list
// with no rows).
func (r *reader) fallbacks() {
	for _, p := range []string{"department", "year", "framework", "project_framework", "overall_goal", "key_tasks", "narrative", "report", "illustrative"} {
		r.at(p, SheetBasic+"!A1")
	}
	r.at("finance", SheetFinance+"!A1")
	r.at("targets", SheetTargets+"!A2")
	r.at("scores", SheetScores+"!A1")
	r.at("weights", SheetScores+"!A1")
	if r.present[SheetProjects] {
		r.at("projects", SheetProjects+"!A1")
	} else {
		r.at("projects", SheetBasic+"!A1")
	}
	issues := SheetIssues + "!A2"
	if !r.present[SheetIssues] {
		issues = SheetBasic + "!A1"
	}
	r.at("problems", issues)
	r.at("measures", issues)
	for _, sh := range registerSheets {
		if r.present[sh] {
			r.at("registers", sh+"!A1")
		}
	}
	r.at("registers", SheetScores+"!A1")
}

// sorted returns the findings in workbook order: by sheet, then row, then
// column; findings without a cell last.
func (r *reader) sorted() diag.List {
	type key struct{ sheet, row, col int }
	keyOf := func(p string) key {
		sheet, cell, ok := strings.Cut(p, "!")
		si := slices.Index(sheetOrder, sheet)
		if si < 0 {
			si = len(sheetOrder)
		}
		if !ok {
			return key{si, 0, 0}
		}
		c, row, err := excelize.CellNameToCoordinates(cell)
		if err != nil {
			return key{si, 0, 0}
		}
		return key{si, row, c}
	}
	out := slices.Clone(r.ds)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := keyOf(out[i].Path), keyOf(out[j].Path)
		if a.sheet != b.sheet {
			return a.sheet < b.sheet
		}
		if a.row != b.row {
			return a.row < b.row
		}
		return a.col < b.col
	})
	return out
}

// ---------------------------------------------------------------------------
// 基本情况
// ---------------------------------------------------------------------------

func (r *reader) basic() {
	s := r.openSheet(SheetBasic, basicCols)
	if s == nil {
		return
	}
	ev := r.ev
	byLabel := map[string]*basicField{}
	for i := range basicFields {
		byLabel[normHeader(basicFields[i].label)] = &basicFields[i]
	}
	filledAt := map[string]string{} // single fields: label → cell holding its value
	var prev *basicField
	var staffing evaluation.Staffing
	staffed, yearFilled := false, false
	for i := 1; i < len(s.rows); i++ {
		label := normHeader(s.text(i, "label"))
		if s.empty(i, "lead", "value") {
			if fd := byLabel[label]; fd != nil {
				r.register(s, i, fd)
				prev = fd
			}
			continue
		}
		fd := byLabel[label]
		switch {
		case label == "":
			if prev == nil || (prev.kind != fList && prev.kind != fTasks) {
				r.add(diag.UnknownField, s.at(i, "value"), "%s“项目”列为空，无法确定所填内容属于哪一项；请在“项目”列填写项目名称", rowNumber(i))
				continue
			}
			fd = prev
		case fd == nil:
			if label != normHeader(basicCols[0].header) {
				r.add(codeIgnored, s.at(i, "label"), "“%s”不是基本情况表的项目，该行已忽略", label)
			}
			continue
		}
		prev = fd
		r.register(s, i, fd)
		if fd.kind != fTasks && !s.empty(i, "lead") {
			r.add(diag.UnknownField, s.at(i, "lead"), "“引导语”列只用于重点工作任务；“%s”请填在“内容”列", fd.label)
		}
		if fd.kind == fText || fd.kind == fInt {
			if prevCell, dup := filledAt[fd.label]; dup && !s.empty(i, "value") {
				r.add(diag.Duplicate, s.at(i, "value"), "“%s”已在 %s 填写，只能填写一项", fd.label, prevCell)
				continue
			}
			if !s.empty(i, "value") {
				filledAt[fd.label] = s.at(i, "value")
				r.cells[fd.path] = s.at(i, "value")
			}
		}
		switch fd.kind {
		case fText:
			fd.set(ev, s.text(i, "value"))
		case fInt:
			switch fd.label {
			case labelYear:
				ev.Year, yearFilled = s.integer(i, "value", fd.path, "年度", "年")
			case labelAuth:
				staffing.Authorised, _ = s.integer(i, "value", fd.path, "编制人数", "人")
				staffed = true
			case labelActual:
				staffing.Actual, _ = s.integer(i, "value", fd.path, "实有人数", "人")
				staffed = true
			}
		case fList:
			if v := s.text(i, "value"); v != "" {
				r.at(fmt.Sprintf("%s[%d]", fd.path, len(ev.Department.Functions)), s.at(i, "value"))
				ev.Department.Functions = append(ev.Department.Functions, v)
			}
		case fTasks:
			k := len(ev.KeyTasks.Items)
			r.at(fmt.Sprintf("%s[%d]", fd.path, k), s.at(i, "value"))
			r.at(fmt.Sprintf("%s[%d].text", fd.path, k), s.at(i, "value"))
			r.at(fmt.Sprintf("%s[%d].lead", fd.path, k), s.at(i, "lead"))
			ev.KeyTasks.Items = append(ev.KeyTasks.Items, evaluation.Task{Lead: s.text(i, "lead"), Text: s.text(i, "value")})
		}
	}
	if staffed {
		ev.Department.Staffing = &staffing
	}
	if !yearFilled {
		cell, ok := r.cells["year"]
		if !ok {
			cell = SheetBasic + "!A1"
		}
		r.add(diag.Missing, cell, "缺少年度（四位数字，如 2023）")
	}
}

// register records the cell of a field's value the first time its label
// is met, so that a finding about an empty field points at its row.
func (r *reader) register(s *sheetData, i int, fd *basicField) {
	r.at(fd.path, s.at(i, "value"))
}

// ---------------------------------------------------------------------------
// 收支情况
// ---------------------------------------------------------------------------

func (r *reader) finance() {
	s := r.openSheet(SheetFinance, financeCols)
	if s == nil {
		return
	}
	fin := &r.ev.Finance
	byLabel := map[string]*financeRow{}
	for i := range financeRows {
		byLabel[normHeader(financeRows[i].label)] = &financeRows[i]
	}
	filledAt := map[string]string{}
	var prev *financeRow
	var sangong evaluation.Sangong
	hasSangong := false
	var stated evaluation.StatedTotals
	var funds evaluation.Funds
	fundsFilled := false
	values := []string{"kind", "name", "amount", "actual", "prior"}
	for i := 1; i < len(s.rows); i++ {
		label := normHeader(s.text(i, "label"))
		fr := byLabel[label]
		if fr != nil && fr.kind != finSection {
			r.at(fr.path, s.at(i, financeValueKey(fr.kind)))
		}
		if s.empty(i, values...) {
			if fr != nil {
				prev = fr
			}
			continue
		}
		switch {
		case label == "":
			if prev == nil || (prev.kind != finIncome && prev.kind != finReason) {
				r.add(diag.UnknownField, s.ref(i, 0), "%s“项目”列为空，无法确定所填内容属于哪一项；请在“项目”列填写项目名称", rowNumber(i))
				continue
			}
			fr = prev
		case fr == nil:
			if label != normHeader(financeCols[0].header) {
				r.add(codeIgnored, s.at(i, "label"), "“%s”不是收支情况表的项目，该行已忽略", label)
			}
			continue
		case fr.kind == finSection:
			continue
		}
		prev = fr
		// Cells a row kind does not use must be empty.
		used := map[financeKind][]string{finIncome: {"kind", "name", "amount"}, finReason: {"name"}, finAmount: {"amount"}, finTriple: {"amount", "actual", "prior"}}[fr.kind]
		for _, k := range values {
			if !slices.Contains(used, k) && !s.empty(i, k) {
				r.add(diag.UnknownField, s.at(i, k), "“%s”行不使用“%s”列，该单元格的内容已忽略", fr.label, financeCols[columnIndex(financeCols, k)].header)
			}
		}
		if fr.kind == finAmount || fr.kind == finTriple {
			if prevCell, dup := filledAt[fr.label]; dup {
				r.add(diag.Duplicate, s.ref(i, 0), "“%s”已在 %s 填写，只能填写一行", fr.label, prevCell)
				continue
			}
			filledAt[fr.label] = s.ref(i, 0)
		}
		switch fr.kind {
		case finIncome:
			k := len(fin.Income)
			p := fmt.Sprintf("finance.income[%d]", k)
			r.at(p, s.at(i, "kind"))
			in := evaluation.Income{Name: s.textAt(i, "name", p+".name")}
			if s.empty(i, "kind") {
				r.at(p+".kind", s.at(i, "kind"))
				r.add(diag.Missing, s.at(i, "kind"), "缺少收入类型，请从下拉列表选择")
			} else {
				in.Kind = s.choice(i, "kind", p+".kind", "收入类型", evaluation.IncomeKindOrder, incomeNames(), nil)
			}
			var filled bool
			in.Amount, filled = s.money(i, "amount", p+".amount", "收入金额")
			if !filled {
				r.add(diag.Missing, s.at(i, "amount"), "缺少收入金额")
			}
			fin.Income = append(fin.Income, in)
		case finReason:
			p := fmt.Sprintf("finance.income_change_reasons[%d]", len(fin.IncomeChangeReasons))
			fin.IncomeChangeReasons = append(fin.IncomeChangeReasons, s.textAt(i, "name", p))
		case finAmount:
			switch fr.label {
			case labelPriorIncome:
				fin.PriorIncome, _ = s.money(i, "amount", fr.path, fr.label)
			case labelBasic:
				r.at("finance.expenditure", s.at(i, "amount"))
				fin.Expenditure.Basic, _ = s.money(i, "amount", fr.path, fr.label)
			case labelProject:
				fin.Expenditure.Project, _ = s.money(i, "amount", fr.path, fr.label)
			case labelInitial:
				fin.Budget.Initial, _ = s.money(i, "amount", fr.path, fr.label)
			case labelAdjusted:
				r.at("finance.budget", s.at(i, "amount"))
				fin.Budget.Adjusted, _ = s.money(i, "amount", fr.path, fr.label)
			case labelCarryover:
				fin.Carryover, _ = s.money(i, "amount", fr.path, fr.label)
			case labelDeclLocal, labelDeclUpper, labelDeclOwn, labelDeclOther:
				r.at("declaration.funds", s.at(i, "amount"))
				v := s.moneyPtr(i, "amount", fr.path, fr.label)
				if v != nil {
					fundsFilled = true
					*declaredAmount(&evaluation.Declaration{Funds: &funds}, fr.label) = *v
				}
			case labelDeclBasic:
				if v := s.moneyPtr(i, "amount", fr.path, fr.label); v != nil {
					declarationOf(r.ev).Basic = v
				}
			case labelDeclProject:
				if v := s.moneyPtr(i, "amount", fr.path, fr.label); v != nil {
					declarationOf(r.ev).Project = v
				}
			case labelStatedIn:
				stated.Income = s.moneyPtr(i, "amount", fr.path, fr.label)
			case labelStatedOut:
				stated.Expenditure = s.moneyPtr(i, "amount", fr.path, fr.label)
			}
		case finTriple:
			var ba evaluation.BudgetActual
			ba.Budget, _ = s.money(i, "amount", fr.path+".budget", fr.label+"预算数")
			ba.Actual, _ = s.money(i, "actual", fr.path+".actual", fr.label+"实际数")
			ba.PriorActual = s.moneyPtr(i, "prior", fr.path+".prior_actual", fr.label+"上年实际数")
			switch fr.label {
			case labelPublicFunds:
				fin.PublicFunds = &ba
			default:
				hasSangong = true
				r.at("finance.sangong", s.at(i, "amount"))
				*budgetActual(&evaluation.Finance{Sangong: &sangong}, fr.label) = ba
			}
		}
	}
	if hasSangong {
		fin.Sangong = &sangong
	}
	if stated.Income != nil || stated.Expenditure != nil {
		fin.Stated = &stated
	}
	if fundsFilled {
		declarationOf(r.ev).Funds = &funds
	}
}

func financeValueKey(k financeKind) string {
	switch k {
	case finIncome:
		return "kind"
	case finReason:
		return "name"
	}
	return "amount"
}

// ---------------------------------------------------------------------------
// 绩效目标 and 项目绩效指标
// ---------------------------------------------------------------------------

var targetKeys = func() []string {
	var ks []string
	for _, c := range targetCols {
		ks = append(ks, c.key)
	}
	return ks
}()

var dedKeys = []string{"ded", "ded_reason", "ded_evidence"}

// mainTargetKeys are the target columns other than a deduction's.
var mainTargetKeys = slices.DeleteFunc(slices.Clone(targetKeys), func(k string) bool { return slices.Contains(dedKeys, k) })

// target reads row i into a target at path.
func (r *reader) target(s *sheetData, i int, path string) evaluation.Target {
	r.at(path, s.at(i, "name"))
	t := evaluation.Target{
		Code:        s.textAt(i, "code", path+".code"),
		Subcategory: strings.Join(strings.Fields(s.textAt(i, "subcategory", path+".subcategory")), ""),
		Name:        s.textAt(i, "name", path+".name"),
		Unit:        s.textAt(i, "unit", path+".unit"),
		Target:      s.textAt(i, "target", path+".target"),
		Actual:      s.textAt(i, "actual", path+".actual"),
		Deviation:   s.textAt(i, "deviation", path+".deviation"),
		Evidence:    s.list(i, "evidence", path+".evidence"),
	}
	if s.empty(i, "category") {
		r.at(path+".category", s.at(i, "category"))
		r.add(diag.Missing, s.at(i, "category"), "缺少一级指标，请选择%s", joinComma(categoryNames))
	} else {
		t.Category = s.choice(i, "category", path+".category", "一级指标", categoryKeys, categoryNames, categoryAliases)
	}
	if s.empty(i, "direction") {
		r.at(path+".direction", s.at(i, "direction"))
		r.add(diag.Missing, s.at(i, "direction"), "缺少指标方向，请选择%s", joinComma(directionNames))
	} else {
		t.Direction = s.choice(i, "direction", path+".direction", "指标方向", directionKeys, directionNames, directionAliases)
	}
	t.Level = s.choice(i, "level", path+".level", "评价等级", levelKeys, levelNames, levelAliases)
	t.Basis = s.choice(i, "basis", path+".basis", "取值依据", evaluation.BasisOrder, basisNames(), basisAliases)
	t.Remark = s.textAt(i, "remark", path+".remark")
	var m evaluation.Milestones
	for q, p := range []*string{&m.Q1, &m.Q2, &m.Q3, &m.Q4} {
		*p = s.textAt(i, quarterKeys[q], fmt.Sprintf("%s.milestones.%s", path, quarterKeys[q]))
	}
	if m != (evaluation.Milestones{}) {
		r.at(path+".milestones", s.at(i, "q1"))
		t.Milestones = &m
	}
	t.Score = s.points(i, "score", path+".score", "自评得分")
	t.Points = s.points(i, "points", path+".points", "分值")
	if d, ok := r.deduction(s, i, path+".deductions[0]"); ok {
		t.Deductions = append(t.Deductions, d)
	}
	return t
}

// deduction reads the 酌情扣分 columns of row i, if any is filled.
func (r *reader) deduction(s *sheetData, i int, path string) (evaluation.Deduction, bool) {
	if s.empty(i, dedKeys...) {
		return evaluation.Deduction{}, false
	}
	d := evaluation.Deduction{
		Reason:   s.textAt(i, "ded_reason", path+".reason"),
		Evidence: s.list(i, "ded_evidence", path+".evidence"),
	}
	r.at(path, s.at(i, "ded"))
	if s.empty(i, "ded") {
		r.at(path+".points", s.at(i, "ded"))
		r.add(diag.Missing, s.at(i, "ded"), "填写了扣分原因或佐证，但缺少酌情扣分分值")
	} else if p := s.points(i, "ded", path+".points", "酌情扣分"); p != nil {
		d.Points = *p
	}
	if d.Reason == "" {
		r.at(path+".reason", s.at(i, "ded_reason"))
		r.add(diag.NoReason, s.at(i, "ded_reason"), "酌情扣分须填写扣分原因")
	}
	return d, true
}

// moreDeduction adds the deduction on a continuation row (only the
// 酌情扣分 columns filled) to the last target or input read; it reports
// false when there is none.
func (r *reader) moreDeduction(s *sheetData, i int, to *[]evaluation.Deduction, path string) bool {
	if to == nil {
		r.add(diag.Missing, s.at(i, "ded"), "%s只填写了酌情扣分，但上方没有可归属的指标；请在同一行填写指标", rowNumber(i))
		return false
	}
	if d, ok := r.deduction(s, i, fmt.Sprintf("%s.deductions[%d]", path, len(*to))); ok {
		*to = append(*to, d)
	}
	return true
}

func (r *reader) targets() {
	s := r.openSheet(SheetTargets, targetCols)
	if s == nil {
		return
	}
	ev := r.ev
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, targetKeys...) {
			continue
		}
		if s.empty(i, mainTargetKeys...) {
			var to *[]evaluation.Deduction
			path := ""
			if n := len(ev.Targets); n > 0 {
				to, path = &ev.Targets[n-1].Deductions, fmt.Sprintf("targets[%d]", n-1)
			}
			r.moreDeduction(s, i, to, path)
			continue
		}
		k := len(ev.Targets)
		ev.Targets = append(ev.Targets, r.target(s, i, fmt.Sprintf("targets[%d]", k)))
	}
}

// projectOf finds the project a row of 项目绩效指标 or 项目指标评分 belongs
// to: by code, else by name (a project without a code is linked by its
// name in either column). It reports -1 after a finding when there is none.
func (r *reader) projectOf(s *sheetData, i int) int {
	code, name := s.text(i, "project"), s.text(i, "project_name")
	if !r.present[SheetProjects] {
		r.add(diag.UnknownRef, s.at(i, "project"), "缺少工作表“项目”，无法确定本行所属项目")
		return -1
	}
	byName := func(n string, cell string) int {
		switch ps := r.byName[n]; len(ps) {
		case 0:
			return -1
		case 1:
			return ps[0]
		default:
			r.add(diag.Duplicate, cell, "项目名称“%s”对应多个项目，请填写项目编码", n)
			return -2
		}
	}
	if code != "" {
		if p, ok := r.byCode[code]; ok {
			return p
		}
		if p := byName(code, s.at(i, "project")); p != -1 {
			return max(p, -1)
		}
		r.add(diag.UnknownRef, s.at(i, "project"), "项目编码 %q 在“项目”表中不存在", code)
		return -1
	}
	if name == "" {
		r.add(diag.Missing, s.at(i, "project"), "缺少项目编码（项目没有编码的填写项目名称）")
		return -1
	}
	if p := byName(name, s.at(i, "project_name")); p != -1 {
		return max(p, -1)
	}
	r.add(diag.UnknownRef, s.at(i, "project_name"), "项目名称 %q 在“项目”表中不存在", name)
	return -1
}

func (r *reader) projectTargets() {
	if !r.present[SheetProjectTargets] {
		return
	}
	s := r.openSheet(SheetProjectTargets, projectTargetCols)
	if s == nil {
		return
	}
	all := append([]string{"project", "project_name"}, targetKeys...)
	main := append([]string{"project", "project_name"}, mainTargetKeys...)
	var last *evaluation.Target
	lastPath := ""
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, all...) {
			continue
		}
		if s.empty(i, main...) {
			var to *[]evaluation.Deduction
			if last != nil {
				to = &last.Deductions
			}
			r.moreDeduction(s, i, to, lastPath)
			continue
		}
		p := r.projectOf(s, i)
		if p < 0 {
			last = nil
			continue
		}
		pr := &r.ev.Projects[p]
		path := fmt.Sprintf("projects[%d].targets[%d]", p, len(pr.Targets))
		pr.Targets = append(pr.Targets, r.target(s, i, path))
		last, lastPath = &pr.Targets[len(pr.Targets)-1], path
	}
}

// ---------------------------------------------------------------------------
// 项目
// ---------------------------------------------------------------------------

func (r *reader) projects() {
	r.byCode, r.byName = map[string]int{}, map[string][]int{}
	if !r.present[SheetProjects] {
		return
	}
	s := r.openSheet(SheetProjects, projectCols)
	if s == nil {
		return
	}
	var keys []string
	for _, c := range projectCols {
		keys = append(keys, c.key)
	}
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, keys...) {
			continue
		}
		k := len(r.ev.Projects)
		path := fmt.Sprintf("projects[%d]", k)
		r.at(path, s.at(i, "name"))
		p := evaluation.Project{
			Name:     s.textAt(i, "name", path+".name"),
			Code:     s.textAt(i, "code", path+".code"),
			Unit:     s.textAt(i, "unit", path+".unit"),
			Goal:     s.textAt(i, "goal", path+".goal"),
			Achieved: s.textAt(i, "achieved", path+".achieved"),
		}
		p.Initial, _ = s.money(i, "initial", path+".initial", "年初预算数")
		p.Adjusted, _ = s.money(i, "adjusted", path+".adjusted", "全年预算数")
		p.Executed, _ = s.money(i, "executed", path+".executed", "全年执行数")
		var fu evaluation.Funding
		var f1, f2, f3 bool
		fu.Appropriation, f1 = s.money(i, "appropriation", path+".funding.appropriation", "当年财政拨款")
		fu.CarriedOver, f2 = s.money(i, "carried", path+".funding.carried_over", "上年结转资金")
		fu.Other, f3 = s.money(i, "other", path+".funding.other", "其他资金")
		r.at(path+".funding", s.at(i, "appropriation"))
		if f1 || f2 || f3 {
			p.Funding = &fu
		}
		if p.Code != "" {
			if _, dup := r.byCode[p.Code]; !dup {
				r.byCode[p.Code] = k
			}
		}
		if p.Name != "" {
			r.byName[p.Name] = append(r.byName[p.Name], k)
		}
		r.ev.Projects = append(r.ev.Projects, p)
	}
}

// ---------------------------------------------------------------------------
// 指标评分 and 项目指标评分
// ---------------------------------------------------------------------------

// inputKeys are the columns of a score sheet that hold data, item rows'
// and indicator rows' together.
var (
	itemKeys      = []string{"passed", "deduct", "reason", "evidence", "override"}
	indicatorKeys = []string{"reason", "evidence", "na", "score", "level", "work", "target", "actual", "weight", "ded", "ded_reason", "ded_evidence"}
)

// scoreReader collects the inputs of one score map from rows.
type scoreReader struct {
	r       *reader
	path    string // "scores" or "projects[2].scores"
	inputs  map[string]*evaluation.Input
	weights map[string]num.Points
	seen    map[string]map[string]string // code → field → cell it was set at
	items   map[string]map[string]bool   // code → item codes seen
}

func newScoreReader(r *reader, path string) *scoreReader {
	return &scoreReader{r: r, path: path, inputs: map[string]*evaluation.Input{}, weights: map[string]num.Points{},
		seen: map[string]map[string]string{}, items: map[string]map[string]bool{}}
}

// row reads row i of s for the indicator code.
func (sr *scoreReader) row(s *sheetData, i int, code string) {
	r := sr.r
	p := sr.path + "." + code
	item := s.text(i, "item")
	keys := indicatorKeys
	if item != "" {
		keys = itemKeys
	}
	// Columns the row kind does not use.
	other := itemKeys
	if item != "" {
		other = indicatorKeys
	}
	for _, k := range other {
		if !slices.Contains(keys, k) && s.c(k) >= 0 && !s.empty(i, k) {
			where := "指标行"
			if item != "" {
				where = "检查项行"
			}
			r.add(diag.UnknownField, s.at(i, k), "%s不使用“%s”列，该单元格的内容已忽略", where, scoreCols[columnIndex(scoreCols, k)].header)
		}
	}
	r.at(p, s.at(i, "code"))
	if item == "" {
		for _, f := range []struct{ key, field string }{{"reason", "reason"}, {"evidence", "evidence"}, {"na", "not_applicable"}, {"score", "score"}, {"level", "level"}, {"work", "work"}, {"target", "target"}, {"actual", "actual"}} {
			r.at(p+"."+f.field, s.at(i, f.key))
		}
		if s.c("weight") >= 0 {
			r.at("weights."+code, s.at(i, "weight"))
		}
	}
	if s.empty(i, keys...) {
		return
	}
	in := sr.inputs[code]
	if in == nil {
		in = &evaluation.Input{}
	}
	if item != "" {
		sr.item(s, i, code, item, in)
	} else {
		sr.indicator(s, i, code, in)
	}
	if !isZeroInput(in) {
		sr.inputs[code] = in
	}
}

func isZeroInput(in *evaluation.Input) bool {
	return in.NotApplicable == "" && len(in.Checklist) == 0 && in.Level == "" && in.Score == nil && in.Target == nil &&
		in.Actual == nil && in.Reason == "" && in.Work == "" && len(in.Evidence) == 0 && len(in.Deductions) == 0
}

// once reports whether a field of code may be set from cell: a field
// filled on two rows of one indicator is reported.
func (sr *scoreReader) once(code, field, cell string) bool {
	m := sr.seen[code]
	if m == nil {
		m = map[string]string{}
		sr.seen[code] = m
	}
	if prev, ok := m[field]; ok {
		sr.r.add(diag.Duplicate, cell, "指标 %s 的“%s”已在 %s 填写", code, field, prev)
		return false
	}
	m[field] = cell
	return true
}

func (sr *scoreReader) indicator(s *sheetData, i int, code string, in *evaluation.Input) {
	p := sr.path + "." + code
	set := func(key, header string, apply func()) {
		if !s.empty(i, key) && sr.once(code, header, s.at(i, key)) {
			apply()
		}
	}
	set("reason", "扣分原因", func() { in.Reason = s.textAt(i, "reason", p+".reason") })
	set("evidence", "佐证材料", func() { in.Evidence = s.list(i, "evidence", p+".evidence") })
	set("na", "不适用原因", func() { in.NotApplicable = s.textAt(i, "na", p+".not_applicable") })
	set("score", "评定得分", func() { in.Score = s.points(i, "score", p+".score", "评定得分") })
	set("level", "评价等级", func() {
		in.Level = s.choice(i, "level", p+".level", "评价等级", levelKeys, levelNames, levelAliases)
	})
	set("work", "工作情况", func() { in.Work = s.textAt(i, "work", p+".work") })
	set("target", "目标值", func() { in.Target = s.decimal(i, "target", p+".target", "目标值") })
	set("actual", "实际值", func() { in.Actual = s.decimal(i, "actual", p+".actual", "实际值") })
	if s.c("weight") >= 0 {
		set("weight", "调整分值", func() {
			if w := s.points(i, "weight", "weights."+code, "调整分值"); w != nil {
				sr.weights[code] = *w
			}
		})
	}
	if d, ok := sr.r.deduction(s, i, fmt.Sprintf("%s.deductions[%d]", p, len(in.Deductions))); ok {
		in.Deductions = append(in.Deductions, d)
	}
}

func (sr *scoreReader) item(s *sheetData, i int, code, item string, in *evaluation.Input) {
	r := sr.r
	if sr.items[code] == nil {
		sr.items[code] = map[string]bool{}
	}
	if sr.items[code][item] {
		r.add(diag.Duplicate, s.at(i, "item"), "指标 %s 的检查项 %s 重复填写", code, item)
		return
	}
	sr.items[code][item] = true
	cp := fmt.Sprintf("%s.%s.checklist[%d]", sr.path, code, len(in.Checklist))
	r.at(cp, s.at(i, "item"))
	r.at(cp+".item", s.at(i, "item"))
	chk := evaluation.ItemCheck{
		Item:     item,
		Deduct:   s.points(i, "deduct", cp+".deduct", "部分扣分"),
		Reason:   s.textAt(i, "reason", cp+".reason"),
		Evidence: s.list(i, "evidence", cp+".evidence"),
		Override: s.textAt(i, "override", cp+".override"),
	}
	passed := s.textAt(i, "passed", cp+".passed")
	switch strings.Join(strings.Fields(passed), "") {
	case "是", "通过", "√", "✓", "Y", "y", "TRUE", "true":
		chk.Passed = true
	case "否", "不通过", "未通过", "×", "✗", "N", "n", "FALSE", "false":
	case "":
		r.add(diag.Missing, s.at(i, "passed"), "检查项 %s 填写了扣分、原因、佐证或调整原因，但未选择“是否通过”", item)
		return
	default:
		r.add(diag.BadChoice, s.at(i, "passed"), "检查项 %s 的“是否通过”为 %q，应为“是”或“否”", item, passed)
		return
	}
	in.Checklist = append(in.Checklist, chk)
}

// finish stores the inputs and weights read.
func (sr *scoreReader) finish(scores *map[string]evaluation.Input, weights *map[string]num.Points) {
	if len(sr.inputs) > 0 {
		*scores = map[string]evaluation.Input{}
		for c, in := range sr.inputs {
			(*scores)[c] = *in
		}
	}
	if weights != nil && len(sr.weights) > 0 {
		*weights = sr.weights
	}
}

// lastDeductions is where a continuation row's deduction goes: the input
// of the indicator on the row above.
func (sr *scoreReader) lastDeductions(code string) (*[]evaluation.Deduction, string) {
	if code == "" {
		return nil, ""
	}
	in := sr.inputs[code]
	if in == nil {
		in = &evaluation.Input{}
		sr.inputs[code] = in
	}
	return &in.Deductions, sr.path + "." + code
}

func (r *reader) scores() {
	s := r.openSheet(SheetScores, scoreCols)
	if s == nil {
		return
	}
	sr := newScoreReader(r, "scores")
	data := append(slices.Clone(indicatorKeys), itemKeys...)
	lastCode := ""
	for i := 1; i < len(s.rows); i++ {
		code := s.text(i, "code")
		if code == "" {
			if s.empty(i, append([]string{"item"}, data...)...) {
				continue
			}
			if s.empty(i, append([]string{"item"}, slices.DeleteFunc(slices.Clone(data), func(k string) bool { return slices.Contains(dedKeys, k) })...)...) {
				to, path := sr.lastDeductions(lastCode)
				r.moreDeduction(s, i, to, path)
				continue
			}
			r.add(diag.Missing, s.at(i, "code"), "%s缺少指标编码", rowNumber(i))
			continue
		}
		lastCode = code
		sr.row(s, i, code)
	}
	sr.finish(&r.ev.Scores, &r.ev.Weights)
}

func (r *reader) projectScores() {
	if !r.present[SheetProjectScores] {
		return
	}
	s := r.openSheet(SheetProjectScores, projectScoreCols)
	if s == nil {
		return
	}
	readers := map[int]*scoreReader{}
	var order []int
	data := append(slices.Clone(indicatorKeys), itemKeys...)
	data = slices.DeleteFunc(data, func(k string) bool { return k == "weight" })
	var last *scoreReader
	lastCode := ""
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, append([]string{"project", "project_name", "code", "item"}, data...)...) {
			continue
		}
		if s.empty(i, append([]string{"project", "project_name", "code", "item"}, slices.DeleteFunc(slices.Clone(data), func(k string) bool { return slices.Contains(dedKeys, k) })...)...) {
			var to *[]evaluation.Deduction
			path := ""
			if last != nil {
				to, path = last.lastDeductions(lastCode)
			}
			r.moreDeduction(s, i, to, path)
			continue
		}
		p := r.projectOf(s, i)
		if p < 0 {
			last = nil
			continue
		}
		code := s.text(i, "code")
		if code == "" {
			r.add(diag.Missing, s.at(i, "code"), "%s缺少指标编码", rowNumber(i))
			continue
		}
		sr := readers[p]
		if sr == nil {
			sr = newScoreReader(r, fmt.Sprintf("projects[%d].scores", p))
			readers[p] = sr
			order = append(order, p)
		}
		last, lastCode = sr, code
		sr.row(s, i, code)
	}
	for _, p := range order {
		readers[p].finish(&r.ev.Projects[p].Scores, nil)
	}
}

// ---------------------------------------------------------------------------
// 问题与措施
// ---------------------------------------------------------------------------

func (r *reader) issues() {
	if !r.present[SheetIssues] {
		return
	}
	s := r.openSheet(SheetIssues, issueCols)
	if s == nil {
		return
	}
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, "type", "text") {
			continue
		}
		text := s.text(i, "text")
		kind := s.text(i, "type")
		var to *[]string
		path := ""
		switch strings.Join(strings.Fields(kind), "") {
		case "问题", "存在的问题", "主要问题":
			to, path = &r.ev.Problems, "problems"
		case "改进措施", "措施", "整改措施":
			to, path = &r.ev.Measures, "measures"
		case "":
			r.add(diag.Missing, s.at(i, "type"), "缺少类型，请选择“问题”或“改进措施”")
			continue
		default:
			r.add(diag.BadChoice, s.at(i, "type"), "类型 %q 应为“问题”或“改进措施”", kind)
			continue
		}
		if text == "" {
			r.add(diag.Missing, s.at(i, "text"), "缺少%s内容", kind)
			continue
		}
		r.at(path, s.at(i, "text"))
		r.at(path+"["+strconv.Itoa(len(*to))+"]", s.at(i, "text"))
		*to = append(*to, text)
	}
}
