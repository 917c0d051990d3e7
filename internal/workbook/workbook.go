// Package workbook is the data-entry workbook (.xlsx) a department fills in
// and sends to the finance bureau: the same department-year data as a YAML
// data file, laid out as sheets people can type into, with drop-down lists,
// number formats and protected headers.
//
// WriteTemplate makes an empty workbook for a framework, with every
// indicator and checklist item of the framework pre-filled; Write makes the
// same workbook filled with an evaluation; Read and Load parse a filled
// workbook back into an evaluation.Evaluation, reporting every problem in
// one run with the cell it concerns ("收支情况!D5").
//
// The layout is meant to be read by people and parsed without guessing:
//
//   - 基本情况 and 收支情况 are label sheets: column A names what a row holds
//     (repeated for lists such as 部门职能), the value columns follow. Rows
//     are found by their label, not their position; a row with an empty
//     label continues the list above it, so rows may be inserted.
//   - The other sheets are tables: row 1 holds the column headers, which are
//     found by name; every later non-empty row is one record.
//   - 采购意向, 采购合同, 固定资产 and 信息公开 are the registers (台账),
//     one record a row. They are optional when read; the evaluation has
//     Registers only when one of them holds a record. Checklist items the
//     framework decides from the registers are marked on 指标评分, whose
//     调整原因（override） column takes the officer's reason for overruling
//     one.
//   - 项目申报 and 实施进度计划 hold what a project declares with the
//     budget (项目支出绩效目标申报表): one row a project, one row a step of
//     its schedule, linked to 项目 by code or name. They are optional when
//     read. The department's declared funds are rows of 收支情况; the
//     indicators' basis, quarterly milestones and remark are columns of
//     绩效目标 and 项目绩效指标.
//   - Headers, labels and framework text are locked (sheet protection with
//     no password); the cells to fill are unlocked.
//
// Amounts are read from the cell's stored value, not its formatted text,
// so 27537760 stays exact; text typed into amount cells ("27,537,760.00",
// "2753.78万元") is parsed as a data file's amounts are.
//
// Dates are written as date serials formatted yyyy-mm-dd; they are read
// from a serial (in either of Excel's date systems) or from text such as
// "2023-06-09" or "2023/6/9". An empty date cell is a date not yet known.
package workbook

import (
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
)

// Sheet names.
const (
	SheetGuide          = "填表说明"
	SheetBasic          = "基本情况"
	SheetFinance        = "收支情况"
	SheetTargets        = "绩效目标"
	SheetScores         = "指标评分"
	SheetProjects       = "项目"
	SheetDeclaration    = "项目申报"
	SheetPlan           = "实施进度计划"
	SheetProjectTargets = "项目绩效指标"
	SheetProjectScores  = "项目指标评分"
	SheetIssues         = "问题与措施"
	SheetIntentions     = "采购意向"
	SheetContracts      = "采购合同"
	SheetAssets         = "固定资产"
	SheetDisclosures    = "信息公开"
)

// sheetOrder is the order sheets are written in.
var sheetOrder = []string{SheetGuide, SheetBasic, SheetFinance, SheetTargets, SheetScores, SheetProjects, SheetDeclaration, SheetPlan, SheetProjectTargets, SheetProjectScores, SheetIssues,
	SheetIntentions, SheetContracts, SheetAssets, SheetDisclosures}

// registerSheets hold the registers (台账); each is optional.
var registerSheets = []string{SheetIntentions, SheetContracts, SheetAssets, SheetDisclosures}

// requiredSheets must be present in a workbook that is read.
var requiredSheets = []string{SheetBasic, SheetFinance, SheetTargets, SheetScores}

// codeIgnored marks something in a workbook that is ignored: a sheet, a
// column or a row label the format does not have. It is a warning.
const codeIgnored = diag.Ignored

// maxCellChars is Excel's limit on the text of one cell, in UTF-16 units.
const maxCellChars = 32767

// formRows is how many rows of a table sheet carry drop-down lists and
// number formats, header included.
const formRows = 1000

// inputKind says how a column's cells are formatted and whether they are
// to be filled in.
type inputKind int

const (
	inText   inputKind = iota // text to type: unlocked, stored as text
	inMoney                   // an amount in yuan: unlocked, #,##0.00
	inNumber                  // points or a count: unlocked, general
	inFixed                   // filled by the program from the framework: locked
	inNote                    // an explanation: locked
	inDate                    // a date: unlocked, yyyy-mm-dd, date validation
)

// column is one column of a sheet.
type column struct {
	key    string
	header string
	width  float64
	kind   inputKind
	list   []string // drop-down choices
	prompt string   // input message shown when a cell is selected
}

func columnIndex(cols []column, key string) int {
	for i, c := range cols {
		if c.key == key {
			return i
		}
	}
	panic("workbook: no column " + key)
}

// Choice lists: what a cell shows, and the data-file value it stands for.
var (
	categoryNames = []string{"产出指标", "效益指标", "满意度指标"}
	categoryKeys  = []string{framework.CategoryOutput, framework.CategoryEffect, framework.CategorySatisfaction}

	directionNames = []string{"≥", "≤", "=", "定性"}
	directionKeys  = []string{framework.AtLeast, framework.AtMost, framework.Equal, framework.Qualitative}

	levelNames = []string{"达成", "部分达成", "未达成"}
	levelKeys  = []string{framework.LevelMet, framework.LevelPartly, framework.LevelNotMet}

	passedNames = []string{"是", "否"}
	yesNoNames  = passedNames

	// disclosureKeys are the keys of evaluation.DisclosureKinds in the
	// order the drop-down list offers them.
	disclosureKeys    = []string{"budget", "final_accounts", "performance"}
	disclosureAliases = map[string]string{"预算": "budget", "预算公开": "budget", "部门预算公开": "budget", "决算": "final_accounts", "决算公开": "final_accounts", "部门决算公开": "final_accounts", "绩效": "performance", "绩效公开": "performance", "绩效信息公开": "performance"}

	issueNames = []string{"问题", "改进措施"}

	kindKeys    = []string{evaluation.ProjectNew, evaluation.ProjectContinuing}
	kindNames   = []string{"新增", "延续"}
	kindAliases = map[string]string{"新增项目": evaluation.ProjectNew, "新": evaluation.ProjectNew, "延续项目": evaluation.ProjectContinuing, "续": evaluation.ProjectContinuing}

	basisAliases = map[string]string{"计划": evaluation.BasisPlan, "行业": evaluation.BasisIndustry, "历史": evaluation.BasisHistory}
)

// basisNames are the names of evaluation.BasisOrder.
func basisNames() []string {
	out := make([]string, len(evaluation.BasisOrder))
	for i, k := range evaluation.BasisOrder {
		out[i] = evaluation.BasisNames[k]
	}
	return out
}

// subcategoryNames lists every level-2 class, output's first.
func subcategoryNames() []string {
	var out []string
	for _, c := range categoryKeys {
		out = append(out, evaluation.Subcategories(c)...)
	}
	return out
}

func disclosureNames() []string {
	out := make([]string, len(disclosureKeys))
	for i, k := range disclosureKeys {
		out[i] = evaluation.DisclosureKinds[k]
	}
	return out
}

// yesNo reads the text of a 是/否 cell; ok is false when it is neither.
func yesNo(s string) (v, ok bool) {
	switch strings.Join(strings.Fields(s), "") {
	case "是", "√", "✓", "Y", "y", "YES", "Yes", "yes", "TRUE", "True", "true", "1":
		return true, true
	case "否", "×", "✗", "N", "n", "NO", "No", "no", "FALSE", "False", "false", "0":
		return false, true
	}
	return false, false
}

func incomeNames() []string {
	out := make([]string, len(evaluation.IncomeKindOrder))
	for i, k := range evaluation.IncomeKindOrder {
		out[i] = evaluation.IncomeKinds[k]
	}
	return out
}

// display returns the name a cell shows for a data-file value, or the
// value itself when it is not one of keys (so that a wrong value survives
// a round trip and is reported when read back).
func display(keys, names []string, v string) string {
	for i, k := range keys {
		if k == v {
			return names[i]
		}
	}
	return v
}

// aliases are further spellings accepted for choices, beyond the names
// shown and the data-file values.
var (
	categoryAliases  = map[string]string{"产出": framework.CategoryOutput, "效益": framework.CategoryEffect, "满意度": framework.CategorySatisfaction}
	directionAliases = map[string]string{"＞＝": framework.AtLeast, "≧": framework.AtLeast, "＜＝": framework.AtMost, "≦": framework.AtMost, "＝": framework.Equal, "==": framework.Equal, "正向": framework.AtLeast, "反向": framework.AtMost}
	levelAliases     = map[string]string{"完成": framework.LevelMet, "已达成": framework.LevelMet, "部分完成": framework.LevelPartly, "未完成": framework.LevelNotMet}
)

// lookup maps a cell's text to a data-file value: a shown name, a
// data-file value or an alias. ok is false when it is none of them.
func lookup(keys, names []string, aliases map[string]string, s string) (string, bool) {
	t := strings.Join(strings.Fields(s), "")
	for i, n := range names {
		if t == n {
			return keys[i], true
		}
	}
	for _, k := range keys {
		if strings.EqualFold(t, k) {
			return k, true
		}
	}
	if v, ok := aliases[t]; ok {
		return v, true
	}
	return s, false
}

// listSep separates the items of a list typed into one cell (佐证材料).
const listSep = "；"

func joinList(items []string) string { return strings.Join(items, listSep) }

// splitList splits a cell into list items at "；", ";" or a line break,
// dropping empty items; nil for an empty cell.
func splitList(s string) []string {
	var out []string
	for _, it := range strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' || r == '\n' || r == '\r' }) {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}
