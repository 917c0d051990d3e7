package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/gen"
	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
)

// withProvince stores two generated departments for 2024 with two
// projects each: units 900001 and 900002, projects 900001-2024-01, ….
func withProvince(t *testing.T, dsn string) *Store {
	t.Helper()
	return withProvinceEdited(t, dsn, func(*evaluation.Evaluation) {})
}

// withProvinceEdited is withProvince with each department-year changed
// by edit before it is stored.
func withProvinceEdited(t *testing.T, dsn string, edit func(*evaluation.Evaluation)) *Store {
	t.Helper()
	s := open(t, dsn)
	var entries []Entry
	for _, ev := range gen.Province(gen.Options{Departments: 2, Years: 1, FirstYear: 2024, Projects: 2, Seed: 3}) {
		edit(ev)
		entries = append(entries, entry(t, ev, ev.Department.Code+".yaml"))
	}
	if _, err := s.Import(context.Background(), entries, "测试", "导入"); err != nil {
		t.Fatal(err)
	}
	return s
}

// importCSV imports a CSV text as file name through the ledger reader.
func importCSV(t *testing.T, s *Store, name, data string) (*PaymentImport, error) {
	t.Helper()
	r, err := ledger.Open(name, strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s.ImportPayments(context.Background(), name, r, "财政局张三")
}

const ledgerHeader = "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号,收款人,摘要\n"

// The worked example: 560,000.00 yuan of initial budget, 174,720.00 paid
// by 31 July after a refund, one voucher twice in the file: 31.20% against
// 58.33%, 27.13 points behind. Importing the file again adds nothing.
const workedLedger = ledgerHeader +
	"2024-01-15,900001,900001-2024-01,2010101 行政运行,30201 办公费,一般公共预算,20000.00,PZ-0001,某供应商,\n" +
	"2024-03-20,900001,900001-2024-01,2010101 行政运行,30201 办公费,一般公共预算,60000.00,PZ-0002,某供应商,\n" +
	"2024-05-10,900001,900001-2024-01,2010101 行政运行,30227 委托业务费,一般公共预算,50000.00,PZ-0003,某咨询公司,\n" +
	"2024-06-30,900001,900001-2024-01,2010101 行政运行,30227 委托业务费,一般公共预算,48000.00,PZ-0004,某咨询公司,\n" +
	"2024-06-30,900001,900001-2024-01,2010101 行政运行,30227 委托业务费,一般公共预算,48000.00,PZ-0004,某咨询公司,重复导出的同一凭证\n" +
	"2024-07-31,900001,900001-2024-01,2010101 行政运行,30227 委托业务费,一般公共预算,-3280.00,PZ-0005,某咨询公司,退回多付款\n" +
	"2024-08-01,900001,900001-2024-01,2010101 行政运行,30201 办公费,一般公共预算,9999.00,PZ-0006,某供应商,8月支付不计入7月末\n" +
	"2024-07-01,900001,,2010101 行政运行,30101 基本工资,一般公共预算,300000.00,PZ-0007,,基本支出\n" +
	"2024-07-02,900002,900002-2024-02,2010101 行政运行,30201 办公费,一般公共预算,1.00,PZ-0001,,另一单位同号凭证\n"

func TestImportPaymentsWorkedExample(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := withProvince(t, dsn)
		res, err := importCSV(t, s, "2024年1-8月.csv", workedLedger)
		if err != nil {
			t.Fatal(err)
		}
		// PZ-0001 of 900002 collides with PZ-0001 of 900001: vouchers are
		// unique in a year, so the second is a voucher already there.
		if res.Rows != 9 || res.Added != 7 || res.Skipped() != 2 || len(res.Earlier) != 0 || len(res.Years) != 1 || res.Years[0] != 2024 {
			t.Errorf("import: %+v, want 9 rows, 7 added, 2 skipped, year 2024", res)
		}
		paid, err := s.PaidByMonth(ctx, 2024, "900001")
		if err != nil {
			t.Fatal(err)
		}
		curves, err := monitor.Curves(paid, false)
		if err != nil {
			t.Fatal(err)
		}
		c := curves[monitor.Key{Unit: "900001", Project: "900001-2024-01"}]
		if c == nil {
			t.Fatalf("no curve for the project: %v", paid)
		}
		rows, err := monitor.Execution(monitor.Budget{Initial: money.Yuan(560_000)}, *c, 7, monitor.Schedule{})
		if err != nil {
			t.Fatal(err)
		}
		jul := rows[6]
		if jul.PaidToDate != money.Yuan(174_720) || jul.Rate.String() != "31.20" || jul.TimeProgress.String() != "58.33" || jul.Gap.String() != "27.13" {
			t.Errorf("July: paid %s, rate %s, time progress %s, gap %s; want 174720.00, 31.20, 58.33, 27.13", jul.PaidToDate, jul.Rate, jul.TimeProgress, jul.Gap)
		}
		if basic := curves[monitor.Key{Unit: "900001"}]; basic == nil || basic[6] != money.Yuan(300_000) {
			t.Errorf("basic expenditure curve %v", basic)
		}
		all, err := s.PaidByMonth(ctx, 2024, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(paid) {
			t.Errorf("all units: %d sums, unit 900001: %d (900002's only voucher was a duplicate)", len(all), len(paid))
		}

		again, err := importCSV(t, s, "2024年1-8月（重发）.csv", workedLedger)
		if err != nil {
			t.Fatal(err)
		}
		if again.Added != 0 || again.Skipped() != 9 || len(again.Earlier) != 1 || again.Earlier[0] != res.ID {
			t.Errorf("re-import: %+v, want nothing added, 9 skipped, the first import named", again)
		}
		if n := count(t, s, "payments"); n != 7 {
			t.Errorf("%d payments stored, want 7", n)
		}
		hist, err := s.PaymentImports(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Added != 0 || hist[1].Added != 7 || hist[1].Rows != 9 || hist[1].Actor != "财政局张三" || len(hist[1].SHA256) != 64 || hist[0].SHA256 != hist[1].SHA256 {
			t.Errorf("import history %+v", hist)
		}
		if s.Dialect() == Postgres {
			var parts []string
			rows, err := s.db.Query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'payments' AND c.relkind = 'r' ORDER BY 1`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				rows.Scan(&n)
				parts = append(parts, n)
			}
			rows.Close()
			if strings.Join(parts, ",") != "payments_2024" {
				t.Errorf("partitions %v, want payments_2024", parts)
			}
		}
	})
}

// Unknown units and projects are listed with their lines and nothing of
// the file is stored; bad rows are listed in the same answer.
func TestImportPaymentsUnknownCodes(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := withProvince(t, dsn)
		data := ledgerHeader +
			"2024-02-01,900001,900001-2024-01,教育,办公费,一般公共预算,100,V1,,\n" +
			"2024-02-01,999999,,教育,办公费,一般公共预算,100,V2,,\n" +
			"2024-02-02,999999,,教育,办公费,一般公共预算,100,V3,,\n" +
			"2024-02-01,900001,900001-2024-99,教育,办公费,一般公共预算,100,V4,,\n" +
			"2023-12-31,900002,900002-2023-01,教育,办公费,一般公共预算,100,V5,,\n" +
			"2023-12-30,900002,,教育,办公费,一般公共预算,100,V6,,\n"
		_, err := importCSV(t, s, "x.csv", data)
		var pe *PaymentImportError
		if !errors.As(err, &pe) || apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("error %v (%T), want *PaymentImportError, EINVALID", err, err)
		}
		msg := err.Error()
		for _, want := range []string{
			"x.csv：3 处单位或项目编码未登记，整个文件未导入",
			"x.csv：第 3 行起 2 条：预算单位编码“999999”未登记",
			"x.csv：第 5 行：预算单位 900001 的 2024 年度没有项目编码“900001-2024-99”",
			"x.csv：第 6 行：项目编码“900002-2023-01”无法核对：预算单位 900002 的 2023 年度数据未入库",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("the error does not say %q:\n%s", want, msg)
			}
		}
		if strings.Contains(msg, "V6") || strings.Contains(msg, "第 7 行") {
			t.Errorf("basic expenditure of a registered unit was refused:\n%s", msg)
		}
		// A bad row and an unknown unit: both in one answer.
		_, err = importCSV(t, s, "y.csv", ledgerHeader+
			"2024-02-30,900001,,教育,办公费,一般公共预算,100,W1,,\n"+
			"2024-02-01,888888,,教育,办公费,一般公共预算,100,W2,,\n")
		if err == nil || !strings.Contains(err.Error(), "y.csv：第 2 行 “支付日期”列") || !strings.Contains(err.Error(), "预算单位编码“888888”未登记") {
			t.Errorf("error %v, want the bad date and the unknown unit", err)
		}
		if n := count(t, s, "payments"); n != 0 {
			t.Errorf("%d payments stored from refused files", n)
		}
		if n := count(t, s, "payment_imports"); n != 0 {
			t.Errorf("%d imports recorded from refused files", n)
		}
		if _, err := s.ImportPayments(context.Background(), "z.csv", nil, " "); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "操作人") {
			t.Errorf("a blank actor: %v", err)
		}
	})
}

// A year's sums past the int64 range are refused, never wrapped.
func TestPaidByMonthOverflow(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := withProvince(t, dsn)
		if _, err := importCSV(t, s, "a.csv", ledgerHeader+"2024-02-01,900001,,教育,办公费,一般公共预算,100,V1,,\n"); err != nil {
			t.Fatal(err)
		}
		// Amounts a reader never passes, written behind its back.
		for _, v := range []string{"V2", "V3"} {
			if _, err := s.db.Exec(s.rebind(`INSERT INTO payments (year, paid_on, unit_code, project_code, functional_class, economic_class, fund_type, amount, voucher, import_id)
				SELECT year, paid_on, unit_code, project_code, functional_class, economic_class, fund_type, ?, ?, import_id FROM payments WHERE voucher = 'V1'`), int64(1)<<62, v); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.PaidByMonth(context.Background(), 2024, "")
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "超出可计算范围") {
			t.Errorf("overflowing sum: %v", err)
		}
	})
}
