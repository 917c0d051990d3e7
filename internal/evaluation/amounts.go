package evaluation

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
)

// checkAmounts bounds every amount of the evaluation: each within
// money.MaxAmount, and the sum of their magnitudes within the int64 range.
// The second bound means that no sum of any of them, computed anywhere
// (totals, the report, the dashboard), can overflow. Amounts usually come
// through money.Parse, which already refuses values above the ceiling;
// this check also covers amounts set by code (forms, generators, stored
// rows written by an older version).
func (e *Evaluation) checkAmounts() diag.List {
	var ds diag.List
	var total money.Fen
	overflow := false
	walkFen(reflect.ValueOf(e).Elem(), nil, func(at *pathPart, v money.Fen) {
		if !money.InRange(v) {
			ds.Add(diag.BadValue, at.String(), "金额 %s 元超过单项金额上限 1 万亿元（%s 元）", v.YuanText(), money.MaxAmount.YuanText())
			return
		}
		if overflow {
			return
		}
		a := v
		if a < 0 {
			a = -a
		}
		var err error
		if total, err = money.Add(total, a); err != nil {
			overflow = true
			ds.Add(diag.BadValue, at.String(), "金额合计超出可计算范围：从此项起各项金额之和超过上限，请核对金额与条目数量")
		}
	})
	return ds
}

// amountsBounded reports whether checkAmounts finds nothing, so that sums
// of the evaluation's amounts are safe to compute.
func (e *Evaluation) amountsBounded() bool { return len(e.checkAmounts()) == 0 }

var fenType = reflect.TypeFor[money.Fen]()

// walkAmounts calls f for every money.Fen reachable from v, with its path
// as data files name it ("finance.income[2].amount"). Map entries are
// visited in key order so that findings come out the same every time.
func walkAmounts(v reflect.Value, path string, f func(string, money.Fen)) {
	walkFen(v, &pathPart{name: path}, func(p *pathPart, v money.Fen) { f(p.String(), v) })
}

// pathPart is one step of a data path, kept as a chain so that the path's
// text is made only for a finding (walking every amount of a large
// declaration made a string per field).
type pathPart struct {
	parent *pathPart
	name   string // a field or map key; "" for an index
	index  int
}

func (p *pathPart) String() string {
	if p == nil {
		return ""
	}
	parent := p.parent.String()
	switch {
	case p.name == "" && p.parent != nil:
		return fmt.Sprintf("%s[%d]", parent, p.index)
	default:
		return joinPath(parent, p.name)
	}
}

// fenTypes caches, per type, whether a value of it can hold a money.Fen,
// and the names its exported fields go by in a data file.
var fenTypes sync.Map // reflect.Type → *fenInfo

type fenInfo struct {
	holds  bool
	fields []fenField // structs: the fields that can hold one
}

type fenField struct {
	index int
	name  string
}

func fenInfoOf(t reflect.Type) *fenInfo {
	if v, ok := fenTypes.Load(t); ok {
		return v.(*fenInfo)
	}
	info := buildFenInfo(t, map[reflect.Type]*fenInfo{})
	v, _ := fenTypes.LoadOrStore(t, info)
	return v.(*fenInfo)
}

// buildFenInfo works out t's fenInfo; seen holds the types being worked
// out, so that a recursive type sees itself as holding none yet.
func buildFenInfo(t reflect.Type, seen map[reflect.Type]*fenInfo) *fenInfo {
	if v, ok := fenTypes.Load(t); ok {
		return v.(*fenInfo)
	}
	if info, ok := seen[t]; ok {
		return info
	}
	info := &fenInfo{}
	seen[t] = info
	switch t.Kind() {
	case reflect.Int64:
		info.holds = t == fenType
	case reflect.Pointer, reflect.Slice, reflect.Array:
		info.holds = buildFenInfo(t.Elem(), seen).holds
	case reflect.Interface:
		info.holds = true
	case reflect.Map:
		info.holds = t.Key().Kind() == reflect.String && buildFenInfo(t.Elem(), seen).holds
	case reflect.Struct:
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = strings.ToLower(sf.Name)
			}
			if buildFenInfo(sf.Type, seen).holds {
				info.fields = append(info.fields, fenField{i, name})
			}
		}
		info.holds = len(info.fields) > 0
	}
	return info
}

func walkFen(v reflect.Value, at *pathPart, f func(*pathPart, money.Fen)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkFen(v.Elem(), at, f)
		}
	case reflect.Int64:
		if v.Type() == fenType {
			f(at, money.Fen(v.Int()))
		}
	case reflect.Struct:
		for _, fl := range fenInfoOf(v.Type()).fields {
			walkFen(v.Field(fl.index), &pathPart{parent: at, name: fl.name}, f)
		}
	case reflect.Slice, reflect.Array:
		if !fenInfoOf(v.Type()).holds {
			return
		}
		for i := range v.Len() {
			walkFen(v.Index(i), &pathPart{parent: at, index: i}, f)
		}
	case reflect.Map:
		if !fenInfoOf(v.Type()).holds {
			return
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			walkFen(v.MapIndex(k), &pathPart{parent: at, name: k.String()}, f)
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
