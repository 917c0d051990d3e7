// Package xlsx renders the tables of a report document as a spreadsheet
// workbook (.xlsx), one worksheet per table, laid out the way finance
// bureaus publish 部门整体支出绩效自评表 and 项目支出绩效自评表: a merged
// title, an optional subtitle, the bordered grid with merged cells, and the
// notes, set up to print on A4 one page wide with the header rows repeated.
//
// Body blocks other than tables (headings, paragraphs) are not part of the
// workbook; the Word and HTML renderers carry them.
package xlsx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/report"
)

const (
	// fontName is the grid font: SimSun ships with every Chinese Office.
	fontName = "宋体"
	fontSize = 11
	// titleSize is the font size of the table title.
	titleSize = 16
	// totalWidth is the sum of the column widths, in Excel character
	// units (the width of "0" in the default font).
	totalWidth = 100
	// maxSheetName is Excel's limit on sheet names, in UTF-16 units.
	maxSheetName = 31
	// headerFill is the light grey behind header rows.
	headerFill = "D9D9D9"

	// Row heights, in points.
	lineHeight   = 14.5 // one line of 11 pt SimSun
	rowPadding   = 6    // space above and below the text of a grid row
	minRowHeight = 20   // no grid row lower than this
	maxRowHeight = 409  // Excel's limit
	titleLine    = 22   // one line of the 16 pt title
	// paperA4 is the OOXML paper size code of A4.
	paperA4 = 9
	// maxPortraitCols is the widest table printed in portrait.
	maxPortraitCols = 6
)

// Render writes the document's tables to w as an .xlsx workbook, one
// worksheet per table named after Table.Sheet. It fails if the document has
// no tables, if a sheet name is empty, too long, contains a character Excel
// forbids or repeats another, or if a table's cells do not fit its grid.
// Nothing is written to w on error.
func Render(w io.Writer, d *report.Document) error {
	if d == nil {
		return errors.New("xlsx: nil document")
	}
	tables := d.Tables()
	if len(tables) == 0 {
		return errors.New("xlsx: document has no tables to put in a workbook")
	}
	if err := checkSheetNames(tables); err != nil {
		return err
	}
	grids := make([][][]report.Slot, len(tables))
	for i, t := range tables {
		g, err := t.Grid()
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		grids[i] = g
	}

	f := excelize.NewFile()
	defer f.Close()
	r := &renderer{f: f, styles: map[styleKey]int{}}
	if err := r.render(d, tables, grids); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: writing workbook: %w", err)
	}
	return nil
}

// checkSheetNames applies Excel's rules for sheet names to every table.
// Excel compares sheet names without regard to case.
func checkSheetNames(tables []*report.Table) error {
	seen := make(map[string]int, len(tables))
	for i, t := range tables {
		name := t.Sheet
		which := fmt.Sprintf("table %d (%q)", i+1, t.Title)
		switch {
		case name == "":
			return fmt.Errorf("xlsx: %s: empty sheet name", which)
		case utf16Len(name) > maxSheetName:
			return fmt.Errorf("xlsx: %s: sheet name %q is longer than %d characters", which, name, maxSheetName)
		case strings.ContainsAny(name, `[]:*?/\`):
			return fmt.Errorf("xlsx: %s: sheet name %q contains one of the characters []:*?/\\", which, name)
		case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
			return fmt.Errorf("xlsx: %s: sheet name %q begins or ends with an apostrophe", which, name)
		}
		key := strings.ToLower(name)
		if j, ok := seen[key]; ok {
			return fmt.Errorf("xlsx: %s: sheet name %q is already used by table %d (%q)", which, name, j+1, tables[j].Title)
		}
		seen[key] = i
	}
	return nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// styleKey identifies one cell style; each distinct key is created once.
type styleKey struct {
	kind   styleKind
	align  report.Align
	bold   bool
	header bool
	numFmt string // number format of a numeric cell, "" for text
}

type styleKind int

const (
	kindGrid styleKind = iota
	kindTitle
	kindSubtitle
	kindNote
)

type renderer struct {
	f      *excelize.File
	styles map[styleKey]int
}

func (r *renderer) render(d *report.Document, tables []*report.Table, grids [][][]report.Slot) error {
	f := r.f
	if err := f.SetDefaultFont(fontName); err != nil {
		return err
	}
	// The new workbook's only sheet becomes the first table's sheet, so
	// no empty "Sheet1" is left over.
	if err := f.SetSheetName(f.GetSheetName(0), tables[0].Sheet); err != nil {
		return fmt.Errorf("table %q: %w", tables[0].Sheet, err)
	}
	for _, t := range tables[1:] {
		if _, err := f.NewSheet(t.Sheet); err != nil {
			return fmt.Errorf("table %q: %w", t.Sheet, err)
		}
	}
	for i, t := range tables {
		if err := r.sheet(t, grids[i]); err != nil {
			return fmt.Errorf("table %q: %w", t.Sheet, err)
		}
	}
	f.SetActiveSheet(0)
	return f.SetDocProps(&excelize.DocProperties{
		Title:   d.Title,
		Creator: "jixiao",
	})
}

// sheet lays out one table on its worksheet.
func (r *renderer) sheet(t *report.Table, grid [][]report.Slot) error {
	f, sh := r.f, t.Sheet
	ncol := len(t.Columns)
	widths := columnWidths(t.Columns)
	for c, w := range widths {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}

	row := 1 // next sheet row
	// wide writes a line merged across all columns: title, subtitle, note.
	wide := func(text string, key styleKey, height float64) error {
		first, last := cellName(1, row), cellName(ncol, row)
		if err := f.SetCellStr(sh, first, text); err != nil {
			return err
		}
		if ncol > 1 {
			if err := f.MergeCell(sh, first, last); err != nil {
				return err
			}
		}
		style, err := r.style(key)
		if err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, first, last, style); err != nil {
			return err
		}
		if err := f.SetRowHeight(sh, row, height); err != nil {
			return err
		}
		row++
		return nil
	}

	if t.Title != "" {
		// The title is set larger than the grid, so fewer of its
		// characters fit in the width.
		scale := float64(titleSize) / fontSize
		lines := textLines(t.Title, totalWidth/scale, true)
		if err := wide(t.Title, styleKey{kind: kindTitle}, rowHeight(lines, titleLine, 16, 32)); err != nil {
			return err
		}
	}
	if t.Subtitle != "" {
		lines := textLines(t.Subtitle, totalWidth, false)
		if err := wide(t.Subtitle, styleKey{kind: kindSubtitle}, rowHeight(lines, lineHeight, rowPadding, minRowHeight)); err != nil {
			return err
		}
	}

	top := row // sheet row of the grid's first row
	firstHeader, lastHeader := 0, 0
	for i, tr := range t.Rows {
		if tr.Header {
			if firstHeader == 0 {
				firstHeader = top + i
			}
			lastHeader = top + i
		}
	}
	for i, slots := range grid {
		header := t.Rows[i].Header
		for _, s := range slots {
			if s.Covered {
				continue
			}
			if err := r.cell(sh, top, s.Cell, header); err != nil {
				return err
			}
		}
	}
	for i, h := range gridHeights(t, grid, widths) {
		if err := f.SetRowHeight(sh, top+i, h); err != nil {
			return err
		}
	}
	row += len(grid)

	for _, n := range t.Notes {
		lines := textLines(n, totalWidth, false)
		if err := wide(n, styleKey{kind: kindNote}, rowHeight(lines, lineHeight, rowPadding, minRowHeight)); err != nil {
			return err
		}
	}

	if lastHeader > 0 {
		if err := f.SetDefinedName(&excelize.DefinedName{
			Name:     "_xlnm.Print_Titles",
			RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(sh), firstHeader, lastHeader),
			Scope:    sh,
		}); err != nil {
			return err
		}
		below := cellName(1, lastHeader+1)
		if err := f.SetPanes(sh, &excelize.Panes{
			Freeze:      true,
			YSplit:      lastHeader,
			TopLeftCell: below,
			ActivePane:  "bottomLeft",
			Selection:   []excelize.Selection{{SQRef: below, ActiveCell: below, Pane: "bottomLeft"}},
		}); err != nil {
			return err
		}
	}
	return r.pageSetup(sh, ncol)
}

// cell writes one grid cell and styles every position its span covers.
func (r *renderer) cell(sh string, top int, p *report.Placed, header bool) error {
	f := r.f
	cs, rs := p.Span()
	first := cellName(p.Col+1, top+p.Row)
	last := cellName(p.Col+cs, top+p.Row+rs-1)
	key := styleKey{kind: kindGrid, align: p.Align, bold: p.Bold || header, header: header}
	if v := p.Number; v != nil && !math.IsNaN(*v) && !math.IsInf(*v, 0) {
		key.numFmt = p.Format
		if key.numFmt == "" {
			key.numFmt = "General"
		}
		if err := f.SetCellFloat(sh, first, *v, -1, 64); err != nil {
			return err
		}
	} else if p.Text != "" {
		if err := f.SetCellStr(sh, first, p.Text); err != nil {
			return err
		}
	}
	if first != last {
		if err := f.MergeCell(sh, first, last); err != nil {
			return err
		}
	}
	style, err := r.style(key)
	if err != nil {
		return err
	}
	return f.SetCellStyle(sh, first, last, style)
}

func (r *renderer) pageSetup(sh string, ncol int) error {
	f := r.f
	orient := "portrait"
	if ncol > maxPortraitCols {
		orient = "landscape"
	}
	size, wide, tall := paperA4, 1, 0 // one page wide, as many pages tall as needed
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{
		Size:        &size,
		Orientation: &orient,
		FitToWidth:  &wide,
		FitToHeight: &tall,
	}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	lr, tb, hf, centre := 0.5, 0.75, 0.3, true // inches
	if err := f.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{
		Left: &lr, Right: &lr, Top: &tb, Bottom: &tb, Header: &hf, Footer: &hf,
		Horizontally: &centre,
	}); err != nil {
		return err
	}
	return f.SetHeaderFooter(sh, &excelize.HeaderFooterOptions{
		OddFooter: "&C第 &P 页，共 &N 页",
	})
}

// style returns the style for key, creating it on first use.
func (r *renderer) style(key styleKey) (int, error) {
	if id, ok := r.styles[key]; ok {
		return id, nil
	}
	s := &excelize.Style{
		Font:      &excelize.Font{Family: fontName, Size: fontSize, Bold: key.bold},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	}
	switch key.kind {
	case kindTitle:
		s.Font.Size, s.Font.Bold = titleSize, true
		s.Alignment.Horizontal = "center"
	case kindSubtitle:
		s.Alignment.Horizontal = "center"
	case kindNote:
		s.Alignment.Horizontal = "left"
	case kindGrid:
		s.Alignment.Horizontal = horizontal(key.align)
		s.Border = []excelize.Border{
			{Type: "left", Color: "000000", Style: 1},
			{Type: "top", Color: "000000", Style: 1},
			{Type: "right", Color: "000000", Style: 1},
			{Type: "bottom", Color: "000000", Style: 1},
		}
		if key.header {
			s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{headerFill}}
		}
		if key.numFmt != "" {
			if id, ok := builtinNumFmt[key.numFmt]; ok {
				s.NumFmt = id
			} else {
				s.CustomNumFmt = &key.numFmt
			}
		}
	}
	id, err := r.f.NewStyle(s)
	if err != nil {
		return 0, fmt.Errorf("style: %w", err)
	}
	r.styles[key] = id
	return id, nil
}

// builtinNumFmt maps the common number formats to Excel's built-in ids,
// so they need no custom format entry.
var builtinNumFmt = map[string]int{
	"General":  0,
	"0":        1,
	"0.00":     2,
	"#,##0":    3,
	"#,##0.00": 4,
	"0%":       9,
	"0.00%":    10,
	"@":        49,
}

func horizontal(a report.Align) string {
	switch a {
	case report.AlignCenter:
		return "center"
	case report.AlignRight:
		return "right"
	}
	return "left"
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// quoteSheet quotes a sheet name for use in a reference.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// columnWidths scales the relative column widths so that they add up to
// about totalWidth character units. A width of zero or less counts as 1.
func columnWidths(cols []report.Column) []float64 {
	sum := 0
	for _, c := range cols {
		sum += max(c.Width, 1)
	}
	ws := make([]float64, len(cols))
	for i, c := range cols {
		w := float64(max(c.Width, 1)) * totalWidth / float64(sum)
		ws[i] = math.Round(w*100) / 100
	}
	return ws
}

// gridHeights estimates the height of each grid row from the text its cells
// must wrap into their column widths. A cell spanning rows shares its height
// among them: rows it spans grow evenly only if they are too low together.
func gridHeights(t *report.Table, grid [][]report.Slot, widths []float64) []float64 {
	hs := make([]float64, len(grid))
	for i := range hs {
		hs[i] = minRowHeight
	}
	type tall struct {
		row, rows int
		need      float64
	}
	var spanning []tall
	for i, slots := range grid {
		for c, s := range slots {
			if s.Covered {
				continue
			}
			p := s.Cell
			cs, rs := p.Span()
			w := 0.0
			for _, cw := range widths[c : c+cs] {
				w += cw
			}
			bold := p.Bold || t.Rows[i].Header
			need := rowHeight(textLines(p.Text, w, bold), lineHeight, rowPadding, minRowHeight)
			if rs == 1 {
				hs[i] = max(hs[i], need)
			} else {
				spanning = append(spanning, tall{i, rs, need})
			}
		}
	}
	for _, s := range spanning {
		have := 0.0
		for _, h := range hs[s.row : s.row+s.rows] {
			have += h
		}
		if have < s.need {
			extra := (s.need - have) / float64(s.rows)
			for j := s.row; j < s.row+s.rows; j++ {
				hs[j] += extra
			}
		}
	}
	for i, h := range hs {
		hs[i] = math.Min(math.Ceil(h*4)/4, maxRowHeight)
	}
	return hs
}

// rowHeight is the height in points of a row holding lines of text.
func rowHeight(lines int, line, padding, least float64) float64 {
	return math.Min(math.Max(float64(lines)*line+padding, least), maxRowHeight)
}

// textLines estimates the number of lines text wraps into in a column of
// the given width in character units. Wide (CJK) characters count two
// units, others one; bold text is taken as a tenth wider. Each line break
// in the text starts a new line.
func textLines(text string, width float64, bold bool) int {
	// Leave room for the cell's inner margins.
	avail := math.Max(width-1, 1)
	if bold {
		avail /= 1.1
	}
	lines := 0
	for para := range strings.SplitSeq(text, "\n") {
		w := displayWidth(para)
		lines += max(1, int(math.Ceil(float64(w)/avail)))
	}
	return lines
}

// displayWidth is the width of s in character units: two for wide
// characters, one for the rest.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if isWide(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// isWide reports whether r is drawn two units wide in a Chinese font:
// CJK ideographs and punctuation, kana, hangul, full-width forms, and the
// quotes, dashes and ellipsis that SimSun draws full width.
func isWide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x115F, // Hangul Jamo
		r >= 0x2014 && r <= 0x201F, // dashes and curly quotes
		r == 0x2026,                // ellipsis
		r >= 0x2E80 && r <= 0xA4CF, // CJK radicals … Yi, incl. punctuation and ideographs
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // full-width forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions
		return true
	}
	return false
}
