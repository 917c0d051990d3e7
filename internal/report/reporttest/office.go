package reporttest

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// OfficeText returns the XML of every part of an Office file (docx,
// xlsx) run together, for tests that look for what a rendered report
// says; an error when data is not a zip archive.
func OfficeText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", err
		}
		_, err = io.Copy(&b, rc)
		rc.Close()
		if err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// MustOfficeText is OfficeText failing the test on an error.
func MustOfficeText(tb testing.TB, data []byte) string {
	tb.Helper()
	s, err := OfficeText(data)
	if err != nil {
		tb.Fatalf("not an Office file: %v", err)
	}
	return s
}
