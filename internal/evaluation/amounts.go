package evaluation

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

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
	walkAmounts(reflect.ValueOf(e).Elem(), "", func(path string, v money.Fen) {
		if !money.InRange(v) {
			ds.Add(diag.BadValue, path, "金额 %s 元超过单项金额上限 1 万亿元（%s 元）", v.YuanText(), money.MaxAmount.YuanText())
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
			ds.Add(diag.BadValue, path, "金额合计超出可计算范围：从此项起各项金额之和超过上限，请核对金额与条目数量")
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
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkAmounts(v.Elem(), path, f)
		}
	case reflect.Int64:
		if v.Type() == fenType {
			f(path, money.Fen(v.Int()))
		}
	case reflect.Struct:
		t := v.Type()
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
			walkAmounts(v.Field(i), joinPath(path, name), f)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkAmounts(v.Index(i), fmt.Sprintf("%s[%d]", path, i), f)
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			walkAmounts(v.MapIndex(k), joinPath(path, k.String()), f)
		}
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
