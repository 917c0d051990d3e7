package input

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/workbook"
)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

// A file is read by what it holds: a workbook named .yaml is a workbook,
// and formats jixiao does not read are named in the refusal.
func TestReadByContent(t *testing.T) {
	lib, ds := datafile.LoadLibrary()
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	yamlData, err := os.ReadFile("../../examples/tianhe-gov-office-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yl, ds := Read("a.yaml", yamlData)
	if yl == nil || ds.Err() != nil || yl.Format != "yaml" {
		t.Fatalf("YAML: %v %v", yl, ds)
	}
	var wb bytes.Buffer
	fw, _ := lib.Framework(yl.Value.Framework)
	pfw, _ := lib.Framework(yl.Value.ProjectFrameworkID())
	if err := workbook.Write(&wb, yl.Value, fw, pfw); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"export.xlsx", "misnamed.yaml", "noext"} {
		l, ds := Read(name, wb.Bytes())
		if l == nil || ds.Err() != nil || l.Format != "xlsx" || l.Value.Department.Code != "106001" {
			t.Errorf("%s: a workbook was not read as one: %v", name, ds)
		}
	}
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"old.xls":    {append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, 0, 0), "旧版 Excel（.xls）或 WPS 表格（.et）"},
		"a.ods":      {zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}), "OpenDocument 表格（.ods）"},
		"a.docx":     {zipOf(t, map[string]string{"word/document.xml": "<x/>"}), "Word 文档"},
		"a.zip":      {zipOf(t, map[string]string{"readme.txt": "x"}), "不是 Excel 工作簿"},
		"a.pdf":      {[]byte("%PDF-1.7\n..."), "PDF 文档"},
		"a.bin":      {[]byte("abc\x00def"), "不是文本文件"},
		"trunc.xlsx": {[]byte("PK\x03\x04garbage"), "损坏的压缩包"},
		"text.xlsx":  {[]byte("department:\n  name: x\n"), "扩展名为 .xlsx，但内容不是 Excel 工作簿"},
		"text.XLS":   {[]byte("PK not really"), "扩展名为 .xls，但内容不是 Excel 工作簿"},
	} {
		l, ds := Read(name, c.data)
		if l != nil || len(ds) != 1 || !strings.Contains(ds[0].Message, c.want) || !strings.Contains(ds[0].Message, ".xlsx") || ds[0].File != name {
			t.Errorf("%s: %v, want one error naming %q and what to do", name, ds, c.want)
		}
	}
}
