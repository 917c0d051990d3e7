package datafile

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"

	"github.com/jixiao/jixiao/frameworks"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
)

// Loaded is a decoded file with the line of every field path, so that
// findings made later (by scoring or consistency checks) can point at the
// source too.
type Loaded[T any] struct {
	Value *T
	File  string
	lines map[string]int
}

// Locate sets the file and line of findings about this file.
func (l *Loaded[T]) Locate(ds diag.List) diag.List {
	d := decoder{lines: l.lines}
	return d.locate(l.File, ds)
}

// decodeFile parses data and decodes it into a new T, collecting every
// syntax, field and value error with its line.
func decodeFile[T any](file string, data []byte) (*Loaded[T], diag.List) {
	root, ds := parse(data)
	if ds != nil {
		for i := range ds {
			ds[i].File = file
		}
		return nil, ds
	}
	d := decoder{lines: map[string]int{}}
	v := new(T)
	d.decode(root, reflect.ValueOf(v).Elem(), "")
	return &Loaded[T]{Value: v, File: file, lines: d.lines}, d.locate(file, d.findings)
}

// Evaluation reads a department-year data file (YAML or JSON): every
// syntax error, unknown field and bad value with its line. It does not
// check the data: the assessment pipeline (assess.Check, through
// input.Assess) does, and Loaded.Locate puts its findings on lines.
func Evaluation(file string, data []byte) (*Loaded[evaluation.Evaluation], diag.List) {
	return decodeFile[evaluation.Evaluation](file, data)
}

// Exante reads an ex-ante evaluation record (YAML or JSON), as
// Evaluation reads a department-year: every syntax error, unknown field
// and bad value with its line; exante.Assess checks the rest and
// Loaded.Locate puts its findings on lines.
func Exante(file string, data []byte) (*Loaded[exante.Evaluation], diag.List) {
	return decodeFile[exante.Evaluation](file, data)
}

// Framework reads a framework file and validates it.
func Framework(file string, data []byte) (*framework.Framework, diag.List) {
	l, ds := decodeFile[framework.Framework](file, data)
	if l == nil {
		return nil, ds
	}
	ds = append(ds, l.Locate(l.Value.Validate())...)
	l.Value.Origin = file
	l.Value.Source = data
	return l.Value, ds
}

// Library holds the frameworks the program knows: the built-in ones and
// those in user directories. It implements scoring.Frameworks.
type Library struct {
	byID  map[string]*framework.Framework
	order []string
}

// NewLibrary holds exactly the given frameworks, such as those pinned to a
// stored evaluation.
func NewLibrary(fws ...*framework.Framework) *Library {
	lib := &Library{byID: map[string]*framework.Framework{}}
	for _, f := range fws {
		if f != nil && lib.byID[f.ID] == nil {
			lib.byID[f.ID] = f
			lib.order = append(lib.order, f.ID)
		}
	}
	return lib
}

// Framework returns the framework with the id.
func (l *Library) Framework(id string) (*framework.Framework, bool) {
	f, ok := l.byID[id]
	return f, ok
}

// All returns every framework, built-in first, then by id.
func (l *Library) All() []*framework.Framework {
	out := make([]*framework.Framework, len(l.order))
	for i, id := range l.order {
		out[i] = l.byID[id]
	}
	return out
}

// BuiltinOrigin marks frameworks embedded in the binary.
const BuiltinOrigin = "内置"

// LoadLibrary loads the built-in frameworks and every *.yaml, *.yml and
// *.json file in dirs (missing directories are skipped). A user file may
// not reuse a built-in id. Findings cover every file.
func LoadLibrary(dirs ...string) (*Library, diag.List) {
	lib := &Library{byID: map[string]*framework.Framework{}}
	var ds diag.List
	add := func(f *framework.Framework, fds diag.List) {
		ds = append(ds, fds...)
		if f == nil || fds.Err() != nil {
			return
		}
		if prev, dup := lib.byID[f.ID]; dup {
			ds = append(ds, diag.Finding{Code: diag.Duplicate, Severity: diag.Error, File: f.Origin, Path: "id",
				Message: fmt.Sprintf("框架编号 %s 已由 %s 使用", f.ID, prev.Origin)})
			return
		}
		lib.byID[f.ID] = f
		lib.order = append(lib.order, f.ID)
	}
	names, _ := fs.Glob(frameworks.FS, "*.yaml")
	sort.Strings(names)
	for _, name := range names {
		data, err := frameworks.FS.ReadFile(name)
		if err != nil {
			panic(err) // embedded: cannot fail
		}
		f, fds := Framework(name, data)
		if f != nil {
			f.Origin = BuiltinOrigin
		}
		add(f, fds)
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			data, err := os.ReadFile(path)
			if err != nil {
				ds = append(ds, diag.Finding{Code: diag.Syntax, Severity: diag.Error, File: path, Message: err.Error()})
				continue
			}
			add(Framework(path, data))
		}
	}
	return lib, ds
}

// MarshalEvaluation writes an evaluation as a YAML data file that
// Evaluation reads back to the same value.
func MarshalEvaluation(ev *evaluation.Evaluation) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(ev); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pinned caches frameworks decoded from stored bytes, by content hash:
// every stored year pins the bytes of its framework, and decoding them on
// each request would dominate the cost of showing a year. Frameworks are
// never modified after loading (WithPoints returns a copy), so sharing is
// safe.
var pinned sync.Map // [32]byte → *framework.Framework

// maxPinned bounds the cache; there are few framework versions in use.
const maxPinned = 256

var pinnedCount atomic.Int64

// PinnedLibrary is the library of the framework files kept with a stored
// department-year (its department and project frameworks; an empty one is
// skipped): a stored year is always scored with the versions it was
// stored with, never the current ones.
func PinnedLibrary(sources ...[]byte) (*Library, error) {
	var fws []*framework.Framework
	for _, src := range sources {
		if len(src) == 0 {
			continue
		}
		f, ds := PinnedFramework(src)
		if err := ds.Err(); err != nil {
			return nil, err
		}
		fws = append(fws, f)
	}
	return NewLibrary(fws...), nil
}

// PinnedFramework decodes framework bytes kept with a stored evaluation,
// from a cache when the same bytes were decoded before.
func PinnedFramework(data []byte) (*framework.Framework, diag.List) {
	key := sha256.Sum256(data)
	if f, ok := pinned.Load(key); ok {
		return f.(*framework.Framework), nil
	}
	f, ds := Framework("（入库时的指标框架）", data)
	if ds.Err() != nil || f == nil {
		return f, ds
	}
	if pinnedCount.Load() < maxPinned {
		if _, loaded := pinned.LoadOrStore(key, f); !loaded {
			pinnedCount.Add(1)
		}
	}
	return f, ds
}
