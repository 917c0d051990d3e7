package cli

import (
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
)

func libraryFor(tb testing.TB) *datafile.Library {
	lib, ds := datafile.LoadLibrary()
	if ds.Err() != nil {
		tb.Fatal(ds)
	}
	return lib
}
