// Package examples embeds the bundled example data files, so that the
// binary can show them (jixiao demo) without the source tree.
package examples

import "embed"

// FS holds every example data file (*.yaml).
//
//go:embed *.yaml
var FS embed.FS
