package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

const sampleSheet = "部门整体支出绩效自评表"

// render renders d and reopens the workbook.
func render(t testing.TB, d *report.Document) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("OpenReader: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

func TestSampleSheets(t *testing.T) {
	f, _ := render(t, reporttest.Sample())
	if got, want := f.GetSheetList(), []string{sampleSheet}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Title != reporttest.Sample().Title || props.Creator != "jixiao" {
		t.Errorf("doc props title %q creator %q", props.Title, props.Creator)
	}
}

func TestSampleMerges(t *testing.T) {
	f, _ := render(t, reporttest.Sample())
	mcs, err := f.GetMergeCells(sampleSheet)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, mc := range mcs {
		got = append(got, mc.GetStartAxis()+":"+mc.GetEndAxis())
	}
	slices.Sort(got)
	want := []string{
		"A1:D1", // title
		"A2:D2", // subtitle
		"A4:A5", // 管理效率, RowSpan 2
		"A6:B6", // 总分, ColSpan 2
		"A7:D7", // note
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("merges = %q, want %q", got, want)
	}
}

func TestSampleCells(t *testing.T) {
	d := reporttest.Sample()
	f, _ := render(t, d)
	tests := []struct {
		cell  string
		text  string  // for text cells
		num   float64 // for numeric cells
		isNum bool
	}{
		{cell: "A1", text: "部门整体支出绩效自评表"},
		{cell: "A2", text: "（2023年度）"},
		{cell: "A3", text: "一级指标"},
		{cell: "D3", text: "得分"},
		{cell: "A4", text: "管理效率"},
		{cell: "B4", text: "采购管理"},
		{cell: "B5", text: "资产管理"},
		{cell: "A6", text: "总分"},
		{cell: "A7", text: "注：得分保留两位小数。"},
		{cell: "C4", num: 10, isNum: true},
		{cell: "D4", num: 9, isNum: true},
		{cell: "C5", num: 10, isNum: true},
		{cell: "D5", num: 9.5, isNum: true},
		{cell: "C6", num: 20, isNum: true},
		{cell: "D6", num: 18.5, isNum: true},
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			typ, err := f.GetCellType(sampleSheet, tt.cell)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := f.GetCellValue(sampleSheet, tt.cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if tt.isNum {
				// excelize leaves t unset for numbers; a string would be
				// shared or inline.
				if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("type = %v, want a number", typ)
				}
				v, err := strconv.ParseFloat(raw, 64)
				if err != nil || v != tt.num {
					t.Errorf("raw value = %q, want %v", raw, tt.num)
				}
				return
			}
			if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("type = %v, want a string", typ)
			}
			if raw != tt.text {
				t.Errorf("value = %q, want %q", raw, tt.text)
			}
		})
	}
}

func TestSampleStyles(t *testing.T) {
	f, _ := render(t, reporttest.Sample())
	style := func(cell string) *excelize.Style {
		t.Helper()
		id, err := f.GetCellStyle(sampleSheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	title := style("A1")
	if title.Font == nil || !title.Font.Bold || title.Font.Size != 16 || title.Alignment.Horizontal != "center" {
		t.Errorf("title style: font %+v alignment %+v", title.Font, title.Alignment)
	}
	for _, c := range []string{"A3", "B3", "C3", "D3"} {
		s := style(c)
		if s.Font == nil || !s.Font.Bold {
			t.Errorf("header %s not bold", c)
		}
		if len(s.Fill.Color) == 0 || !strings.EqualFold(s.Fill.Color[0], headerFill) {
			t.Errorf("header %s fill = %+v", c, s.Fill)
		}
	}
	// Every grid position, covered ones included, has four thin borders
	// and the grid font.
	for _, c := range []string{"A3", "A4", "A5", "B4", "C4", "D5", "A6", "B6", "D6"} {
		s := style(c)
		if len(s.Border) != 4 {
			t.Errorf("%s borders = %+v, want 4", c, s.Border)
		}
		if s.Font == nil || s.Font.Family != "宋体" || s.Font.Size != 11 {
			t.Errorf("%s font = %+v", c, s.Font)
		}
		if s.Alignment == nil || !s.Alignment.WrapText || s.Alignment.Vertical != "center" {
			t.Errorf("%s alignment = %+v", c, s.Alignment)
		}
	}
	if s := style("B4"); s.Font.Bold || s.Alignment.Horizontal != "left" {
		t.Errorf("B4: bold %v align %q, want plain left", s.Font.Bold, s.Alignment.Horizontal)
	}
	if s := style("C4"); s.Alignment.Horizontal != "right" || s.NumFmt != 1 {
		t.Errorf("C4: align %q numfmt %d, want right, 1 (\"0\")", s.Alignment.Horizontal, s.NumFmt)
	}
	if s := style("D4"); s.CustomNumFmt == nil || *s.CustomNumFmt != "0.##" {
		t.Errorf("D4: custom number format %v, want 0.##", s.CustomNumFmt)
	}
	if s := style("C6"); s.NumFmt != 0 || s.CustomNumFmt != nil {
		t.Errorf("C6: number format %d/%v, want General", s.NumFmt, s.CustomNumFmt)
	}
	if s := style("A6"); !s.Font.Bold || s.Alignment.Horizontal != "center" {
		t.Errorf("A6: bold %v align %q, want bold centre", s.Font.Bold, s.Alignment.Horizontal)
	}
	if s := style("A7"); len(s.Border) != 0 || !s.Alignment.WrapText {
		t.Errorf("note: borders %v wrap %v", s.Border, s.Alignment.WrapText)
	}
}

func TestSamplePrintSetup(t *testing.T) {
	f, _ := render(t, reporttest.Sample())
	var titles []excelize.DefinedName
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles = append(titles, dn)
		}
	}
	if len(titles) != 1 || titles[0].RefersTo != "'"+sampleSheet+"'!$3:$3" || titles[0].Scope != sampleSheet {
		t.Errorf("print titles = %+v, want one for row 3 of %s", titles, sampleSheet)
	}
	pl, err := f.GetPageLayout(sampleSheet)
	if err != nil {
		t.Fatal(err)
	}
	if *pl.Orientation != "portrait" || *pl.Size != 9 || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("page layout: orientation %q size %d fit %v×%v", *pl.Orientation, *pl.Size, pl.FitToWidth, pl.FitToHeight)
	}
	props, err := f.GetSheetProps(sampleSheet)
	if err != nil {
		t.Fatal(err)
	}
	if props.FitToPage == nil || !*props.FitToPage {
		t.Error("fit to page not enabled")
	}
	m, err := f.GetPageMargins(sampleSheet)
	if err != nil {
		t.Fatal(err)
	}
	if m.Horizontally == nil || !*m.Horizontally {
		t.Error("not centred horizontally")
	}
	p, err := f.GetPanes(sampleSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Freeze || p.YSplit != 3 || p.XSplit != 0 || p.TopLeftCell != "A4" {
		t.Errorf("panes = %+v, want frozen below row 3", p)
	}
}

func TestSampleSizes(t *testing.T) {
	f, _ := render(t, reporttest.Sample())
	// Widths 2:3:2:2 scaled to 100.
	want := []float64{22.22, 33.33, 22.22, 22.22}
	sum := 0.0
	for i, w := range want {
		col, _ := excelize.ColumnNumberToName(i + 1)
		got, err := f.GetColWidth(sampleSheet, col)
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("column %s width = %v, want %v", col, got, w)
		}
		sum += got
	}
	if sum < 99 || sum > 101 {
		t.Errorf("total width %v, want about 100", sum)
	}
	h1, _ := f.GetRowHeight(sampleSheet, 1)
	h4, _ := f.GetRowHeight(sampleSheet, 4)
	if h1 <= h4 || h4 < minRowHeight {
		t.Errorf("title row height %v, grid row %v", h1, h4)
	}
}

func TestOrientationAndHeaders(t *testing.T) {
	tests := []struct {
		ncol      int
		headers   int // leading header rows
		orient    string
		titles    string // RefersTo of print titles, "" for none
		freezeRow int
	}{
		{ncol: 1, headers: 0, orient: "portrait"},
		{ncol: 6, headers: 1, orient: "portrait", titles: "'T'!$3:$3", freezeRow: 3},
		{ncol: 7, headers: 2, orient: "landscape", titles: "'T'!$3:$4", freezeRow: 4},
		{ncol: 8, headers: 2, orient: "landscape", titles: "'T'!$3:$4", freezeRow: 4},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dcols", tt.ncol), func(t *testing.T) {
			tb := &report.Table{Title: "表", Sheet: "T", Subtitle: "单位：万元", Columns: make([]report.Column, tt.ncol)}
			for r := range 4 {
				row := report.Row{Header: r < tt.headers}
				for c := range tt.ncol {
					row.Cells = append(row.Cells, report.Cell{Text: fmt.Sprint(r, c)})
				}
				tb.Rows = append(tb.Rows, row)
			}
			f, _ := render(t, &report.Document{Blocks: []report.Block{tb}})
			pl, err := f.GetPageLayout("T")
			if err != nil {
				t.Fatal(err)
			}
			if *pl.Orientation != tt.orient {
				t.Errorf("orientation = %q, want %q", *pl.Orientation, tt.orient)
			}
			var titles string
			for _, dn := range f.GetDefinedName() {
				if dn.Name == "_xlnm.Print_Titles" {
					titles = dn.RefersTo
				}
			}
			if titles != tt.titles {
				t.Errorf("print titles = %q, want %q", titles, tt.titles)
			}
			p, _ := f.GetPanes("T")
			if p.Freeze != (tt.freezeRow > 0) || p.YSplit != tt.freezeRow {
				t.Errorf("panes = %+v, want frozen at %d", p, tt.freezeRow)
			}
		})
	}
}

func TestManyTables(t *testing.T) {
	d := benchDocument()
	f, _ := render(t, d)
	var want []string
	for _, tb := range d.Tables() {
		want = append(want, tb.Sheet)
	}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
	// Every sheet carries its own print titles.
	n := 0
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			n++
			if !strings.HasPrefix(dn.RefersTo, "'"+dn.Scope+"'!") {
				t.Errorf("print titles %q scoped to %q", dn.RefersTo, dn.Scope)
			}
		}
	}
	if n != len(want) {
		t.Errorf("%d print titles, want %d", n, len(want))
	}
}

func TestDeterministic(t *testing.T) {
	_, a := render(t, benchDocument())
	_, b := render(t, benchDocument())
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same document differ")
	}
}

func TestErrors(t *testing.T) {
	table := func(title, sheet string) *report.Table {
		return &report.Table{
			Title: title, Sheet: sheet,
			Columns: []report.Column{{Width: 1}, {Width: 1}},
			Rows:    []report.Row{{Cells: []report.Cell{{Text: "a"}, {Text: "b"}}}},
		}
	}
	badSpan := table("坏表", "坏表")
	badSpan.Rows[0].Cells[0].RowSpan = 3
	tests := []struct {
		name   string
		tables []*report.Table
		want   []string // substrings of the error
	}{
		{"no tables", nil, []string{"no tables"}},
		{"empty name", []*report.Table{table("甲表", "")}, []string{"甲表", "empty sheet name"}},
		{"too long", []*report.Table{table("乙表", strings.Repeat("长", 32))}, []string{"乙表", "longer than 31"}},
		{"invalid char", []*report.Table{table("丙表", "a/b")}, []string{"丙表", "a/b", "characters"}},
		{"bracket", []*report.Table{table("丙表", "项目[1]")}, []string{"丙表", "项目[1]"}},
		{"apostrophe", []*report.Table{table("丁表", "'x")}, []string{"丁表", "apostrophe"}},
		{"duplicate", []*report.Table{table("甲", "表"), table("乙", "表")}, []string{`"乙"`, "already used", `"甲"`}},
		{"duplicate case", []*report.Table{table("甲", "Sheet"), table("乙", "SHEET")}, []string{`"乙"`, "already used"}},
		{"bad span", []*report.Table{table("好表", "好表"), badSpan}, []string{`"坏表"`, "row span"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := reporttest.Sample()
			d.Blocks = d.Blocks[:len(d.Blocks)-1] // drop the sample table
			for _, tb := range tt.tables {
				d.Blocks = append(d.Blocks, tb)
			}
			var buf bytes.Buffer
			err := Render(&buf, d)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
	if err := Render(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil document: no error")
	}
}

func TestSheetNameLimit(t *testing.T) {
	// 31 characters is allowed.
	tb := &report.Table{Title: "x", Sheet: strings.Repeat("表", 31), Columns: []report.Column{{}}, Rows: []report.Row{{Cells: []report.Cell{{Text: "a"}}}}}
	f, _ := render(t, &report.Document{Blocks: []report.Block{tb}})
	if got := f.GetSheetList(); len(got) != 1 || got[0] != tb.Sheet {
		t.Errorf("sheets = %q", got)
	}
}

func TestTextLines(t *testing.T) {
	tests := []struct {
		text  string
		width float64
		bold  bool
		want  int
	}{
		{"", 10, false, 1},
		{"abc", 10, false, 1},
		{"一二三四", 9.5, false, 1},        // 8 units in 8.5
		{"一二三四五", 9.5, false, 2},       // 10 units in 8.5
		{"一二三四五六七八九十", 11.5, false, 2}, // 20 in 10.5
		{"一二三四五六七八九十", 11.5, true, 3},  // bold is wider
		{"a\nb\nc", 10, false, 3},
		{"“引”…", 9.5, false, 1},  // 8 units
		{"“引号”…", 9.5, false, 2}, // 10 units
	}
	for _, tt := range tests {
		if got := textLines(tt.text, tt.width, tt.bold); got != tt.want {
			t.Errorf("textLines(%q, %v, %v) = %d, want %d", tt.text, tt.width, tt.bold, got, tt.want)
		}
	}
}

func TestRowHeightsGrowWithText(t *testing.T) {
	long := strings.Repeat("绩效目标完成情况良好，", 20)
	tb := &report.Table{
		Title: "表", Sheet: "T",
		Columns: []report.Column{{Width: 1}, {Width: 4}},
		Rows: []report.Row{
			{Cells: []report.Cell{{Text: "短"}, {Text: "短"}}},
			{Cells: []report.Cell{{Text: "短"}, {Text: long}}},
			{Cells: []report.Cell{{Text: long, RowSpan: 2}, {Text: "短"}}},
			{Cells: []report.Cell{{Text: "短"}}},
		},
	}
	f, _ := render(t, &report.Document{Blocks: []report.Block{tb}})
	h := make([]float64, 5)
	for r := 2; r <= 5; r++ {
		h[r-1], _ = f.GetRowHeight("T", r)
	}
	if want := rowHeight(1, lineHeight, rowPadding, minRowHeight); h[1] != want {
		t.Errorf("short row height %v, want %v", h[1], want)
	}
	// 220 units in an 80-unit column: 3 lines.
	if h[2] < 3*lineHeight {
		t.Errorf("long row height %v, want at least 3 lines", h[2])
	}
	// 220 units in a 20-unit column: 12 lines shared by two rows.
	if h[3]+h[4] < 12*lineHeight || h[3] != h[4] {
		t.Errorf("spanned rows %v+%v, want at least 12 lines shared evenly", h[3], h[4])
	}
}

// TestPDF converts the sample to PDF with LibreOffice and checks that the
// text is there. Set JIXIAO_KEEP_PDF to a directory to keep the files.
func TestPDF(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) not on PATH: skipping PDF conversion check")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) not on PATH: skipping PDF conversion check")
	}
	dir := t.TempDir()
	if keep := os.Getenv("JIXIAO_KEEP_PDF"); keep != "" {
		dir = keep
	}
	_, data := render(t, reporttest.Sample())
	in := filepath.Join(dir, "sample.xlsx")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	profile := "file://" + filepath.ToSlash(t.TempDir())
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation="+profile,
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "sample.pdf")
	out, err := exec.CommandContext(ctx, pdftotext, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, want := range []string{"部门整体支出绩效自评表", "采购管理", "管理效率", "18.5", "注：得分保留两位小数。"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
}

func num(v float64) *float64 { return &v }

// benchDocument is a realistic workbook: one department table of 40 rows
// and nine project tables of 25 rows, all 8 columns wide with merges.
func benchDocument() *report.Document {
	d := &report.Document{Title: "示例区某局2023年度部门整体支出绩效自评报告"}
	d.Blocks = append(d.Blocks, benchTable("部门整体支出绩效自评表", "部门整体支出绩效自评表", 40))
	for i := range 9 {
		name := fmt.Sprintf("项目%d", i+1)
		d.Blocks = append(d.Blocks, benchTable("项目支出绩效自评表", name, 25))
	}
	return d
}

func benchTable(title, sheet string, nrows int) *report.Table {
	t := &report.Table{
		Title:    title,
		Sheet:    sheet,
		Subtitle: "（2023年度）　　单位：万元",
		Columns:  []report.Column{{Width: 2}, {Width: 2}, {Width: 4}, {Width: 3}, {Width: 2}, {Width: 2}, {Width: 1}, {Width: 1}},
		Notes:    []string{"注：1.得分一档最高不能超过该指标分值上限。", "2.偏差原因分析应结合年初绩效目标逐项说明。"},
	}
	head := []string{"一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分", "偏差原因"}
	var row report.Row
	row.Header = true
	for _, h := range head {
		row.Cells = append(row.Cells, report.Cell{Text: h, Align: report.AlignCenter, Bold: true})
	}
	t.Rows = append(t.Rows, row)
	// Body rows in groups of up to 6 sharing the first two columns.
	for r := 1; r < nrows-1; {
		g := min(6, nrows-1-r)
		for i := range g {
			var cells []report.Cell
			if i == 0 {
				cells = append(cells,
					report.Cell{Text: "产出指标", RowSpan: g, Align: report.AlignCenter},
					report.Cell{Text: "数量指标", RowSpan: g, Align: report.AlignCenter})
			}
			score := float64(r+i) / 4
			cells = append(cells,
				report.Cell{Text: "完成年度重点工作任务并按期报送材料的比例"},
				report.Cell{Text: "≥95%", Align: report.AlignCenter},
				report.Cell{Text: "98%", Align: report.AlignCenter},
				report.Cell{Text: "5", Number: num(5), Format: "0", Align: report.AlignRight},
				report.Cell{Text: strconv.FormatFloat(score, 'f', 2, 64), Number: num(score), Format: "0.00", Align: report.AlignRight},
				report.Cell{Text: "无"})
			t.Rows = append(t.Rows, report.Row{Cells: cells})
		}
		r += g
	}
	t.Rows = append(t.Rows, report.Row{Cells: []report.Cell{
		{Text: "总分", ColSpan: 5, Align: report.AlignCenter, Bold: true},
		{Text: "100", Number: num(100), Format: "0", Align: report.AlignRight},
		{Text: "95.5", Number: num(95.5), Format: "0.00", Align: report.AlignRight},
		{Text: ""},
	}})
	return t
}

func BenchmarkRender(b *testing.B) {
	d := benchDocument()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
