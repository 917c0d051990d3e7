package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/report"
)

// Helpers shared by the tests: unzip a rendered document, parse its parts
// into a small tree, and pull the text back out.

const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// node is a parsed XML element.
type node struct {
	name xml.Name
	attr []xml.Attr
	kids []*node
	text string // character data directly inside the element
}

func parseXML(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name, attr: tok.Attr}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
	if len(root.kids) != 1 {
		return nil, io.ErrUnexpectedEOF
	}
	return root.kids[0], nil
}

// is reports whether n is the WordprocessingML element named local.
func (n *node) is(local string) bool { return n.name.Space == nsW && n.name.Local == local }

// get returns the value of the attribute named local, and whether it is
// present. A nil node has no attributes.
func (n *node) get(local string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// val returns the w:val attribute.
func (n *node) val() string { v, _ := n.get("val"); return v }

// child returns the first child named local, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.is(local) {
			return k
		}
	}
	return nil
}

// path follows child names.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.child(l)
	}
	return n
}

// all returns every descendant (including n) named local, in document order.
func (n *node) all(local string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		if m.is(local) {
			out = append(out, m)
		}
		for _, k := range m.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

// render renders d and returns the package's parts by name.
func render(t testing.TB, d *report.Document) map[string][]byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("output is not a zip file: %v", err)
	}
	parts := make(map[string][]byte)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		if _, dup := parts[f.Name]; dup {
			t.Fatalf("duplicate part %s", f.Name)
		}
		parts[f.Name] = data
	}
	return parts
}

// mustParse parses a part or fails the test.
func mustParse(t testing.TB, parts map[string][]byte, name string) *node {
	t.Helper()
	data, ok := parts[name]
	if !ok {
		t.Fatalf("part %s missing", name)
	}
	n, err := parseXML(data)
	if err != nil {
		t.Fatalf("part %s does not parse: %v", name, err)
	}
	return n
}

// paraText is the text of a paragraph: its w:t, with tabs and line breaks.
func paraText(p *node) string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		switch {
		case m.is("t"):
			b.WriteString(m.text)
		case m.is("tab"):
			b.WriteString("\t")
		case m.is("br"):
			if typ, _ := m.get("type"); typ == "page" {
				b.WriteString("[page break]")
			} else {
				b.WriteString("\n")
			}
		}
		for _, k := range m.kids {
			if k.is("pPr") {
				continue
			}
			walk(k)
		}
	}
	walk(p)
	return b.String()
}

// bodyText lists the body paragraph by paragraph: "[Style] text", with
// "[page break]" before a paragraph that starts a new page, and a table
// as one line per row, cells separated by " | ".
func bodyText(doc *node) []string {
	var lines []string
	for _, blk := range doc.path("body").kids {
		switch {
		case blk.is("p"):
			pPr := blk.child("pPr")
			if pPr.child("pageBreakBefore") != nil {
				lines = append(lines, "[page break]")
			}
			line := paraText(blk)
			if st := pPr.child("pStyle"); st != nil {
				line = "[" + st.val() + "] " + line
			}
			lines = append(lines, strings.TrimRight(line, " "))
		case blk.is("tbl"):
			lines = append(lines, "[table]")
			for _, tr := range blk.all("tr") {
				var cells []string
				for _, tc := range tr.kids {
					if !tc.is("tc") {
						continue
					}
					var ps []string
					for _, p := range tc.all("p") {
						ps = append(ps, paraText(p))
					}
					cells = append(cells, strings.Join(ps, " / "))
				}
				prefix := "  "
				if tr.path("trPr", "tblHeader") != nil {
					prefix = "  [header] "
				}
				lines = append(lines, strings.TrimRight(prefix+strings.Join(cells, " | "), " "))
			}
			lines = append(lines, "[/table]")
		}
	}
	return lines
}
