// Package docx renders a report document as a Word file (.docx, Office Open
// XML WordprocessingML) laid out after GB/T 9704-2012 党政机关公文格式:
//
//   - A4 paper; margins top 37 mm, bottom 35 mm, inside 28 mm, outside
//     26 mm (mirrored for double-sided printing), a 156×225 mm text area;
//   - body in 3号 (16 pt) 仿宋_GB2312 with Times New Roman for Latin text
//     and digits, a two-character first-line indent, justified, at a fixed
//     line pitch of 28.95 pt so that a page holds 22 lines;
//   - the attachment label (附件) in 3号 黑体 at the top left, the title in
//     2号 (22 pt) 方正小标宋简体, centred, followed by one blank line;
//   - headings "一、" in 黑体, "（一）" in 楷体_GB2312 and "1." in bold
//     仿宋, as real Heading 1–3 styles with outline levels, so Word's
//     navigation pane shows the outline;
//   - the signature block (落款) right-aligned under the body, the date
//     starting two characters right of the author as the standard asks;
//   - page numbers "— 1 —" in 4号 (14 pt) 宋体, odd pages at the right and
//     even pages at the left, one character in from the text edge;
//   - tables across the full text width in 小四 (12 pt) 仿宋 with single
//     rules, merged cells, header rows repeated on every page, and a 黑体
//     title kept on the same page as the grid.
//
// Fonts that the reader's computer lacks are mapped through the font
// table's alternate names (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体,
// 方正小标宋简体 → 宋体), the names every Chinese Windows installs.
//
// A line holds 27 body characters rather than the standard's 28: Word
// templates reach 28 with a character grid (docGrid linesAndChars and a
// negative charSpace), which LibreOffice lays out very badly, so the
// section has a line pitch but no character grid.
//
// # Design choice
//
// The XML is written by hand with archive/zip and a small escaper rather
// than with a library. The MIT-licensed github.com/gomutex/godocx was
// considered: it is pre-1.0 and its document API covers paragraphs,
// headings, runs and tables, but not, without dropping to its raw types,
// section margins, even/odd footers with PAGE fields, the font table's
// alternate names, or settings such as evenAndOddHeaders and
// mirrorMargins; nor does it promise byte-identical output. The parts a
// report needs are few and fixed, so writing them directly keeps the
// output small, deterministic (fixed zip timestamps, fixed part order) and
// free of a dependency. fumiama/go-docx (AGPL) and unioffice (commercial)
// were ruled out by their licences.
package docx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/jixiao/jixiao/internal/report"
)

// zipTime is the modification time stamped on every part, so that the
// same document always renders to the same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// part is one file of the package.
type part struct {
	name string
	data []byte
}

// Render writes d to w as a .docx file.
func Render(w io.Writer, d *report.Document) error {
	if d == nil {
		return fmt.Errorf("docx: nil document")
	}
	buf := bufferPool.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	body, err := documentXML(d, buf)
	if err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	parts := []part{
		{"docProps/core.xml", coreXML(d)},
		{"word/document.xml", body},
	}
	zw := zip.NewWriter(w)
	// Deflate at docLevel, pooled.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw := flatePool.Get().(*flate.Writer)
		fw.Reset(out)
		return &pooledFlate{fw}, nil
	})
	for _, sp := range staticParts() {
		if err := sp.write(zw); err != nil {
			return fmt.Errorf("docx: %w", err)
		}
	}
	for _, p := range parts {
		f, err := zw.CreateHeader(&zip.FileHeader{
			Name:     p.name,
			Method:   zip.Deflate,
			Modified: zipTime,
		})
		if err != nil {
			return fmt.Errorf("docx: %w", err)
		}
		if _, err := f.Write(p.data); err != nil {
			return fmt.Errorf("docx: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	return nil
}

// bufferPool reuses the buffers document.xml is written into: a report
// with many project tables is megabytes of XML, and growing a new buffer
// for each was the largest allocation of a bundle of reports.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuffer returns a buffer to the pool unless it grew very large.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 32<<20 {
		bufferPool.Put(b)
	}
}

// docLevel is the deflate level of a report's own parts, compressed with
// github.com/klauspost/compress/flate rather than compress/flate: on a
// generated department's 623 KB document.xml (20 projects), its level 3
// takes 0.47 ms for 24.7 KB where the standard library's level 3 took
// 0.79 ms for 27.2 KB (the new level 1, 0.33 ms for 29.1 KB, saves little
// more time for a larger file). Same format, so any reader opens it.
const docLevel = 3

// flatePool reuses compressors: each holds about a megabyte of tables.
var flatePool = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, docLevel)
	return fw
}}

type pooledFlate struct{ *flate.Writer }

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	flatePool.Put(p.Writer)
	p.Writer = nil
	return err
}

// compressedPart is a part whose content never changes, compressed once.
type compressedPart struct {
	header zip.FileHeader
	data   []byte
}

func (c *compressedPart) write(zw *zip.Writer) error {
	h := c.header
	f, err := zw.CreateRaw(&h)
	if err != nil {
		return err
	}
	_, err = f.Write(c.data)
	return err
}

// staticParts compresses the fixed parts of the package on first use, so
// each report only compresses what is its own.
var staticParts = sync.OnceValue(func() []*compressedPart {
	fixed := []part{
		{"[Content_Types].xml", []byte(contentTypesXML)},
		{"_rels/.rels", []byte(packageRelsXML)},
		{"docProps/app.xml", []byte(appXML)},
		{"word/_rels/document.xml.rels", []byte(documentRelsXML)},
		{"word/styles.xml", []byte(stylesXML)},
		{"word/settings.xml", []byte(settingsXML)},
		{"word/fontTable.xml", []byte(fontTableXML)},
		{"word/footer1.xml", footerXML(false)},
		{"word/footer2.xml", footerXML(true)},
	}
	out := make([]*compressedPart, len(fixed))
	for i, p := range fixed {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestCompression)
		fw.Write(p.data)
		fw.Close()
		out[i] = &compressedPart{
			header: zip.FileHeader{
				Name: p.name, Method: zip.Deflate, Modified: zipTime,
				CRC32: crc32.ChecksumIEEE(p.data), CompressedSize64: uint64(buf.Len()), UncompressedSize64: uint64(len(p.data)),
			},
			data: buf.Bytes(),
		}
	}
	return out
})

// coreXML is docProps/core.xml: the title and a fixed creator. It carries
// no creation time, so that output stays deterministic.
func coreXML(d *report.Document) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString(`<dc:title>`)
	escape(&b, d.Title)
	b.WriteString(`</dc:title><dc:creator>jixiao</dc:creator><cp:lastModifiedBy>jixiao</cp:lastModifiedBy><dc:language>zh-CN</dc:language></cp:coreProperties>`)
	return b.Bytes()
}
