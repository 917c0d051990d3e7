package datafile

import (
	"sync"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/rules"
)

// QualityRules reads a target-quality rules file (rules/quality-*.yaml)
// and validates it; every error has its line.
func QualityRules(file string, data []byte) (*evaluation.QualityRules, diag.List) {
	l, ds := decodeFile[evaluation.QualityRules](file, data)
	if l == nil {
		return nil, ds
	}
	ds = append(ds, l.Locate(l.Value.Validate())...)
	if ds.Err() != nil {
		return nil, ds
	}
	return l.Value, ds
}

// DefaultQualityFile is the built-in target-quality rules file.
const DefaultQualityFile = "quality-default.yaml"

var defaultQuality = sync.OnceValue(func() *evaluation.QualityRules {
	data, err := rules.FS.ReadFile(DefaultQualityFile)
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	q, ds := QualityRules(DefaultQualityFile, data)
	if ds.Err() != nil {
		panic("built-in " + DefaultQualityFile + ": " + ds.Err().Error()) // a test keeps it valid
	}
	return q
})

// DefaultQuality is the built-in target-quality rules, read once. Callers
// must not change them.
func DefaultQuality() *evaluation.QualityRules { return defaultQuality() }

// WarningRules reads an execution-warning rules file (rules/warnings-*.yaml)
// and validates it; every error has its line.
func WarningRules(file string, data []byte) (*monitor.WarningRules, diag.List) {
	l, ds := decodeFile[monitor.WarningRules](file, data)
	if l == nil {
		return nil, ds
	}
	ds = append(ds, l.Locate(l.Value.Validate())...)
	if ds.Err() != nil {
		return nil, ds
	}
	return l.Value, ds
}

// DefaultWarningsFile is the built-in execution-warning rules file.
const DefaultWarningsFile = "warnings-default.yaml"

var defaultWarnings = sync.OnceValue(func() *monitor.WarningRules {
	data, err := rules.FS.ReadFile(DefaultWarningsFile)
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	w, ds := WarningRules(DefaultWarningsFile, data)
	if ds.Err() != nil {
		panic("built-in " + DefaultWarningsFile + ": " + ds.Err().Error()) // a test keeps it valid
	}
	return w
})

// DefaultWarnings is the built-in execution-warning rules, read once.
// Callers must not change them.
func DefaultWarnings() *monitor.WarningRules { return defaultWarnings() }
