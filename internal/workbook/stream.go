package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The spreadsheet library streams a sheet's values (Rows) but answers a
// cell's type and style (GetCellType, GetCellStyle, GetCellValue) only
// from the whole worksheet parsed into memory, with every row and column
// up to the cell asked for: gigabytes for one cell at XFD1048576. Its
// stream also pads each row with empty cells up to its last one (16384
// for a cell in XFD). So the reader first streams each worksheet part
// itself and cuts it to the limits (boundSheet: the rows up to the row
// limit, the first columns); the library then streams the cut sheet for
// the values, and attrStream streams it for the cells' types and styles.

func bytesReader(data []byte) *bytes.Reader { return bytes.NewReader(data) }

// parts finds the worksheet part of each sheet name, as the library does:
// the package relationships name the workbook part, whose relationships
// name the worksheets. It returns nil when the package is not readable,
// and says why when a part is over the limits (Limits.checkParts, done
// first).
func parts(data []byte, lim Limits) (*zip.Reader, map[string]string, string) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, ""
	}
	if msg := lim.checkParts(zr); msg != "" {
		return nil, nil, msg
	}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		byName[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	// attrsOf calls fn with the attributes of every element named local
	// in a small part.
	attrsOf := func(name, local string, fn func(map[string]string)) {
		f := byName[strings.ToLower(name)]
		if f == nil || f.UncompressedSize64 > uint64(lim.UnzipXMLSize) {
			return
		}
		rc, err := f.Open()
		if err != nil {
			return
		}
		defer rc.Close()
		dec := xml.NewDecoder(rc)
		dec.Strict = false
		for {
			tok, err := dec.Token()
			if err != nil {
				return
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == local {
				m := map[string]string{}
				for _, a := range se.Attr {
					m[a.Name.Local] = a.Value
				}
				fn(m)
			}
		}
	}
	wb := ""
	attrsOf("_rels/.rels", "Relationship", func(a map[string]string) {
		if wb == "" && strings.HasSuffix(a["Type"], "/officeDocument") {
			wb = strings.TrimPrefix(a["Target"], "/")
		}
	})
	if wb == "" {
		wb = "xl/workbook.xml"
	}
	dir := path.Dir(wb)
	rels := map[string]string{}
	attrsOf(strings.TrimPrefix(dir+"/_rels/"+path.Base(wb)+".rels", "./"), "Relationship", func(a map[string]string) {
		rels[a["Id"]] = a["Target"]
	})
	out := map[string]string{}
	attrsOf(wb, "sheet", func(a map[string]string) {
		t, ok := rels[a["id"]]
		if !ok {
			return
		}
		p := path.Clean(dir + "/" + strings.ReplaceAll(t, `\`, "/"))
		if strings.HasPrefix(t, "/") {
			p = path.Clean(t)
		}
		out[a["name"]] = strings.TrimPrefix(p, "/")
	})
	return zr, out, ""
}

// bounded is a worksheet cut to the limits: the rows up to the row limit,
// the cells in the first columns, as XML the library reads in place of
// the part in the package; and what was left out.
type bounded struct {
	xml []byte
	// over is set when a row below the limit holds anything.
	over bool
	// beyond is the first cell right of the column limit, below the
	// header row, that holds anything ("XFD2"), or "".
	beyond string
}

// boundSheet streams a worksheet part of the package and writes what
// the reader looks at, within limits: the column styles, and for each
// row up to rowLimit its number and style and the cells of its first
// colLimit columns, each with its reference, type and style and its
// value elements. Rows and cells are numbered explicitly, so that the
// library's stream and attrStream agree on them. Reading stops at the
// first row below rowLimit that holds anything.
func boundSheet(zr *zip.Reader, part string, rowLimit, colLimit int) (*bounded, error) {
	var zf *zip.File
	for _, f := range zr.File {
		if strings.ReplaceAll(f.Name, `\`, "/") == part {
			zf = f
			break
		}
	}
	if zf == nil {
		return nil, fmt.Errorf("找不到工作表的数据（%s）", part)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	b := &bounded{}
	var out bytes.Buffer
	out.WriteString("<worksheet>")
	row := 0         // number of the current or last row
	inRow := false   // inside a row element below the limit
	skipRow := false // inside a row element that is not copied
	col := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("XML 有误：%w", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch name := el.Name.Local; {
			case name == "worksheet" && !inRow && !skipRow:
			case name == "cols" && !inRow && !skipRow:
				out.WriteString("<cols>")
			case name == "col" && !inRow && !skipRow:
				out.WriteString("<col")
				writeAttrs(&out, el, "min", "max", "style")
				out.WriteString("/>")
				if dec.Skip() != nil {
					return nil, errTruncated
				}
				continue
			case name == "sheetData":
				out.WriteString("<sheetData>")
			case name == "row":
				row++
				if v, err := strconv.Atoi(attr(el, "r")); err == nil && v > 0 {
					row = v
				}
				col = 0
				if row > rowLimit {
					skipRow = true
					continue
				}
				inRow = true
				fmt.Fprintf(&out, `<row r="%d"`, row)
				writeAttrs(&out, el, "s")
				out.WriteString(">")
			case name == "c" && (inRow || skipRow):
				col++
				if c, _, err := excelize.CellNameToCoordinates(attr(el, "r")); err == nil {
					col = c
				}
				if skipRow || col > colLimit {
					full, err := hasContent(dec)
					if err != nil {
						return nil, err
					}
					if full && skipRow {
						out.WriteString("</sheetData></worksheet>")
						b.xml, b.over = out.Bytes(), true
						return b, nil
					}
					if full && row > 1 && b.beyond == "" {
						b.beyond = ref(col-1, row)
					}
					continue
				}
				out.WriteString(`<c r="` + ref(col-1, row) + `"`)
				writeAttrs(&out, el, "s", "t")
				out.WriteString(">")
				if err := copyTree(&out, dec); err != nil {
					return nil, err
				}
				out.WriteString("</c>")
			default:
				// Anything else (row elements other than cells, the
				// worksheet's other parts) is not read.
				if dec.Skip() != nil {
					return nil, errTruncated
				}
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "cols":
				if !inRow && !skipRow {
					out.WriteString("</cols>")
				}
			case "row":
				if inRow {
					out.WriteString("</row>")
				}
				inRow, skipRow = false, false
			case "sheetData":
				out.WriteString("</sheetData></worksheet>")
				b.xml = out.Bytes()
				return b, nil
			}
		}
	}
	out.WriteString("</worksheet>")
	b.xml = out.Bytes()
	return b, nil
}

// errTruncated is a worksheet's XML ending inside an element.
var errTruncated = errors.New("XML 不完整")

// attr is the value of an element's attribute by local name.
func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// writeAttrs writes the named attributes an element has.
func writeAttrs(out *bytes.Buffer, el xml.StartElement, names ...string) {
	for _, n := range names {
		for _, a := range el.Attr {
			if a.Name.Local == n {
				out.WriteString(" " + n + `="`)
				xml.EscapeText(out, []byte(a.Value))
				out.WriteString(`"`)
				break
			}
		}
	}
}

// copyTree writes the content of the element just started, up to its end
// element (not written): elements by local name, without attributes, and
// their text.
func copyTree(out *bytes.Buffer, dec *xml.Decoder) error {
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil {
			return errTruncated
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			out.WriteString("<" + el.Name.Local + ">")
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
			out.WriteString("</" + el.Name.Local + ">")
		case xml.CharData:
			xml.EscapeText(out, el)
		}
	}
}

// hasContent passes over the content of the cell element just started
// and reports whether it holds anything: text or a formula.
func hasContent(dec *xml.Decoder) (bool, error) {
	full := false
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil {
			return false, errTruncated
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			full = full || el.Name.Local == "f"
		case xml.EndElement:
			if depth == 0 {
				return full, nil
			}
			depth--
		case xml.CharData:
			full = full || len(bytes.TrimSpace(el)) > 0
		}
	}
}

// openAttrs starts the attribute stream over a bounded worksheet.
func openAttrs(b *bounded) *attrStream {
	if b == nil {
		return nil
	}
	return &attrStream{dec: xml.NewDecoder(bytes.NewReader(b.xml))}
}

// attrStream reads a worksheet part for the type ("t") and style ("s")
// of its cells, row after row, in step with the library's Rows.
type attrStream struct {
	dec  *xml.Decoder
	done bool
	// cur is the number of the last row read or skipped; next the row
	// element read ahead (its number and style), when has is set.
	cur, next, nextStyle int
	has                  bool
	// cols are the column styles (<cols>), which come before the rows.
	cols []colStyle
}

type colStyle struct{ min, max, style int }

// maxColRanges bounds the column style ranges kept: a real sheet has a
// few dozen.
const maxColRanges = 4096

// row calls fn for each cell of row n (1-based), with its 0-based column,
// its type and its style: the cell's own, else the row's, else the
// column's, as GetCellStyle answers. Rows must be asked for in increasing
// order; rows passed over are skipped unread.
func (a *attrStream) row(n int, fn func(col int, t string, style int)) {
	if a == nil {
		return
	}
	for !a.done {
		if !a.has && !a.advance() {
			return
		}
		switch {
		case a.next > n:
			return
		case a.next < n:
			a.has = false
			a.cur = a.next
			a.skipRow()
			continue
		}
		a.has = false
		a.cur = n
		a.cells(fn)
		return
	}
}

// advance reads up to the next row element.
func (a *attrStream) advance() bool {
	for {
		tok, err := a.dec.Token()
		if err != nil {
			a.done = true
			return false
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "col":
				var c colStyle
				for _, at := range el.Attr {
					v, _ := strconv.Atoi(at.Value)
					switch at.Name.Local {
					case "min":
						c.min = v
					case "max":
						c.max = v
					case "style":
						c.style = v
					}
				}
				if c.style != 0 && len(a.cols) < maxColRanges {
					a.cols = append(a.cols, c)
				}
			case "row":
				a.next, a.nextStyle = a.cur+1, 0
				for _, at := range el.Attr {
					switch at.Name.Local {
					case "r":
						if v, err := strconv.Atoi(at.Value); err == nil && v > 0 {
							a.next = v
						}
					case "s":
						a.nextStyle, _ = strconv.Atoi(at.Value)
					}
				}
				a.has = true
				return true
			}
		case xml.EndElement:
			if el.Name.Local == "sheetData" {
				a.done = true
				return false
			}
		}
	}
}

// skipRow passes over the rest of the current row element.
func (a *attrStream) skipRow() {
	if err := a.dec.Skip(); err != nil {
		a.done = true
	}
}

// cells reads the cells of the current row element.
func (a *attrStream) cells(fn func(col int, t string, style int)) {
	col := 0
	for {
		tok, err := a.dec.Token()
		if err != nil {
			a.done = true
			return
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local != "c" {
				if a.dec.Skip() != nil {
					a.done = true
					return
				}
				continue
			}
			col++
			t, style := "", 0
			for _, at := range el.Attr {
				switch at.Name.Local {
				case "r":
					if c, _, err := excelize.CellNameToCoordinates(at.Value); err == nil {
						col = c
					}
				case "t":
					t = at.Value
				case "s":
					style, _ = strconv.Atoi(at.Value)
				}
			}
			if a.dec.Skip() != nil {
				a.done = true
				return
			}
			if style == 0 {
				style = a.nextStyle
			}
			if style == 0 {
				for _, c := range a.cols {
					if c.min <= col && col <= c.max {
						style = c.style
						break
					}
				}
			}
			fn(col-1, t, style)
		case xml.EndElement:
			return // </row>
		}
	}
}

// isNumberType reports whether a cell type attribute is a number's, or
// no type the library knows, which it reads as a number too.
func isNumberType(t string) bool {
	switch t {
	case "b", "d", "e", "s", "str", "inlineStr":
		return false
	}
	return true
}
