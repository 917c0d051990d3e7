package workbook

import (
	"fmt"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// The register sheets (台账) are tables, one record a row. They are
// optional when read; an evaluation has registers only when one of them
// holds a record.

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

func (w *writer) registers(ev *evaluation.Evaluation) {
	var rg evaluation.Registers
	if ev.Registers != nil {
		rg = *ev.Registers
	}
	w.intentions(rg.Intentions)
	w.contracts(rg.Contracts)
	w.assets(rg.Assets)
	w.disclosures(rg.Disclosures)
}

// registerSheet starts a register sheet and returns the column index of
// a key.
func (w *writer) registerSheet(name string, cols []column) func(string) int {
	w.sheet(name, cols, true, 1)
	return func(key string) int { return columnIndex(cols, key) }
}

func yesNoText(v bool) string {
	if v {
		return yesNoNames[0]
	}
	return yesNoNames[1]
}

func (w *writer) intentions(rs []evaluation.Intention) {
	s := SheetIntentions
	c := w.registerSheet(s, intentionCols)
	for i, in := range rs {
		row := i + 2
		w.str(s, c("project"), row, in.Project, -1)
		w.fen(s, c("budget"), row, in.Budget, w.amount)
		w.date(s, c("planned"), row, in.PlannedStart)
		w.date(s, c("published"), row, in.Published)
	}
	w.protect(s)
}

func (w *writer) contracts(rs []evaluation.Contract) {
	s := SheetContracts
	c := w.registerSheet(s, contractCols)
	for i, k := range rs {
		row := i + 2
		w.str(s, c("number"), row, k.Number, -1)
		w.str(s, c("project"), row, k.Project, -1)
		w.str(s, c("supplier"), row, k.Supplier, -1)
		w.fen(s, c("amount"), row, k.Amount, w.amount)
		w.str(s, c("sme"), row, yesNoText(k.SME), -1)
		w.date(s, c("awarded"), row, k.Awarded)
		w.date(s, c("signed"), row, k.Signed)
		w.date(s, c("published"), row, k.Published)
		w.date(s, c("filed"), row, k.Filed)
	}
	w.protect(s)
}

func (w *writer) assets(rs []evaluation.Asset) {
	s := SheetAssets
	c := w.registerSheet(s, assetCols)
	for i, a := range rs {
		row := i + 2
		w.str(s, c("number"), row, a.Number, -1)
		w.str(s, c("name"), row, a.Name, -1)
		w.str(s, c("category"), row, a.Category, -1)
		w.fen(s, c("value"), row, a.Value, w.amount)
		w.str(s, c("idle"), row, yesNoText(a.Idle), -1)
		w.date(s, c("inventory"), row, a.LastInventory)
		w.str(s, c("label_missing"), row, yesNoText(a.LabelMissing), -1)
		w.str(s, c("location"), row, a.Location, -1)
		w.str(s, c("transfer"), row, yesNoText(a.TransferPending), -1)
	}
	w.protect(s)
}

func (w *writer) disclosures(rs []evaluation.Disclosure) {
	s := SheetDisclosures
	c := w.registerSheet(s, disclosureCols)
	for i, d := range rs {
		row := i + 2
		w.str(s, c("kind"), row, display(disclosureKeys, disclosureNames(), d.Kind), -1)
		w.str(s, c("title"), row, d.Title, -1)
		w.date(s, c("approved"), row, d.Approved)
		w.date(s, c("published"), row, d.Published)
	}
	w.protect(s)
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

// registers reads the register sheets present. Registers stay nil when
// none of them holds a record.
func (r *reader) registers() {
	var rg evaluation.Registers
	r.registerRows(SheetIntentions, intentionCols, "registers.intentions", func(s *sheetData, i int, p string) {
		rg.Intentions = append(rg.Intentions, evaluation.Intention{
			Project:      s.textAt(i, "project", p+".project"),
			Budget:       r.amount(s, i, "budget", p+".budget", "预算金额"),
			PlannedStart: s.date(i, "planned", p+".planned_start", "预计采购时间"),
			Published:    s.date(i, "published", p+".published", "意向公开日期"),
		})
	}, func() int { return len(rg.Intentions) })
	r.registerRows(SheetContracts, contractCols, "registers.contracts", func(s *sheetData, i int, p string) {
		rg.Contracts = append(rg.Contracts, evaluation.Contract{
			Number:    s.textAt(i, "number", p+".number"),
			Project:   s.textAt(i, "project", p+".project"),
			Supplier:  s.textAt(i, "supplier", p+".supplier"),
			Amount:    r.amount(s, i, "amount", p+".amount", "合同金额"),
			SME:       s.yesNo(i, "sme", p+".sme", "是否中小企业"),
			Awarded:   s.date(i, "awarded", p+".awarded", "中标（成交）通知书发出日期"),
			Signed:    s.date(i, "signed", p+".signed", "合同签订日期"),
			Published: s.date(i, "published", p+".published", "合同公告日期"),
			Filed:     s.date(i, "filed", p+".filed", "合同备案日期"),
		})
	}, func() int { return len(rg.Contracts) })
	r.registerRows(SheetAssets, assetCols, "registers.assets", func(s *sheetData, i int, p string) {
		rg.Assets = append(rg.Assets, evaluation.Asset{
			Number:          s.textAt(i, "number", p+".number"),
			Name:            s.textAt(i, "name", p+".name"),
			Category:        s.textAt(i, "category", p+".category"),
			Value:           r.amount(s, i, "value", p+".value", "资产价值"),
			Idle:            s.yesNo(i, "idle", p+".idle", "是否闲置"),
			LastInventory:   s.date(i, "inventory", p+".last_inventory", "最近盘点日期"),
			LabelMissing:    s.yesNo(i, "label_missing", p+".label_missing", "标签缺失"),
			Location:        s.textAt(i, "location", p+".location"),
			TransferPending: s.yesNo(i, "transfer", p+".transfer_pending", "待调拨"),
		})
	}, func() int { return len(rg.Assets) })
	r.registerRows(SheetDisclosures, disclosureCols, "registers.disclosures", func(s *sheetData, i int, p string) {
		d := evaluation.Disclosure{
			Title:     s.textAt(i, "title", p+".title"),
			Approved:  s.date(i, "approved", p+".approved", "批复日期"),
			Published: s.date(i, "published", p+".published", "公开日期"),
		}
		if s.empty(i, "kind") {
			r.at(p+".kind", s.at(i, "kind"))
			r.add(diag.Missing, s.at(i, "kind"), "缺少公开类别，请选择%s", joinComma(disclosureNames()))
		} else {
			d.Kind = s.choice(i, "kind", p+".kind", "公开类别", disclosureKeys, disclosureNames(), disclosureAliases)
		}
		rg.Disclosures = append(rg.Disclosures, d)
	}, func() int { return len(rg.Disclosures) })
	if len(rg.Intentions)+len(rg.Contracts)+len(rg.Assets)+len(rg.Disclosures) > 0 {
		r.ev.Registers = &rg
	}
}

// registerRows reads every non-empty row of a register sheet, if present,
// with read, which appends the record at path "<path>[k]"; n is the
// number of records read so far.
func (r *reader) registerRows(name string, cols []column, path string, read func(s *sheetData, i int, p string), n func() int) {
	if !r.present[name] {
		return
	}
	s := r.openSheet(name, cols)
	if s == nil {
		return
	}
	r.at(path, name+"!A2")
	keys := make([]string, len(cols))
	for k, c := range cols {
		keys[k] = c.key
	}
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, keys...) {
			continue
		}
		p := fmt.Sprintf("%s[%d]", path, n())
		r.at(p, s.at(i, cols[0].key))
		read(s, i, p)
	}
}

// amount reads a register's amount: an empty cell is 0.
func (r *reader) amount(s *sheetData, i int, key, path, what string) money.Fen {
	v, _ := s.money(i, key, path, what)
	return v
}

// date writes a date as its serial with the date format, or as text for a
// date before 1900, which has no serial; the zero Date leaves the cell
// empty.
func (w *writer) date(sheet string, col, row int, d civil.Date) {
	if w.err != nil {
		return
	}
	cell := ref(col, row)
	if n, ok := dateSerial(d); ok {
		w.fail(w.f.SetCellInt(sheet, cell, int64(n)))
	} else if !d.IsZero() {
		w.fail(w.f.SetCellStr(sheet, cell, d.String()))
	}
	w.fail(w.f.SetCellStyle(sheet, cell, cell, w.dateStyle))
}
