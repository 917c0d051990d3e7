package evaluation

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Change is one field that differs between two versions of an evaluation,
// at the path a data file would use ("finance.income[0].amount",
// "scores.B5.checklist[1].reason"). Old or New is empty when the field was
// added or removed.
type Change struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Diff lists every field that differs between old and new, in path order.
// Either may be nil (a creation or a deletion).
func Diff(old, new *Evaluation) []Change {
	a, b := map[string]string{}, map[string]string{}
	if old != nil {
		flatten(reflect.ValueOf(*old), "", a)
	}
	if new != nil {
		flatten(reflect.ValueOf(*new), "", b)
	}
	var out []Change
	for p, v := range a {
		if w, ok := b[p]; !ok || w != v {
			out = append(out, Change{Path: p, Old: v, New: b[p]})
		}
	}
	for p, w := range b {
		if _, ok := a[p]; !ok {
			out = append(out, Change{Path: p, New: w})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// flatten records every non-empty leaf value of v under its path, naming
// struct fields by their yaml tags.
func flatten(v reflect.Value, path string, out map[string]string) {
	if v.Type().Implements(textMarshaler) && (v.Kind() != reflect.Pointer || !v.IsNil()) {
		b, _ := v.Interface().(encoding.TextMarshaler).MarshalText()
		out[path] = string(b)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			flatten(v.Elem(), path, out)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			flatten(v.Field(i), join(path, name), out)
		}
	case reflect.Slice:
		for i := range v.Len() {
			flatten(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			flatten(v.MapIndex(k), join(path, k.String()), out)
		}
	case reflect.String:
		if s := v.String(); s != "" {
			out[path] = s
		}
	case reflect.Bool:
		if v.Bool() {
			out[path] = "true"
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n := v.Int(); n != 0 {
			out[path] = strconv.FormatInt(n, 10)
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
