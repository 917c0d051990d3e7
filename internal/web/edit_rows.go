package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// Lists of rows the edit forms add to and remove from (income lines, the
// report's problems and measures, register records), the same way the
// declaration form does with its targets and projects (edit_declare.go):
// the form posts how many rows of the list it shows (rows.<list>); the
// button add=<list> asks for one more blank row and shows the form again
// without saving; the checkbox remove.<list>[i] drops a row. Reading a
// form is: the stored data extended with the blank rows shown, the
// fields applied by path, the rows marked removed taken out; findings
// about the result are mapped back to the rows of the form.
//
// A long list (a register) is shown a page at a time (pageSize rows,
// page.<list> chooses which): the rows of other pages are not on the
// form and stay as stored, so one request carries at most pageSize
// stored rows and maxNewRows new ones per list, whatever the list's
// length.

// registerPageSize is how many records of a register the form shows.
const registerPageSize = 50

// editList is one list of rows on a form.
type editList struct {
	Path, Title, Note, AddLabel string
	// pageSize bounds the stored rows shown at once; 0 shows them all.
	pageSize int
	count    func(ev *evaluation.Evaluation) int
	grow     func(ev *evaluation.Evaluation)            // appends one blank row
	keep     func(ev *evaluation.Evaluation, idx []int) // keeps the rows idx, in order
	// row adds the group of row i (path "<list>[i]") to the section.
	row func(sec *editSection, ev *evaluation.Evaluation, i int)
}

// listOf makes the row operations of a list: peek reads it (nil when
// what holds it is absent), at returns where it is held, allocating what
// holds it. Counting never allocates: the stored data a form is made
// from is not changed.
func listOf[T any](peek func(ev *evaluation.Evaluation) []T, at func(ev *evaluation.Evaluation) *[]T) (count func(*evaluation.Evaluation) int, grow func(*evaluation.Evaluation), keep func(*evaluation.Evaluation, []int)) {
	count = func(ev *evaluation.Evaluation) int { return len(peek(ev)) }
	grow = func(ev *evaluation.Evaluation) {
		l := at(ev)
		*l = append(*l, *new(T))
	}
	keep = func(ev *evaluation.Evaluation, idx []int) {
		l := at(ev)
		out := make([]T, 0, len(idx))
		for _, i := range idx {
			out = append(out, (*l)[i])
		}
		if len(out) == 0 {
			out = nil
		}
		*l = out
	}
	return
}

// rowsView is how the lists of a form are shown: rows per list (stored
// and blank), the length each list has stored, the page of each paged
// list.
type rowsView struct {
	rows, stored, page map[string]int
}

// storedView shows the lists as stored, at the pages asked for.
func storedView(lists []editList, ev *evaluation.Evaluation, form url.Values) rowsView {
	v := rowsView{rows: map[string]int{}, stored: map[string]int{}, page: map[string]int{}}
	for _, l := range lists {
		n := l.count(ev)
		v.rows[l.Path], v.stored[l.Path] = n, n
		v.page[l.Path] = readPage(form.Get("page."+l.Path), n, l.pageSize)
	}
	return v
}

// postedView is the view a posted form shows, with the row its add
// button asked for, and ev extended with the blank rows.
func postedView(lists []editList, ev *evaluation.Evaluation, form url.Values) rowsView {
	v := storedView(lists, ev, form)
	add := form.Get("add")
	for _, l := range lists {
		have := v.stored[l.Path]
		n := rowCount(form, "rows."+l.Path, have)
		if add == l.Path && n < have+maxNewRows {
			n++
		}
		v.rows[l.Path] = n
		for l.count(ev) < n {
			l.grow(ev)
		}
	}
	return v
}

// readPage reads a page number (from 1) of a list of n rows.
func readPage(s string, n, size int) int {
	p, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || p < 1 || size == 0 {
		return 1
	}
	return min(p, max(1, (n+size-1)/size))
}

// shown lists the rows of l the form shows: the stored rows of the page
// and every blank row.
func (v rowsView) shown(l editList) []int {
	stored, rows := v.stored[l.Path], v.rows[l.Path]
	from, to := 0, stored
	if l.pageSize > 0 {
		from = (v.page[l.Path] - 1) * l.pageSize
		to = min(stored, from+l.pageSize)
	}
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	for i := stored; i < rows; i++ {
		out = append(out, i)
	}
	return out
}

// listSections lays out a section per list for ev, which holds the rows
// of v; base is the form's address for the links to other pages.
func listSections(lists []editList, ev *evaluation.Evaluation, v rowsView, base string) ([]*editSection, []editHidden) {
	var secs []*editSection
	var hidden []editHidden
	for _, l := range lists {
		sec := &editSection{ID: editFieldID("", l.Path), Title: l.Title, Note: l.Note}
		for _, i := range v.shown(l) {
			l.row(sec, ev, i)
			g := sec.Groups[len(sec.Groups)-1]
			g.Remove = "remove." + g.Path
		}
		sec.Adds = []editAdd{{l.Path, l.AddLabel}}
		hidden = append(hidden, editHidden{"rows." + l.Path, strconv.Itoa(v.rows[l.Path])})
		if n := v.stored[l.Path]; l.pageSize > 0 && n > l.pageSize {
			page, pages := v.page[l.Path], (n+l.pageSize-1)/l.pageSize
			from, to := (page-1)*l.pageSize+1, min(n, page*l.pageSize)
			sec.Pager = fmt.Sprintf("共 %d 条，本页显示第 %d–%d 条（第 %d / %d 页）；其他页的记录不在本页，保存时保持不变。翻页前请先保存本页的修改。", n, from, to, page, pages)
			link := func(p int, text string) editLink {
				return editLink{Href: base + "/edit?page." + url.QueryEscape(l.Path) + "=" + strconv.Itoa(p) + "#" + sec.ID + "-h", Text: text}
			}
			if page > 1 {
				sec.Links = append(sec.Links, link(page-1, "上一页"))
			}
			if page < pages {
				sec.Links = append(sec.Links, link(page+1, "下一页"))
			}
			hidden = append(hidden, editHidden{"page." + l.Path, strconv.Itoa(page)})
		}
		secs = append(secs, sec)
	}
	return secs, hidden
}

// rowMap maps the rows of data with rows removed back to the rows of the
// form: per list, new index → form index.
type rowMap map[string][]int

// removeListRows takes the rows marked removed out of every list.
func removeListRows(lists []editList, ev *evaluation.Evaluation, removed map[string]bool) rowMap {
	m := rowMap{}
	for _, l := range lists {
		var idx []int
		for i := range l.count(ev) {
			if !removed[fmt.Sprintf("%s[%d]", l.Path, i)] {
				idx = append(idx, i)
			}
		}
		if len(idx) != l.count(ev) {
			l.keep(ev, idx)
		}
		m[l.Path] = idx
	}
	return m
}

// form maps a data path of the data with rows removed to the form's.
func (m rowMap) form(path string) string {
	for list, idx := range m {
		rest, ok := strings.CutPrefix(path, list+"[")
		if !ok {
			continue
		}
		j := strings.IndexByte(rest, ']')
		i, err := strconv.Atoi(rest[:max(j, 0)])
		if j < 0 || err != nil || i >= len(idx) {
			return path
		}
		return fmt.Sprintf("%s[%d]%s", list, idx[i], rest[j+1:])
	}
	return path
}

// newRow reports whether a form path is in a row not stored yet.
func (v rowsView) newRow(path string) bool {
	for list, stored := range v.stored {
		rest, ok := strings.CutPrefix(path, list+"[")
		if !ok {
			continue
		}
		j := strings.IndexByte(rest, ']')
		i, err := strconv.Atoi(rest[:max(j, 0)])
		return j >= 0 && err == nil && i >= stored
	}
	return false
}

// quietRows drops the errors of the fields and groups at paths isNew
// says are new rows, when the form is shown again for an add button: a
// row just added is empty, and saying so on every field would bury what
// the editor asked for.
func (p *editPage) quietRows(isNew func(path string) bool) {
	fresh := map[string]bool{}
	for _, g := range p.groups {
		if !isNew(g.Path) {
			continue
		}
		g.Errors = nil
		fresh[g.ID] = true
		for _, f := range g.Fields {
			f.Errors = nil
			fresh[f.ID] = true
		}
	}
	var errs []editProblem
	for _, e := range p.Errors {
		if !fresh[e.Target] {
			errs = append(errs, e)
		}
	}
	p.Errors = errs
}

// markRemoved marks the groups of the rows a posted form removes, and the
// groups inside them.
func (p *editPage) markRemoved(removed map[string]bool) {
	for _, g := range p.groups {
		for path := range removed {
			if g.Path == path || strings.HasPrefix(g.Path, path+".") || strings.HasPrefix(g.Path, path+"[") {
				g.Removed = true
			}
		}
	}
}

// editLink is a link in a section (a register's other pages).
type editLink struct{ Href, Text string }

// The unit amounts are shown and typed in: a choice of the user's,
// remembered in a cookie; each form posts the unit its amounts were
// shown in, which is how they are read.

// unitCookie remembers the user's choice of unit.
const unitCookie = "jixiao_unit"

// readUnit is a posted or remembered unit choice ("wan" or "yuan"); any
// other value is yuan.
func readUnit(s string) string {
	if s == "wan" {
		return "wan"
	}
	return "yuan"
}

// requestUnit is the unit a form is shown in: asked for in the address
// (?unit=wan, then remembered), else remembered, else yuan.
func requestUnit(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("unit"); q != "" {
		u := readUnit(q)
		http.SetCookie(w, &http.Cookie{Name: unitCookie, Value: u, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		return u
	}
	if c, err := r.Cookie(unitCookie); err == nil {
		return readUnit(c.Value)
	}
	return "yuan"
}

func isMoney(k editKind) bool { return k == ekMoney || k == ekMoneyZero || k == ekMoneyOpt }

// useUnit shows and reads every amount of the page in unit ("wan" or
// "yuan"): values in 万元 exactly (WanExact), labels saying 万元.
func (p *editPage) useUnit(unit string) {
	p.Unit = readUnit(unit)
	if p.Unit != "wan" {
		return
	}
	for _, f := range p.fields {
		if !isMoney(f.Kind) {
			continue
		}
		f.unit = money.WanUnit
		if f.Value != "" {
			if v, err := money.Parse(f.Value); err == nil {
				f.Value = v.WanExact()
			}
		}
		if l := strings.NewReplacer("（元）", "（万元）", "（元，", "（万元，", "，元）", "，万元）").Replace(f.Label); l != f.Label {
			f.Label = l
		} else {
			f.Label += "（万元）"
		}
	}
}
