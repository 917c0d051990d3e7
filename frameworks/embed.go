// Package frameworks embeds the built-in indicator framework files. The
// files are the rules; code only reads them.
package frameworks

import "embed"

// FS holds every built-in framework, one YAML file each, named ID.yaml.
//
//go:embed *.yaml
var FS embed.FS
