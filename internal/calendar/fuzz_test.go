package calendar

import (
	"errors"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the data-file parser and, when they
// parse, to WithData and the calendar built from them. None of it may
// panic, and every parse error must be a *DataError.
func FuzzLoad(f *testing.F) {
	f.Add(embeddedData)
	f.Add([]byte(extraYAML))
	f.Add([]byte("notices:\n  - {year: 2027, title: T, number: N, days: [{date: 2027-01-01, kind: off, name: 元旦}]}\n"))
	f.Add([]byte("notices:\n  - {year: 2024, title: T, number: N, library: true}\n"))
	f.Add([]byte("notices: [{year: 1, title: T, number: N, days: [{date: 0001-01-01, kind: work, name: x}]}]"))
	f.Add([]byte("notices: [{year: 9999, title: T, number: N, days: [{date: 9999-12-31, kind: off, name: x}]}]"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("notices: &x\n  - *x\n"))
	f.Add([]byte("\xff\xfe"))
	base, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ns, err := Parse("fuzz.yaml", data)
		if err != nil {
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DataError: %v", err, err)
			}
			if ns != nil {
				t.Fatal("notices returned with an error")
			}
			return
		}
		c, err := base.WithData("fuzz.yaml", data)
		if err != nil {
			// Only library: true for a year lunar-go lacks may fail here.
			var de *DataError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), "library: true") {
				t.Fatalf("Parse accepted but WithData failed: %v", err)
			}
			return
		}
		for _, n := range ns {
			for _, day := range n.Days {
				if _, err := c.Lookup(day.Date); err != nil && !errors.Is(err, ErrUnknownYear) {
					t.Fatalf("Lookup(%s): %v", day.Date, err)
				}
			}
			if n.Year >= 2 {
				from := MustDate(n.Year, 1, 1)
				if _, err := c.AddWorkdays(from, 3); err != nil && !errors.Is(err, ErrUnknownYear) {
					t.Fatalf("AddWorkdays: %v", err)
				}
			}
		}
	})
}
