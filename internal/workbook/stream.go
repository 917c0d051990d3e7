package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The spreadsheet library streams a sheet's values (Rows) but answers a
// cell's type and style (GetCellType, GetCellStyle, GetCellValue) only
// from the whole worksheet parsed into memory, with every row and column
// up to the cell asked for: gigabytes for one cell at XFD1048576. So the
// reader takes values from the library's stream and reads the cells'
// types and styles with a second stream over the same worksheet part,
// attrStream, which keeps nothing but the cells asked for.

func bytesReader(data []byte) *bytes.Reader { return bytes.NewReader(data) }

// parts finds the worksheet part of each sheet name, as the library does:
// the package relationships name the workbook part, whose relationships
// name the worksheets. It returns nil when the package is not readable.
func parts(data []byte) (*zip.Reader, map[string]string) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil
	}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		byName[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	// attrsOf calls fn with the attributes of every element named local
	// in a small part.
	attrsOf := func(name, local string, fn func(map[string]string)) {
		f := byName[strings.ToLower(name)]
		if f == nil || f.UncompressedSize64 > 16<<20 {
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
	return zr, out
}

// openAttrs starts the attribute stream of a sheet, or returns nil when
// its part cannot be found (cells then read as of unknown type, as
// numbers are).
func openAttrs(zr *zip.Reader, partOf map[string]string, sheet string) *attrStream {
	p, ok := partOf[sheet]
	if !ok || zr == nil {
		return nil
	}
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, `\`, "/"), p) {
			rc, err := f.Open()
			if err != nil {
				return nil
			}
			dec := xml.NewDecoder(rc)
			dec.Strict = false
			return &attrStream{rc: rc, dec: dec}
		}
	}
	return nil
}

// attrStream reads a worksheet part for the type ("t") and style ("s")
// of its cells, row after row, in step with the library's Rows.
type attrStream struct {
	rc   io.ReadCloser
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

func (a *attrStream) close() {
	if a != nil {
		a.rc.Close()
	}
}

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
