// Package datafile reads the files people write by hand, YAML or JSON
// (JSON is read as YAML, which it is), into the domain types, and reports
// every problem at once with the file, line and field path.
//
// Decoding walks the parsed YAML node tree with reflection rather than
// using the YAML library's own decoder, so that one run collects every
// unknown field and every bad value, each with its line, instead of
// stopping at the first.
package datafile

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/jixiao/jixiao/internal/diag"
)

// decoder fills Go values from YAML nodes, recording findings and the line
// of every path it visits so that later findings can point at the source.
type decoder struct {
	findings diag.List
	lines    map[string]int
}

// parse reads YAML or JSON text into a node tree. A syntax error is the one
// finding returned.
func parse(data []byte) (*yaml.Node, diag.List) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		line := 0
		// yaml errors read "yaml: line N: message".
		if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
			if n, tail, ok := strings.Cut(rest, ":"); ok {
				line, _ = strconv.Atoi(n)
				msg = strings.TrimSpace(tail)
			}
		}
		// The parser reports the line where the construct it was reading
		// began, which may be a line before the mistake itself.
		where := ""
		if line > 0 {
			where = fmt.Sprintf("（第 %d 行附近）", line)
		}
		return nil, diag.List{{Code: diag.Syntax, Severity: diag.Error, Line: line, Message: "语法错误" + where + "：" + yamlMessage(msg)}}
	}
	if len(doc.Content) == 0 {
		return nil, diag.List{{Code: diag.Syntax, Severity: diag.Error, Message: "文件为空"}}
	}
	return doc.Content[0], nil
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (d *decoder) add(code, path string, n *yaml.Node, format string, a ...any) {
	f := diag.Finding{Code: code, Severity: diag.Error, Path: path, Message: fmt.Sprintf(format, a...)}
	if n != nil {
		f.Line = n.Line
	}
	d.findings = append(d.findings, f)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "映射（键值对）"
	case yaml.SequenceNode:
		return "列表"
	case yaml.AliasNode:
		return "别名"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// decode fills v (a settable value) from n at path.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	// Anchors and aliases are refused: data files are written out in full,
	// and an alias can make a small file expand without bound.
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		d.add(diag.BadValue, path, n, "数据文件不支持 YAML 锚点（&）和别名（*），请直接写出内容")
		return
	}
	// A key's line, recorded by the caller, is where its value starts
	// for findings; only values without a key (list items, the root)
	// are located by their own line.
	if _, ok := d.lines[path]; !ok {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // leave the zero value; required fields are checked later
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			d.add(diag.BadValue, path, n, "应为单个值，实际为%s", kindName(n))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.add(diag.BadValue, path, n, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.add(diag.BadValue, path, n, "应为列表，实际为%s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if c.Kind == yaml.ScalarNode && c.Tag == "!!null" {
				d.lines[p] = c.Line
				d.add(diag.Missing, p, c, "列表第 %d 项为空", i+1)
				continue
			}
			d.decode(c, s.Index(i), p)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.add(diag.BadValue, path, n, "应为映射（键值对），实际为%s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, c := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				d.add(diag.Duplicate, p, k, "键 %s 重复", k.Value)
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			d.lines[p] = k.Line
			d.decode(c, e, p)
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.add(diag.BadValue, path, n, "应为文字，实际为%s", kindName(n))
			return
		}
		s := n.Value
		if n.Style&yaml.FoldedStyle != 0 {
			s = unfoldCJK(s)
		}
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.add(diag.BadValue, path, n, "应为 true 或 false，实际为%s", kindName(n))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if n.Kind != yaml.ScalarNode || err != nil || v.OverflowInt(i) {
			d.add(diag.BadValue, path, n, "应为整数，实际为%s", kindName(n))
			return
		}
		v.SetInt(i)
	default:
		panic("datafile: unsupported field type " + v.Type().String())
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.add(diag.BadValue, path, n, "应为映射（键值对），实际为%s", kindName(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, c := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		idx, ok := fields.index[k.Value]
		if !ok {
			d.add(diag.UnknownField, p, k, "未知字段 %q，可用字段：%s", k.Value, strings.Join(fields.names, "、"))
			continue
		}
		if seen[k.Value] {
			d.add(diag.Duplicate, p, k, "字段 %s 重复", k.Value)
			continue
		}
		seen[k.Value] = true
		d.lines[p] = k.Line
		d.decode(c, v.FieldByIndex(idx), p)
	}
}

type structFields struct {
	index map[string][]int
	names []string
}

// fieldsOf lists a struct's fields by their yaml tag names, descending into
// inline fields.
func fieldsOf(t reflect.Type) structFields {
	sf := structFields{index: map[string][]int{}}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			idx := append(append([]int{}, prefix...), i)
			if strings.Contains(opts, "inline") {
				walk(f.Type, idx)
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			sf.index[name] = idx
			sf.names = append(sf.names, name)
		}
	}
	walk(t, nil)
	return sf
}

// locate sets File and, where the path or one of its parents was seen, Line
// on every finding.
func (d *decoder) locate(file string, l diag.List) diag.List {
	for i := range l {
		l[i].File = file
		if l[i].Line != 0 {
			continue
		}
		for p := l[i].Path; p != ""; p = parent(p) {
			if line, ok := d.lines[p]; ok {
				l[i].Line = line
				break
			}
		}
	}
	return l
}

// parent drops the last segment of a path: "a.b[2].c" → "a.b[2]" → "a.b" → "a".
func parent(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

// unfoldCJK removes the spaces YAML folding puts where a line broke
// between two Chinese characters: Chinese text has no spaces between
// words, so "建设和\n执行" folded must read "建设和执行".
func unfoldCJK(s string) string {
	rs := []rune(s)
	out := rs[:0:0]
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && wide(rs[i-1]) && wide(rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// wide reports whether r is a CJK character or full-width punctuation.
func wide(r rune) bool {
	return r >= 0x2E80 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFFEF || r >= 0x3000 && r <= 0x303F
}
