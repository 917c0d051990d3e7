package datafile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/results"
)

// RuleSet is the rules files a store or a command works with: the
// target-quality checks, the execution warnings, the ex-ante thresholds,
// the cycle rules (checkpoints and deadlines) and the results rules
// (grade and project type → suggestion, with the local percentages). Each is the built-in
// file unless a rules directory gives a file of that kind (LoadRules).
// A RuleSet is read-only once made.
type RuleSet struct {
	Quality  *evaluation.QualityRules
	Warnings *monitor.WarningRules
	Exante   *exante.Rules
	Cycle    *cycle.Rules
	Results  *results.Rules
	// Files names the file each kind came from ("quality" → path, or the
	// built-in file's name with "（内置）").
	Files map[string]string
}

// RuleKinds are the kinds of rules file a rules directory may hold, by the
// prefix of their names: quality-*.yaml, warnings-*.yaml, exante-*.yaml,
// cycle-*.yaml and results-*.yaml (or quality.yaml and so on).
var RuleKinds = []string{"quality", "warnings", "exante", "cycle", "results"}

// MaxRulesFile bounds one rules file.
const MaxRulesFile = 1 << 20

// DefaultRules is every built-in rules file.
func DefaultRules() *RuleSet {
	return &RuleSet{
		Quality: DefaultQuality(), Warnings: DefaultWarnings(), Exante: DefaultExante(), Cycle: DefaultCycle(),
		Results: DefaultResults(),
		Files: map[string]string{
			"quality": DefaultQualityFile + "（内置）", "warnings": DefaultWarningsFile + "（内置）",
			"exante": DefaultExanteFile + "（内置）", "cycle": DefaultCycleFile + "（内置）",
			"results": DefaultResultsFile + "（内置）",
		},
	}
}

// kindOf says which kind of rules file name is, or "".
func kindOf(name string) string {
	if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") {
		return ""
	}
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".yaml"), ".yml")
	for _, k := range RuleKinds {
		if base == k || strings.HasPrefix(base, k+"-") {
			return k
		}
	}
	return ""
}

// LoadRules reads the rules directory dir: each kind's file, where there
// is one, replaces the built-in one. A missing directory is the built-in
// set; two files of one kind, a file over MaxRulesFile or any finding in
// any file is an error listing every problem of every file, so a bad
// rules file never half-applies.
func LoadRules(dir string) (*RuleSet, error) {
	rs := DefaultRules()
	if dir == "" {
		return rs, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return rs, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取规则目录 %s 失败：%w", dir, err)
	}
	byKind := map[string][]string{}
	for _, e := range entries {
		if k := kindOf(e.Name()); k != "" && !e.IsDir() {
			byKind[k] = append(byKind[k], filepath.Join(dir, e.Name()))
		}
	}
	var problems []string
	var all diag.List
	for _, k := range RuleKinds {
		files := byKind[k]
		sort.Strings(files)
		if len(files) > 1 {
			problems = append(problems, fmt.Sprintf("规则目录 %s 中有 %d 个%s规则文件（%s），每类只能有一个", dir, len(files), ruleKindNames[k], strings.Join(files, "、")))
			continue
		}
		if len(files) == 0 {
			continue
		}
		data, err := readBounded(files[0])
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		var ds diag.List
		switch k {
		case "quality":
			ds = readInto(&rs.Quality, QualityRules, files[0], data)
		case "warnings":
			ds = readInto(&rs.Warnings, WarningRules, files[0], data)
		case "exante":
			ds = readInto(&rs.Exante, ExanteRules, files[0], data)
		case "cycle":
			ds = readInto(&rs.Cycle, CycleRules, files[0], data)
		case "results":
			ds = readInto(&rs.Results, ResultsRules, files[0], data)
		}
		if ds.Err() == nil {
			rs.Files[k] = files[0]
		}
		all = append(all, ds...)
	}
	if err := all.Err(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return rs, nil
}

var ruleKindNames = map[string]string{"quality": "绩效目标质量", "warnings": "执行预警", "exante": "事前绩效评估范围", "cycle": "周期（监控节点与期限）", "results": "结果应用"}

// readInto reads one rules file with read and, when it is valid, puts
// it in *dst.
func readInto[T any](dst **T, read func(string, []byte) (*T, diag.List), file string, data []byte) diag.List {
	v, ds := read(file, data)
	if v != nil {
		*dst = v
	}
	return ds
}

// readBounded reads a rules file of at most MaxRulesFile bytes.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("读取规则文件 %s 失败：%w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxRulesFile+1))
	if err != nil {
		return nil, fmt.Errorf("读取规则文件 %s 失败：%w", path, err)
	}
	if len(data) > MaxRulesFile {
		return nil, fmt.Errorf("规则文件 %s 超过 %d 字节上限", path, MaxRulesFile)
	}
	return data, nil
}

// Schedule is the time progress the cycle rules set: each checkpoint's
// own target where it has one, elapsed months ÷ 12 elsewhere.
func (rs *RuleSet) Schedule() monitor.Schedule {
	t := rs.Cycle.TimeProgressTargets()
	if len(t) == 0 {
		return monitor.Schedule{}
	}
	s := monitor.Schedule{Targets: make(map[int]monitor.Rate, len(t))}
	for m, p := range t {
		s.Targets[m] = monitor.Rate(p)
	}
	return s
}
