// Command jixiao scores department self-evaluations against indicator
// frameworks and writes the reports. See `jixiao help`.
package main

import (
	"os"

	"github.com/jixiao/jixiao/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
