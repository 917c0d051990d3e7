package workbook

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkWrite(b *testing.B) {
	ev := loadExample(b, exampleFiles[0])
	fw, pfw := frameworksOf(b, ev)
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, ev, fw, pfw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	data := writeEval(b, loadExample(b, exampleFiles[0]))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := Read("x.xlsx", data); len(ds) > 0 {
			b.Fatal(ds.Error())
		}
	}
}

func BenchmarkTemplate(b *testing.B) {
	lib := library(b)
	fw, _ := lib.Framework("gz-dept-2023")
	pfw, _ := lib.Framework("cn-project-2020")
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, fw, pfw); err != nil {
			b.Fatal(err)
		}
	}
}
