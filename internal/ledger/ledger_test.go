package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// readAll reads every payment of a file, and the reader's error.
func readAll(t *testing.T, name string, data []byte) ([]monitor.Payment, *Reader, error) {
	t.Helper()
	r, err := Open(name, bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	var out []monitor.Payment
	for r.Next() {
		out = append(out, r.Payment())
	}
	return out, r, r.Err()
}

const chineseCSV = "\ufeff摘要,金额（元）,支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,支付凭证号\r\n" +
	"购置办公设备,\"12,345.60\",2024-07-31,910001,910001-2024-01,2010101 行政运行,30201 办公费,一般公共预算,PZ2024000001\r\n" +
	"\r\n" +
	"退回多付款,-345.60,2024/8/2,910001,910001-2024-01,2010101 行政运行,30201 办公费,一般公共预算,PZ2024000002\r\n" +
	",5000,20240105,910002,,2010101 行政运行,30101 基本工资,一般公共预算,PZ2024000003\r\n"

func TestReadChineseHeadersAnyOrder(t *testing.T) {
	ps, r, err := readAll(t, "a.csv", []byte(chineseCSV))
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != CSVUTF8 || len(r.Ignored()) != 0 {
		t.Errorf("format %s, ignored %v", r.Format(), r.Ignored())
	}
	want := []monitor.Payment{
		{PaidOn: civil.MustDate(2024, time.July, 31), UnitCode: "910001", ProjectCode: "910001-2024-01", FunctionalClass: "2010101 行政运行", EconomicClass: "30201 办公费", FundType: "一般公共预算", Amount: 1234560, Voucher: "PZ2024000001", Memo: "购置办公设备", Line: 2},
		{PaidOn: civil.MustDate(2024, time.August, 2), UnitCode: "910001", ProjectCode: "910001-2024-01", FunctionalClass: "2010101 行政运行", EconomicClass: "30201 办公费", FundType: "一般公共预算", Amount: -34560, Voucher: "PZ2024000002", Memo: "退回多付款", Line: 4},
		{PaidOn: civil.MustDate(2024, time.January, 5), UnitCode: "910002", FunctionalClass: "2010101 行政运行", EconomicClass: "30101 基本工资", FundType: "一般公共预算", Amount: 500000, Voucher: "PZ2024000003", Line: 5},
	}
	if fmt.Sprint(ps) != fmt.Sprint(want) {
		t.Errorf("read\n%v\nwant\n%v", ps, want)
	}
	sum := sha256.Sum256([]byte(chineseCSV))
	if r.Digest() != hex.EncodeToString(sum[:]) {
		t.Error("the digest is not the file's SHA-256")
	}
}

func TestReadEnglishHeadersAndGB18030(t *testing.T) {
	english := "voucher,paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,payee,备注\n" +
		"V1,2024-03-01,U1,P1,教育,办公费,一般公共预算,100.00,某某公司,x\n"
	ps, r, err := readAll(t, "e.csv", []byte(english))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Payee != "某某公司" || ps[0].Amount != 10000 || ps[0].Voucher != "V1" {
		t.Errorf("read %+v", ps)
	}
	if fmt.Sprint(r.Ignored()) != "[备注]" {
		t.Errorf("ignored %v, want [备注]", r.Ignored())
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(strings.TrimPrefix(chineseCSV, "\ufeff")))
	if err != nil {
		t.Fatal(err)
	}
	gps, gr, err := readAll(t, "gb.csv", gb)
	if err != nil {
		t.Fatal(err)
	}
	ups, _, _ := readAll(t, "a.csv", []byte(chineseCSV))
	if gr.Format() != CSVGB18030 || fmt.Sprint(gps) != fmt.Sprint(ups) {
		t.Errorf("GB18030 (%s) read\n%v\nwant\n%v", gr.Format(), gps, ups)
	}
}

// Every bad value is named with its line, column and value; the good rows
// of a bad file are still read but the error says nothing may be kept.
func TestEveryBadRowNamed(t *testing.T) {
	data := "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号\n" +
		"2024-07-31,U1,,教育,办公费,一般公共预算,100,V1\n" +
		"2024-02-30,U1,,教育,办公费,一般公共预算,1.005,V2\n" +
		"2024-07-31,,,教育,办公费,一般公共预算,abc,\n" +
		"2024-07-31,U 1,,教育,办公费,一般公共预算,0,V4\n" +
		"1999-12-31,U1,,,办公费,一般公共预算,\"1,00\",V5\n" +
		"2024-07-31,U1,\"P\"1\",教育,办公费,一般公共预算,1,V6\n"
	ps, _, err := readAll(t, "bad.csv", []byte(data))
	var le *Error
	if !errors.As(err, &le) {
		t.Fatalf("error %v, want *Error", err)
	}
	if len(ps) != 1 {
		t.Errorf("%d good rows, want 1", len(ps))
	}
	msg := err.Error()
	for _, want := range []string{
		"bad.csv：11 处错误，整个文件未导入",
		`bad.csv：第 3 行 “支付日期”列 的值 "2024-02-30"：不是有效日期：2024-02-30 无效：该月没有这一天`,
		`第 3 行 “金额（元）”列 的值 "1.005"：不是有效金额：精度超过 1 分`,
		"第 4 行 “预算单位编码”列：不能为空",
		`第 4 行 “金额（元）”列 的值 "abc"：不是有效金额`,
		"第 4 行 “支付凭证号”列：不能为空",
		`第 5 行 “预算单位编码”列 的值 "U 1"`,
		`第 5 行 “金额（元）”列 的值 "0"：金额为零`,
		`第 6 行 “支付日期”列 的值 "1999-12-31"：年份 1999 超出范围`,
		"第 6 行 “功能分类”列：不能为空",
		`第 6 行 “金额（元）”列 的值 "1,00"：不是有效金额：千位分隔符位置不正确`,
		"第 7 行：引号使用有误",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
}

func TestProblemsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n")
	for i := range MaxProblems + 57 {
		fmt.Fprintf(&b, "2024-01-01,U1,,a,b,c,x%d,V%d\n", i, i)
	}
	_, _, err := readAll(t, "many.csv", []byte(b.String()))
	var le *Error
	if !errors.As(err, &le) || len(le.Problems) != MaxProblems || le.More != 57 {
		t.Fatalf("error %T with %d listed, %d more; want %d and 57", err, len(le.Problems), le.More, MaxProblems)
	}
	if !strings.Contains(err.Error(), "另有 57 处错误未列出") || !strings.Contains(err.Error(), fmt.Sprintf("%d 处错误", MaxProblems+57)) {
		t.Errorf("the error does not count the rest:\n%s", err.Error()[len(err.Error())-200:])
	}
}

func TestHeaderProblems(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"支付日期,单位编码,金额,voucher,预算单位编码\n", "第 5 列与第 2 列“单位编码”是同一列"},
		{"支付日期,预算单位编码,金额\n", "表头缺少必需的列：项目编码（project_code）、功能分类（functional_class）、经济分类（economic_class）、资金性质（fund_type）、支付凭证号（voucher）"},
		{"", "文件为空"},
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "旧版 .xls"},
		{"PK\x03\x04garbage", "不是可读取的 Excel 工作簿"},
	} {
		_, err := Open("h.csv", strings.NewReader(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.data, err, tc.want)
		}
	}
}

func TestReadWorkbook(t *testing.T) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	rows := [][]any{
		{"支付凭证号", "支付日期", "预算单位编码", "项目编码", "功能分类", "经济分类", "资金性质", "金额（元）", "收款人"},
		{"V1", civil.MustDate(2024, time.July, 31).Time(), "U1", "P1", "教育", "办公费", "一般公共预算", 174720.5, "某公司"},
		{"V2", "2024-08-01", "U1", "", "教育", "办公费", "一般公共预算", -20, ""},
		{"V3", "2024-08-01", "U1", "", "教育", "办公费", "一般公共预算", "十元", ""},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle(sh, "B2", "B2", style)
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	ps, r, err := readAll(t, "l.xlsx", buf.Bytes())
	if r == nil || r.Format() != XLSX {
		t.Fatalf("not read as a workbook: %v", err)
	}
	if err == nil || !strings.Contains(err.Error(), `单元格 H4 “金额（元）”列 的值 "十元"`) {
		t.Errorf("error %v, want the bad cell H4 named", err)
	}
	if len(ps) != 2 || ps[0].PaidOn != civil.MustDate(2024, time.July, 31) || ps[0].Amount != 17472050 || ps[1].Amount != -2000 || ps[0].Line != 2 || ps[0].Payee != "某公司" {
		t.Errorf("read %+v", ps)
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{"2024-07-31": "2024-07-31", "2024/7/1": "2024-07-01", "20241231": "2024-12-31", "2024年7月31日": "2024-07-31", "2024.07.31": "2024-07-31"} {
		d, err := parseDate(in, false)
		if err != nil || d.String() != want {
			t.Errorf("%s: %v %v, want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"45504", "2024-13-01", "24-07-31", "2024-07", "31/07/2024", "2024-07-31T00:00"} {
		if _, err := parseDate(in, false); err == nil {
			t.Errorf("%s was read as a date", in)
		}
	}
	if d, err := parseDate("45504", true); err != nil || d.String() != "2024-07-31" {
		t.Errorf("serial 45504 in a workbook: %v %v", d, err)
	}
}

// generated is a CSV ledger of n rows made as it is read, so that the
// test holds no file.
type generated struct {
	n, i int
	buf  []byte
}

func (g *generated) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i <= g.n {
		if g.i == 0 {
			g.buf = append(g.buf, "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号,收款人,摘要\n"...)
		} else {
			g.buf = fmt.Appendf(g.buf, "2024-%02d-%02d,U%04d,U%04d-P%02d,2050101 教育管理事务,30201 办公费,一般公共预算,%d.%02d,PZ%010d,示例供应商有限公司,办公用品采购\n",
				1+g.i%12, 1+g.i%28, g.i%3000, g.i%3000, g.i%20, 1+g.i%100000, g.i%100, g.i)
		}
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// Reading a million rows (half a million under the race detector) keeps
// the heap flat: memory does not grow with the file.
func TestStreamingMemoryBounded(t *testing.T) {
	const n = memoryTestRows
	r, err := Open("big.csv", &generated{n: n})
	if err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var total money.Fen
	var at100k, peak uint64
	for r.Next() {
		total += r.Payment().Amount
		if k := r.Rows(); k%100_000 == 0 {
			h := heap()
			if k == 100_000 {
				at100k = h
			}
			peak = max(peak, h)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if r.Rows() != n {
		t.Fatalf("read %d rows, want %d", r.Rows(), n)
	}
	t.Logf("heap after GC: %d KB at 100,000 rows, at most %d KB up to %d rows", at100k>>10, peak>>10, n)
	if peak > at100k+1<<20 || peak > 8<<20 {
		t.Errorf("the heap grew with the file: %d KB at 100,000 rows, %d KB at most", at100k>>10, peak>>10)
	}
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	io.Copy(&buf, &generated{n: 100_000})
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		r, err := Open("b.csv", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*100_000/b.Elapsed().Seconds(), "rows/s")
}

// endless gives a CSV header, one good row, then a field whose quote is
// never closed followed by n bytes of lines.
type endless struct {
	head []byte
	n    int
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.head) > 0 {
		k := copy(p, e.head)
		e.head = e.head[k:]
		return k, nil
	}
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), e.n)
	for i := range k {
		p[i] = 'x'
		if i%80 == 79 {
			p[i] = '\n'
		}
	}
	e.n -= k
	return k, nil
}

// A quote never closed would make the CSV parser hold the rest of the file
// as one field: reading stops at MaxRecord with one problem naming the
// line the record began on, and the heap stays small.
func TestUnclosedQuoteBounded(t *testing.T) {
	const size = 200 << 20
	src := &endless{n: size, head: []byte("支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号,收款人,摘要\n2024-07-01,106001,P1,2010101,30201,一般公共预算,1.00,V1,某公司,办公\n2024-07-02,106001,P1,2010101,30201,一般公共预算,2.00,V2,某公司,\"未闭合")}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := Open("quote.csv", src)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	err = r.Err()
	var le *Error
	if !errors.As(err, &le) || len(le.Problems) != 1 {
		t.Fatalf("error %v; want one problem", err)
	}
	if p := le.Problems[0]; p.Line != 3 || !strings.Contains(p.Reason, "64 KB") || !strings.Contains(p.Reason, "引号") {
		t.Fatalf("problem %+v; want line 3, the 64 KB bound and the quote named", p)
	}
	if src.n != 0 {
		t.Fatalf("%d bytes left unread: the digest must cover the whole file", src.n)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Fatalf("reading allocated %d MB for a %d MB file: the record was not bounded", grew>>20, size>>20)
	}
}
