package datafile

import (
	"sync"

	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/results"
	"github.com/jixiao/jixiao/rules"
)

// validated is a rules file's model: it checks its own values.
type validated[T any] interface {
	*T
	Validate() diag.List
}

// rulesFile reads a rules file into T and validates it; every error has
// its line, and a file with an error gives no rules.
func rulesFile[T any, P validated[T]](file string, data []byte) (*T, diag.List) {
	l, ds := decodeFile[T](file, data)
	if l == nil {
		return nil, ds
	}
	ds = append(ds, l.Locate(P(l.Value).Validate())...)
	if ds.Err() != nil {
		return nil, ds
	}
	return l.Value, ds
}

// builtin reads the embedded rules file name once, with read. The file is
// part of the program and a test keeps it valid, so a failure is a panic.
func builtin[T any](name string, read func(string, []byte) (*T, diag.List)) func() *T {
	return sync.OnceValue(func() *T {
		data, err := rules.FS.ReadFile(name)
		if err != nil {
			panic(err) // embedded: cannot fail
		}
		v, ds := read(name, data)
		if ds.Err() != nil {
			panic("built-in " + name + ": " + ds.Err().Error())
		}
		return v
	})
}

// QualityRules reads a target-quality rules file (rules/quality-*.yaml)
// and validates it; every error has its line.
func QualityRules(file string, data []byte) (*evaluation.QualityRules, diag.List) {
	return rulesFile[evaluation.QualityRules](file, data)
}

// DefaultQualityFile is the built-in target-quality rules file.
const DefaultQualityFile = "quality-default.yaml"

// DefaultQuality is the built-in target-quality rules, read once. Callers
// must not change them.
var DefaultQuality = builtin(DefaultQualityFile, QualityRules)

// WarningRules reads an execution-warning rules file (rules/warnings-*.yaml)
// and validates it; every error has its line.
func WarningRules(file string, data []byte) (*monitor.WarningRules, diag.List) {
	return rulesFile[monitor.WarningRules](file, data)
}

// DefaultWarningsFile is the built-in execution-warning rules file.
const DefaultWarningsFile = "warnings-default.yaml"

// DefaultWarnings is the built-in execution-warning rules, read once.
// Callers must not change them.
var DefaultWarnings = builtin(DefaultWarningsFile, WarningRules)

// ExanteRules reads an ex-ante scope rules file (rules/exante-*.yaml) and
// validates it; every error has its line.
func ExanteRules(file string, data []byte) (*exante.Rules, diag.List) {
	return rulesFile[exante.Rules](file, data)
}

// DefaultExanteFile is the built-in ex-ante scope rules file.
const DefaultExanteFile = "exante-default.yaml"

// DefaultExante is the built-in ex-ante scope rules, read once. Callers
// must not change them.
var DefaultExante = builtin(DefaultExanteFile, ExanteRules)

// CycleRules reads a cycle rules file (rules/cycle-*.yaml): checkpoint
// months and deadlines; every error has its line.
func CycleRules(file string, data []byte) (*cycle.Rules, diag.List) {
	return rulesFile[cycle.Rules](file, data)
}

// DefaultCycleFile is the built-in cycle rules file.
const DefaultCycleFile = "cycle-default.yaml"

// DefaultCycle is the built-in cycle rules, read once. Callers must not
// change them.
var DefaultCycle = builtin(DefaultCycleFile, CycleRules)

// ResultsRules reads a results-application rules file (rules/results-*.yaml):
// scope × project type × grade → suggestion; every error has its line.
func ResultsRules(file string, data []byte) (*results.Rules, diag.List) {
	return rulesFile[results.Rules](file, data)
}

// DefaultResultsFile is the built-in results rules file.
const DefaultResultsFile = "results-default.yaml"

// DefaultResults is the built-in results rules, read once. Callers must
// not change them.
var DefaultResults = builtin(DefaultResultsFile, ResultsRules)
