// Package examples embeds the bundled example data files, so that the
// binary can show them (jixiao demo) without the source tree.
package examples

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// FS holds every example data file (*.yaml).
//
//go:embed *.yaml
var FS embed.FS

// ExantePrefix begins the name of every ex-ante evaluation record
// (exante-*.yaml); the other files are department-years.
const ExantePrefix = "exante-"

// DepartmentYears lists the department-year files in FS, sorted.
func DepartmentYears() ([]string, error) {
	names, err := fs.Glob(FS, "*.yaml")
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if !strings.HasPrefix(n, ExantePrefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}
