// Package archtest holds the architecture rules as tests: the domain core
// does no I/O and imports no database, web or file-format package, and
// core packages import only each other and a short list of pure standard
// packages.
package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/jixiao/jixiao/"

// core packages, relative to the module root.
var core = []string{"internal/money", "internal/num", "internal/civil", "internal/diag", "internal/framework", "internal/evaluation", "internal/scoring", "internal/report", "internal/workflow", "internal/assess", "internal/apperr", "internal/exante", "internal/monitor", "internal/cycle", "internal/rectify", "internal/results"}

// pure standard packages the core may use: no files, network, processes,
// clocks or encodings of file formats.
var allowed = map[string]bool{
	"errors": true, "fmt": true, "math": true, "math/big": true, "math/bits": true, "slices": true, "maps": true,
	"sort": true, "strconv": true, "strings": true, "unicode": true, "unicode/utf8": true,
	// encoding holds only the TextMarshaler interfaces; reflect walks
	// values in memory.
	"encoding": true, "reflect": true,
	// time for calendar arithmetic on dates; the core never reads the clock.
	"time": true,
	// sync for caches in memory (what a type's fields hold, built once).
	"sync": true,
}

func TestCoreImportsOnlyCoreAndPureStd(t *testing.T) {
	isCore := map[string]bool{}
	for _, c := range core {
		isCore[module+c] = true
	}
	for _, dir := range core {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if !isCore[path] && !allowed[path] {
					t.Errorf("%s imports %q: the core may import only core packages and %v", f, path, keys(allowed))
				}
			}
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
