// Package ledger reads treasury payment records (国库集中支付明细) from CSV
// or .xlsx files into monitor.Payments, one at a time, so that memory does
// not grow with the file.
//
// Headers are Chinese (支付日期, 预算单位编码, …) or English (paid_on,
// unit_code, …), in any order; 收款人 and 摘要 are optional. A CSV file is
// UTF-8 (with or without a byte-order mark) or GB18030 (GBK), as Chinese
// spreadsheet programs save it. Every bad row is named with its line (or
// cell), column and value, all of them in one run, up to MaxProblems; the
// caller writes nothing when Err returns an error.
package ledger

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/monitor"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// MaxProblems is how many problems a file's error lists; the rest are
// counted ("另有 N 处").
const MaxProblems = 200

// MaxRecord bounds one CSV record (a line, or several when a quoted field
// spans lines). A payment record is a few hundred bytes; a record that
// grows past this is almost always a quote never closed, and reading on
// would hold the rest of the file in memory. Reading stops with one
// problem naming where the record began.
const MaxRecord = 64 << 10

// Problem is one bad value (or a bad line) of a file.
type Problem struct {
	Line   int    // line of a CSV file, row of a sheet; 0 for the file as a whole
	Cell   string // cell of a sheet ("G12"); "" for CSV
	Column string // the column's header as the file writes it
	Value  string
	Reason string
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Cell != "":
		fmt.Fprintf(&b, "单元格 %s", p.Cell)
	case p.Line > 0:
		fmt.Fprintf(&b, "第 %d 行", p.Line)
	}
	if p.Column != "" {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "“%s”列", p.Column)
	}
	if p.Value != "" {
		fmt.Fprintf(&b, " 的值 %q", clip(p.Value))
	}
	if b.Len() > 0 {
		b.WriteString("：")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// Error lists the problems of one file. Nothing of the file may be stored
// when a reader ends with it.
type Error struct {
	File     string
	Problems []Problem // at most MaxProblems
	More     int       // problems found beyond those listed
	// Cause is the failure to read the file itself, if reading stopped
	// (a request body over its limit, say); nil when only rows were bad.
	Cause error
}

// Unwrap gives the failure to read the file, for errors.As.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s：%d 处错误，整个文件未导入", e.File, len(e.Problems)+e.More)
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s：%s", e.File, p)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  另有 %d 处错误未列出", e.More)
	}
	return b.String()
}

// Format names what a file was read as.
type Format string

// Formats.
const (
	CSVUTF8    Format = "CSV（UTF-8）"
	CSVGB18030 Format = "CSV（GB18030）"
	XLSX       Format = "Excel 工作簿（.xlsx）"
)

// Reader reads payments one at a time:
//
//	r, err := ledger.Open(name, f)
//	for r.Next() { use(r.Payment()) }
//	if err := r.Err(); err != nil { /* nothing may be kept */ }
type Reader struct {
	schema  *schema
	file    string
	format  Format
	hash    hash.Hash
	src     rowSource
	cols    columnMap
	ignored []string

	cur      monitor.Payment
	rows     int
	problems []Problem
	more     int
	ioErr    error
	cause    error // ioErr once Err reported it
	done     bool
}

// rowSource gives the rows of a file: the fields, the line (or sheet row)
// and, for a sheet, the cell names. It returns io.EOF at the end; a
// *lineError is a bad line to report and go on after.
type rowSource interface {
	next() (fields []string, line int, err error)
	cell(col, line int) string // "" for CSV
	close() error
}

type lineError struct {
	line   int
	reason string
}

func (e *lineError) Error() string { return e.reason }

// Open reads a file's header and returns a reader of its rows. The file is
// recognised by its content: an .xlsx workbook (a zip), an old .xls
// (refused by name), else CSV. A header without a required column is an
// *Error naming every missing one.
func Open(file string, r io.Reader) (*Reader, error) { return open(file, r, payments) }

func open(file string, r io.Reader, sc *schema) (*Reader, error) {
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 64<<10)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(file, err)
	}
	rd := &Reader{schema: sc, file: file, hash: h}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		rd.format = XLSX
		rd.src, err = openXLSX(file, br)
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return nil, &Error{File: file, Problems: []Problem{{Reason: "是旧版 .xls（或 WPS .et）表格，无法读取：请另存为 .xlsx 或 CSV 后再导入"}}}
	default:
		rd.format, rd.src, err = openCSV(br)
	}
	if err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return nil, &Error{File: file, Problems: []Problem{{Line: le.line, Reason: le.reason}}}
		}
		var fe *Error
		if errors.As(err, &fe) {
			return nil, fe
		}
		return nil, readError(file, err)
	}
	if err := rd.header(); err != nil {
		rd.src.close()
		return nil, err
	}
	return rd, nil
}

// readError words a failure to read the file itself.
func readError(file string, err error) error {
	return &Error{File: file, Problems: []Problem{{Reason: "读取失败：" + ioReason(err)}}, Cause: err}
}

func ioReason(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "文件不完整"
	default:
		return "文件无法读取"
	}
}

// Format is what the file was read as.
func (r *Reader) Format() Format { return r.format }

// Ignored lists the header cells no column of the ledger has: they are
// not read.
func (r *Reader) Ignored() []string { return r.ignored }

// Next reads the next good row, collecting the problems of bad ones. It
// returns false at the end of the file or after a failure to read it.
func (r *Reader) Next() bool {
	for {
		fields, line, ok := r.nextFields()
		if !ok {
			return false
		}
		p, ok := r.row(fields, line)
		if !ok {
			continue
		}
		r.cur = p
		r.rows++
		return true
	}
}

// nextFields reads the next row's fields, collecting the problems of rows
// that cannot be read. It returns false at the end of the file or after a
// failure to read it.
func (r *Reader) nextFields() ([]string, int, bool) {
	if r.done {
		return nil, 0, false
	}
	for {
		fields, line, err := r.src.next()
		if err == nil {
			return fields, line, true
		}
		var le *lineError
		if errors.As(err, &le) {
			r.add(Problem{Line: le.line, Reason: le.reason})
			continue
		}
		var tl *recordTooLong
		switch {
		case errors.As(err, &tl):
			// Fatal: the reader cannot find the next record's start.
			r.add(Problem{Line: tl.line, Reason: tl.Error()})
		case !errors.Is(err, io.EOF):
			r.ioErr = err
		}
		r.finish()
		return nil, 0, false
	}
}

func (r *Reader) finish() {
	r.done = true
	// Hash what was not read (a workbook is read whole; a CSV file to its
	// end), so the digest is the file's.
	if err := r.src.close(); err != nil && r.ioErr == nil {
		r.ioErr = err
	}
}

// Payment is the row Next read.
func (r *Reader) Payment() monitor.Payment { return r.cur }

// Rows is how many good rows were read.
func (r *Reader) Rows() int { return r.rows }

// Err is nil when every row was good; else an *Error listing the problems.
// Call it after Next returned false.
func (r *Reader) Err() error {
	if r.ioErr != nil {
		r.add(Problem{Reason: "读取中断：" + ioReason(r.ioErr)})
		r.cause, r.ioErr = r.ioErr, nil
	}
	if len(r.problems) == 0 {
		return nil
	}
	return &Error{File: r.file, Problems: r.problems, More: r.more, Cause: r.cause}
}

// Digest is the SHA-256 of the file's bytes, in hex, once Next has
// returned false.
func (r *Reader) Digest() string { return hex.EncodeToString(r.hash.Sum(nil)) }

// Close releases the reader (a workbook's temporary files). Reading to
// the end closes it too.
func (r *Reader) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	return r.src.close()
}

func (r *Reader) add(p Problem) {
	if len(r.problems) < MaxProblems {
		r.problems = append(r.problems, p)
		return
	}
	r.more++
}

// csvSource reads CSV records.
type csvSource struct {
	br    *bufio.Reader
	cr    *csv.Reader
	bound *recordBound
	line  int // line of the last record read
}

// recordBound is the reader under the CSV parser. It refuses to give more
// bytes once the record being parsed (what was given past the end of the
// last whole record, less the parser's buffer) exceeds MaxRecord.
type recordBound struct {
	r      io.Reader
	served int64 // bytes given to the parser
	start  int64 // where the record being parsed began
	src    *csvSource
}

// csvBuffer is the size of the parser's own read buffer: it may read that
// far past a record's end.
const csvBuffer = 4096

func (b *recordBound) Read(p []byte) (int, error) {
	if b.served-b.start > MaxRecord+csvBuffer {
		return 0, &recordTooLong{line: b.src.line + 1}
	}
	n, err := b.r.Read(p)
	b.served += int64(n)
	return n, err
}

// recordTooLong ends the reading of a CSV file: a record grew past
// MaxRecord.
type recordTooLong struct{ line int }

func (e *recordTooLong) Error() string {
	return fmt.Sprintf("从此行起的一条记录超过 %d KB，读取停止：多半是某个字段的引号没有闭合（字段内的双引号应写作两个双引号）", MaxRecord>>10)
}

func openCSV(br *bufio.Reader) (Format, rowSource, error) {
	// The encoding is decided on the first 64 KB (the header and the first
	// rows): valid UTF-8 there means UTF-8.
	peek, _ := br.Peek(64 << 10)
	peek = bytes.TrimPrefix(peek, []byte("\xEF\xBB\xBF"))
	format := CSVUTF8
	if !validPrefix(peek) {
		format = CSVGB18030
	}
	if format == CSVUTF8 {
		if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
			br.Discard(3)
		}
	}
	var in io.Reader = br
	if format == CSVGB18030 {
		in = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	src := &csvSource{br: br}
	src.bound = &recordBound{r: in, src: src}
	cr := csv.NewReader(src.bound)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	src.cr = cr
	return format, src, nil
}

// validPrefix reports whether b is UTF-8 but for a character cut at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.cr.Read()
	// InputOffset counts the lines read, not only whole records: taken
	// here, after a record, it is where the next record begins.
	s.bound.start = s.cr.InputOffset()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			s.line = pe.Line
			return nil, 0, &lineError{line: pe.StartLine, reason: csvReason(pe)}
		}
		return nil, 0, err
	}
	line, _ := s.cr.FieldPos(0)
	s.line, _ = s.cr.FieldPos(len(rec) - 1)
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return nil, 0, &lineError{line: line, reason: fmt.Sprintf("第 %d 个字段不是有效的 UTF-8 文本：文件前部为 UTF-8，此处编码不同，请将整个文件存为同一种编码", i+1)}
		}
	}
	return rec, line, nil
}

func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return "引号使用有误（字段内的双引号应写作两个双引号，整个字段用双引号括起）"
	}
	return "CSV 格式有误"
}

func (s *csvSource) cell(int, int) string { return "" }

// close reads what is left of the file, so the digest covers all of it.
func (s *csvSource) close() error {
	_, err := io.Copy(io.Discard, s.br)
	return err
}
