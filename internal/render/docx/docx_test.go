package docx

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// wantParts are the parts every rendered document must have.
var wantParts = []string{
	"[Content_Types].xml",
	"_rels/.rels",
	"docProps/app.xml",
	"docProps/core.xml",
	"word/_rels/document.xml.rels",
	"word/document.xml",
	"word/fontTable.xml",
	"word/footer1.xml",
	"word/footer2.xml",
	"word/settings.xml",
	"word/styles.xml",
}

func TestGolden(t *testing.T) {
	parts := render(t, reporttest.Sample())
	doc := mustParse(t, parts, "word/document.xml")
	got := strings.Join(bodyText(doc), "\n") + "\n"

	golden := filepath.Join("testdata", "sample.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("document text differs from %s (run go test -update to accept):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestPackage(t *testing.T) {
	parts := render(t, reporttest.Sample())
	var names []string
	for name := range parts {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, wantParts) {
		t.Errorf("parts = %q, want %q", names, wantParts)
	}
	for name := range parts {
		mustParse(t, parts, name)
	}

	// Every part but the content types and the package relationships has
	// a content type override.
	ct := mustParse(t, parts, "[Content_Types].xml")
	overrides := map[string]bool{}
	for _, k := range ct.kids {
		if k.name.Local == "Override" {
			pn, _ := k.get("PartName")
			overrides[pn] = true
		}
	}
	for _, name := range wantParts {
		if strings.HasSuffix(name, ".rels") || name == "[Content_Types].xml" {
			continue
		}
		if !overrides["/"+name] {
			t.Errorf("no content type override for %s", name)
		}
	}

	// Every relationship target exists.
	for relPart, dir := range map[string]string{"_rels/.rels": "", "word/_rels/document.xml.rels": "word/"} {
		rels := mustParse(t, parts, relPart)
		for _, r := range rels.kids {
			target, _ := r.get("Target")
			if _, ok := parts[dir+target]; !ok {
				t.Errorf("%s: target %s missing", relPart, target)
			}
		}
	}

	core := mustParse(t, parts, "docProps/core.xml")
	for _, k := range core.kids {
		switch k.name.Local {
		case "title":
			if k.text != reporttest.Sample().Title {
				t.Errorf("core title = %q", k.text)
			}
		case "creator":
			if k.text != "jixiao" {
				t.Errorf("core creator = %q", k.text)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Render(&a, reporttest.Sample()); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, reporttest.Sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of the same document differ")
	}
}

func TestSection(t *testing.T) {
	parts := render(t, reporttest.Sample())
	doc := mustParse(t, parts, "word/document.xml")
	sect := doc.path("body", "sectPr")
	if sect == nil {
		t.Fatal("no body sectPr")
	}
	check := func(n *node, attr string, want int) {
		t.Helper()
		if n == nil {
			t.Errorf("missing element for %s", attr)
			return
		}
		v, _ := n.get(attr)
		if v != strconv.Itoa(want) {
			t.Errorf("%s %s = %q, want %d", n.name.Local, attr, v, want)
		}
	}
	// A4, and GB/T 9704 margins, in twips (1 mm = 56.7 twips).
	check(sect.child("pgSz"), "w", 11906)
	check(sect.child("pgSz"), "h", 16838)
	check(sect.child("pgMar"), "top", 2098)
	check(sect.child("pgMar"), "bottom", 1984)
	check(sect.child("pgMar"), "left", 1587)
	check(sect.child("pgMar"), "right", 1474)

	// Odd and even footers, both with a PAGE field.
	rels := mustParse(t, parts, "word/_rels/document.xml.rels")
	target := map[string]string{}
	for _, r := range rels.kids {
		id, _ := r.get("Id")
		target[id], _ = r.get("Target")
	}
	footers := map[string]string{}
	for _, fr := range sect.all("footerReference") {
		typ, _ := fr.get("type")
		id, _ := fr.get("id")
		footers[typ] = "word/" + target[id]
	}
	for typ, jc := range map[string]string{"default": "right", "even": "left"} {
		name, ok := footers[typ]
		if !ok {
			t.Errorf("no %s footer", typ)
			continue
		}
		ftr := mustParse(t, parts, name)
		instr := ""
		for _, n := range ftr.all("instrText") {
			instr += n.text
		}
		if strings.TrimSpace(instr) != "PAGE" {
			t.Errorf("%s footer field = %q, want PAGE", typ, instr)
		}
		if got := ftr.path("p", "pPr", "jc").val(); got != jc {
			t.Errorf("%s footer alignment = %q, want %q", typ, got, jc)
		}
		if text := paraText(ftr.child("p")); text != "— 1 —" {
			t.Errorf("%s footer text = %q", typ, text)
		}
	}
	settings := mustParse(t, parts, "word/settings.xml")
	for _, name := range []string{"evenAndOddHeaders", "mirrorMargins"} {
		if settings.child(name) == nil {
			t.Errorf("settings.xml lacks %s", name)
		}
	}
}

func TestStyles(t *testing.T) {
	parts := render(t, reporttest.Sample())
	styles := mustParse(t, parts, "word/styles.xml")
	byID := map[string]*node{}
	for _, s := range styles.all("style") {
		id, _ := s.get("styleId")
		byID[id] = s
	}
	eastAsia := func(rPr *node) string {
		v, _ := rPr.child("rFonts").get("eastAsia")
		return v
	}

	def := styles.path("docDefaults", "rPrDefault", "rPr")
	if got := eastAsia(def); got != "仿宋_GB2312" {
		t.Errorf("default east-Asian font = %q", got)
	}
	if got, _ := def.child("rFonts").get("ascii"); got != "Times New Roman" {
		t.Errorf("default ASCII font = %q", got)
	}
	if got := def.child("sz").val(); got != "32" {
		t.Errorf("default size = %q half points, want 32 (三号)", got)
	}
	normal := byID["Normal"].child("pPr")
	if v, _ := normal.child("ind").get("firstLineChars"); v != "200" {
		t.Errorf("Normal firstLineChars = %q", v)
	}
	sp := normal.child("spacing")
	if l, _ := sp.get("line"); l != "579" {
		t.Errorf("Normal line spacing = %q", l)
	}
	if r, _ := sp.get("lineRule"); r != "exact" {
		t.Errorf("Normal line rule = %q", r)
	}
	if jc := normal.child("jc").val(); jc != "both" {
		t.Errorf("Normal jc = %q", jc)
	}

	tests := []struct {
		id       string
		eastAsia string
		size     string
		bold     bool
		outline  string
	}{
		{"Title", "方正小标宋简体", "44", false, ""},
		{"Label", "黑体", "32", false, ""},
		{"Heading1", "黑体", "32", false, "0"},
		{"Heading2", "楷体_GB2312", "32", false, "1"},
		{"Heading3", "仿宋_GB2312", "32", true, "2"},
		{"TableTitle", "黑体", "32", false, ""},
		{"Footer", "宋体", "28", false, ""},
	}
	for _, tt := range tests {
		s := byID[tt.id]
		if s == nil {
			t.Errorf("style %s missing", tt.id)
			continue
		}
		rPr := s.child("rPr")
		if got := eastAsia(rPr); got != tt.eastAsia {
			t.Errorf("%s east-Asian font = %q, want %q", tt.id, got, tt.eastAsia)
		}
		if got := rPr.child("sz").val(); got != tt.size {
			t.Errorf("%s size = %q, want %q", tt.id, got, tt.size)
		}
		b := rPr.child("b")
		if bold := b != nil && b.val() != "0"; bold != tt.bold {
			t.Errorf("%s bold = %v, want %v", tt.id, bold, tt.bold)
		}
		var outline string
		if o := s.path("pPr", "outlineLvl"); o != nil {
			outline = o.val()
		}
		if outline != tt.outline {
			t.Errorf("%s outline level = %q, want %q", tt.id, outline, tt.outline)
		}
	}

	fonts := mustParse(t, parts, "word/fontTable.xml")
	alt := map[string]string{}
	for _, f := range fonts.all("font") {
		name, _ := f.get("name")
		alt[name] = f.child("altName").val()
	}
	for font, want := range map[string]string{"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"} {
		if alt[font] != want {
			t.Errorf("font %s falls back to %q, want %q", font, alt[font], want)
		}
	}

	// The document's first paragraphs use the label and title styles.
	doc := mustParse(t, parts, "word/document.xml")
	var used []string
	for _, p := range doc.path("body").kids {
		if st := p.path("pPr", "pStyle"); st != nil {
			used = append(used, st.val())
		}
	}
	for _, id := range used {
		if byID[id] == nil {
			t.Errorf("document uses undefined style %s", id)
		}
	}
	if len(used) < 2 || used[0] != "Label" || used[1] != "Title" {
		t.Errorf("first styles = %q, want Label, Title", used)
	}
}

func TestTable(t *testing.T) {
	parts := render(t, reporttest.Sample())
	doc := mustParse(t, parts, "word/document.xml")
	tbl := doc.path("body", "tbl")
	if tbl == nil {
		t.Fatal("no table")
	}
	if w, _ := tbl.path("tblPr", "tblW").get("w"); w != strconv.Itoa(textWidth) {
		t.Errorf("table width = %s, want %d", w, textWidth)
	}
	if typ, _ := tbl.path("tblPr", "tblLayout").get("type"); typ != "fixed" {
		t.Errorf("table layout = %q", typ)
	}
	var cols []int
	sum := 0
	for _, gc := range tbl.path("tblGrid").kids {
		w, _ := gc.get("w")
		n, _ := strconv.Atoi(w)
		cols = append(cols, n)
		sum += n
	}
	// Column widths 2:3:2:2 of 8845 twips.
	if want := []int{1966, 2948, 1965, 1966}; !slices.Equal(cols, want) {
		t.Errorf("grid columns = %v, want %v", cols, want)
	}
	if sum != textWidth {
		t.Errorf("grid width = %d, want %d", sum, textWidth)
	}
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b := tbl.path("tblPr", "tblBorders", side)
		if b == nil || b.val() != "single" {
			t.Errorf("border %s missing or not single", side)
			continue
		}
		if s, _ := b.get("sz"); s != "4" {
			t.Errorf("border %s size = %s eighths of a point, want 4", side, s)
		}
	}
	rows := tbl.all("tr")
	if rows[0].path("trPr", "tblHeader") == nil {
		t.Error("header row lacks tblHeader")
	}
	for _, r := range rows[1:] {
		if r.path("trPr", "tblHeader") != nil {
			t.Error("body row marked as header")
		}
	}
	for _, tc := range tbl.all("tc") {
		if tc.path("tcPr", "vAlign").val() != "center" {
			t.Error("cell not vertically centred")
		}
	}
	// The first header cell is bold and centred; the score is right-aligned.
	first := rows[0].child("tc").child("p")
	if first.path("r", "rPr", "b") == nil || first.path("pPr", "jc").val() != "center" {
		t.Error("header cell should be bold and centred")
	}
	score := rows[1].kids[len(rows[1].kids)-1].child("p")
	if score.path("pPr", "jc").val() != "right" {
		t.Error("score cell should be right-aligned")
	}

	// The title keeps with the table.
	var title *node
	for _, p := range doc.path("body").kids {
		if p.path("pPr", "pStyle").val() == "TableTitle" {
			title = p
		}
	}
	if title == nil || title.path("pPr", "keepNext") == nil {
		t.Error("table title missing or not kept with the table")
	}
}

// gridCell is one cell of a test table: text, column span, row span.
type gridCell struct {
	text   string
	cs, rs int
}

func TestSpans(t *testing.T) {
	tests := []struct {
		name     string
		ncol     int
		rows     [][]gridCell
		gridSpan int      // number of w:gridSpan elements
		restart  int      // vMerge restart
		cont     int      // vMerge continue
		want     []string // row lines as bodyText shows them
	}{
		{
			name: "sample",
			ncol: 4,
			rows: [][]gridCell{
				{{"h1", 1, 1}, {"h2", 1, 1}, {"h3", 1, 1}, {"h4", 1, 1}},
				{{"A", 1, 2}, {"b", 1, 1}, {"c", 1, 1}, {"d", 1, 1}},
				{{"e", 1, 1}, {"f", 1, 1}, {"g", 1, 1}},
				{{"T", 2, 1}, {"x", 1, 1}, {"y", 1, 1}},
			},
			gridSpan: 1, restart: 1, cont: 1,
			want: []string{"  h1 | h2 | h3 | h4", "  A | b | c | d", "   | e | f | g", "  T | x | y"},
		},
		{
			name: "block 2x2",
			ncol: 3,
			rows: [][]gridCell{
				{{"A", 2, 2}, {"b", 1, 1}},
				{{"c", 1, 1}},
				{{"d", 1, 1}, {"e", 1, 1}, {"f", 1, 1}},
			},
			gridSpan: 2, restart: 1, cont: 1,
			want: []string{"  A | b", "   | c", "  d | e | f"},
		},
		{
			name: "last column three rows",
			ncol: 3,
			rows: [][]gridCell{
				{{"a", 1, 1}, {"b", 1, 1}, {"X", 1, 3}},
				{{"c", 1, 1}, {"d", 1, 1}},
				{{"e", 1, 1}, {"f", 1, 1}},
			},
			gridSpan: 0, restart: 1, cont: 2,
			want: []string{"  a | b | X", "  c | d |", "  e | f |"},
		},
		{
			name: "full width row",
			ncol: 3,
			rows: [][]gridCell{
				{{"T", 3, 1}},
				{{"a", 1, 1}, {"b", 1, 1}, {"c", 1, 1}},
			},
			gridSpan: 1,
			want:     []string{"  T", "  a | b | c"},
		},
		{
			name: "middle block",
			ncol: 4,
			rows: [][]gridCell{
				{{"a", 1, 1}, {"M", 2, 3}, {"b", 1, 1}},
				{{"c", 1, 1}, {"d", 1, 1}},
				{{"e", 1, 1}, {"f", 1, 1}},
			},
			gridSpan: 3, restart: 1, cont: 2,
			want: []string{"  a | M | b", "  c |  | d", "  e |  | f"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := &report.Table{Sheet: "t", Columns: make([]report.Column, tt.ncol)}
			for _, r := range tt.rows {
				var row report.Row
				for _, c := range r {
					row.Cells = append(row.Cells, report.Cell{Text: c.text, ColSpan: c.cs, RowSpan: c.rs})
				}
				tbl.Rows = append(tbl.Rows, row)
			}
			parts := render(t, &report.Document{Blocks: []report.Block{tbl}})
			doc := mustParse(t, parts, "word/document.xml")
			x := doc.path("body", "tbl")
			if x == nil {
				t.Fatal("no table")
			}
			if n := len(x.all("gridSpan")); n != tt.gridSpan {
				t.Errorf("gridSpan elements = %d, want %d", n, tt.gridSpan)
			}
			restart, cont := 0, 0
			for _, v := range x.all("vMerge") {
				if v.val() == "restart" {
					restart++
				} else {
					cont++
				}
			}
			if restart != tt.restart || cont != tt.cont {
				t.Errorf("vMerge restart/continue = %d/%d, want %d/%d", restart, cont, tt.restart, tt.cont)
			}
			// Every row covers the whole grid, and cell widths add up.
			for i, tr := range x.all("tr") {
				cols, width := 0, 0
				for _, tc := range tr.all("tc") {
					n := 1
					if gs := tc.path("tcPr", "gridSpan"); gs != nil {
						n, _ = strconv.Atoi(gs.val())
					}
					cols += n
					w, _ := tc.path("tcPr", "tcW").get("w")
					wi, _ := strconv.Atoi(w)
					width += wi
				}
				if cols != tt.ncol {
					t.Errorf("row %d spans %d columns, want %d", i+1, cols, tt.ncol)
				}
				if width != textWidth {
					t.Errorf("row %d is %d twips wide, want %d", i+1, width, textWidth)
				}
			}
			lines := bodyText(doc)
			start := slices.Index(lines, "[table]")
			end := slices.Index(lines, "[/table]")
			if start < 0 || end < 0 {
				t.Fatalf("no table in %q", lines)
			}
			if got := lines[start+1 : end]; !slices.Equal(got, tt.want) {
				t.Errorf("rows:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"markup", `a<b>&c</b>`, `a<b>&c</b>`},
		{"quotes", `"双引号" 'single' “弯引号”`, `"双引号" 'single' “弯引号”`},
		{"entities stay literal", `&amp; &lt; &#x41;`, `&amp; &lt; &#x41;`},
		{"cdata end", `]]> <![CDATA[x]]>`, `]]> <![CDATA[x]]>`},
		{"tab and newline", "a\tb\nc", "a\tb\nc"},
		{"carriage return dropped", "a\r\nb", "a\nb"},
		{"control character", "a\x01b\x1fc", "a\uFFFDb\uFFFDc"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
		{"noncharacter", "a\uFFFEb", "a\uFFFDb"},
		{"emoji and CJK", "绩效😀", "绩效😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &report.Document{
				Label:  tt.in,
				Title:  tt.in,
				Author: tt.in,
				Blocks: []report.Block{
					&report.Heading{Level: 1, Text: tt.in},
					&report.Paragraph{Runs: []report.Run{{Text: tt.in, Bold: true}}},
					&report.Table{
						Title: tt.in, Subtitle: tt.in, Sheet: "s",
						Columns: []report.Column{{Width: 1}},
						Rows:    []report.Row{{Cells: []report.Cell{{Text: tt.in}}}},
						Notes:   []string{tt.in},
					},
				},
			}
			parts := render(t, d)
			for name := range parts {
				mustParse(t, parts, name)
			}
			doc := mustParse(t, parts, "word/document.xml")
			var texts []string
			for _, p := range doc.all("p") {
				if s := paraText(p); s != "" {
					texts = append(texts, s)
				}
			}
			// label, title, heading, paragraph, table title, subtitle,
			// cell, note, author
			if len(texts) != 9 {
				t.Fatalf("got %d non-empty paragraphs, want 9: %q", len(texts), texts)
			}
			for i, s := range texts {
				if s != tt.want {
					t.Errorf("paragraph %d = %q, want %q", i+1, s, tt.want)
				}
			}
			core := mustParse(t, parts, "docProps/core.xml")
			for _, k := range core.kids {
				// The core title keeps tabs, line feeds and carriage
				// returns as character references; ignore the last.
				if k.name.Local == "title" && strings.ReplaceAll(k.text, "\r", "") != tt.want {
					t.Errorf("core title = %q, want %q", k.text, tt.want)
				}
			}
		})
	}
}

func TestEscapeFunc(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain 文本", "plain 文本"},
		{`<&>"'`, "&lt;&amp;&gt;&quot;&apos;"},
		{"\t\n\r", "&#x9;&#xA;&#xD;"},
		{"\x00\x7f", "\uFFFD\x7f"},
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"}, // encoded surrogate
	}
	for _, tt := range tests {
		var b bytes.Buffer
		escape(&b, tt.in)
		if b.String() != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, b.String(), tt.want)
		}
	}
}

func TestPageBreak(t *testing.T) {
	tests := []struct {
		name   string
		blocks []report.Block
		want   []string
	}{
		{
			name: "before paragraph",
			blocks: []report.Block{
				&report.Paragraph{Runs: []report.Run{{Text: "甲"}}},
				&report.PageBreak{},
				&report.Paragraph{Runs: []report.Run{{Text: "乙"}}},
			},
			want: []string{" 甲", "[page break]", " 乙"},
		},
		{
			name: "before untitled table",
			blocks: []report.Block{
				&report.PageBreak{},
				&report.Table{Sheet: "t", Columns: []report.Column{{}}, Rows: []report.Row{{Cells: []report.Cell{{Text: "格"}}}}},
			},
			want: []string{"[page break]", "[Spacer]", "[table]", "  格", "[/table]", "[Spacer]"},
		},
		{
			name: "trailing break dropped",
			blocks: []report.Block{
				&report.Paragraph{Runs: []report.Run{{Text: "甲"}}},
				&report.PageBreak{},
			},
			want: []string{" 甲"},
		},
		{
			name: "adjacent tables kept apart",
			blocks: []report.Block{
				&report.Table{Sheet: "a", Columns: []report.Column{{}}, Rows: []report.Row{{Cells: []report.Cell{{Text: "一"}}}}},
				&report.Table{Sheet: "b", Columns: []report.Column{{}}, Rows: []report.Row{{Cells: []report.Cell{{Text: "二"}}}}},
			},
			want: []string{"[table]", "  一", "[/table]", "[Spacer]", "[table]", "  二", "[/table]", "[Spacer]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := render(t, &report.Document{Blocks: tt.blocks})
			got := bodyText(mustParse(t, parts, "word/document.xml"))
			// bodyText puts no style tag on Normal paragraphs; the
			// leading space above marks them.
			for i, g := range got {
				if !strings.HasPrefix(g, "[") && !strings.HasPrefix(g, " ") {
					got[i] = " " + g
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("body = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSignature(t *testing.T) {
	tests := []struct {
		name, author, date string
		want               []string // w:right of each signature line, in twips
	}{
		// 10 characters and 6½: the date starts 2 characters right of
		// the author, so its right indent is 2 + 10 - 2 - 6.5 = 3.5.
		{"long author", "示例区人民政府办公室", "2024年3月15日", []string{"640", "1120"}},
		// A date longer than the author moves the author left.
		{"short author", "某局", "2024年3月15日", []string{"2720", "640"}},
		{"author only", "某局", "", []string{"640"}},
		{"date only", "", "2024年3月15日", []string{"640"}},
		{"neither", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := render(t, &report.Document{Author: tt.author, Date: tt.date})
			doc := mustParse(t, parts, "word/document.xml")
			var got []string
			for _, p := range doc.all("p") {
				if p.path("pPr", "pStyle").val() == "Signature" {
					v, _ := p.path("pPr", "ind").get("right")
					got = append(got, v)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("right indents = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestColWidths(t *testing.T) {
	tests := []struct {
		widths []int
		want   []int
	}{
		{[]int{1, 1}, []int{4423, 4422}},
		{[]int{2, 3, 2, 2}, []int{1966, 2948, 1965, 1966}},
		{[]int{0, 0, 0}, []int{2948, 2949, 2948}},
		{[]int{1}, []int{8845}},
	}
	for _, tt := range tests {
		cols := make([]report.Column, len(tt.widths))
		for i, w := range tt.widths {
			cols[i].Width = w
		}
		got := colWidths(cols, textWidth)
		if !slices.Equal(got, tt.want) {
			t.Errorf("colWidths(%v) = %v, want %v", tt.widths, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		d    *report.Document
	}{
		{"nil document", nil},
		{"nil block", &report.Document{Blocks: []report.Block{nil}}},
		{"row overflows", &report.Document{Blocks: []report.Block{&report.Table{
			Sheet: "t", Columns: []report.Column{{}}, Rows: []report.Row{{Cells: []report.Cell{{Text: "a"}, {Text: "b"}}}},
		}}}},
		{"no columns", &report.Document{Blocks: []report.Block{&report.Table{Sheet: "t"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, tt.d); err == nil {
				t.Error("Render succeeded, want an error")
			}
		})
	}
}

func TestFitWidthsWidensNarrowColumns(t *testing.T) {
	ws := []int{700, 700, 3000, 700}
	// "16.67" is 5 × 6 = 30 tenths of an em: 30 × 240 / 10 + padding.
	need := 30*tableFontTwips/10 + cellPadding
	got := report.FitWidths(ws, []int{need, 0, 10*tableFontTwips/10 + cellPadding, 0})
	if got[0] < need {
		t.Errorf("column 0 is %d twips, needs %d for 16.67", got[0], need)
	}
	sum := 0
	for _, w := range got {
		sum += w
	}
	if sum != 5100 {
		t.Errorf("widths %v add up to %d, want 5100", got, sum)
	}
	if got[2] >= 3000 || got[1] > 700 {
		t.Errorf("the room was not taken from the widest column: %v", got)
	}
}
