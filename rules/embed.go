// Package rules embeds the built-in rules files other than frameworks:
// the target-quality checks (quality-*.yaml), the execution warnings
// (warnings-*.yaml), the ex-ante evaluation thresholds (exante-*.yaml),
// the cycle's checkpoints and deadlines (cycle-*.yaml) and the results
// application (results-*.yaml). The files are the rules; code only reads
// them. Each rule cites its source, or says it is a default where no
// published rule was found.
package rules

import "embed"

// FS holds every built-in rules file.
//
//go:embed *.yaml
var FS embed.FS
