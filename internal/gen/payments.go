package gen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// PaymentsHeader is the header of a generated ledger (the Chinese column
// names the ledger reader takes).
const PaymentsHeader = "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号,收款人,摘要\n"

// monthWeights spread payments over the year as treasuries see them: slow
// in January, a rise through the year and the year-end rush in December.
var monthWeights = [12]int{4, 6, 8, 8, 8, 9, 8, 8, 9, 9, 10, 19}

var economic = []string{"30201 办公费", "30205 水费", "30211 差旅费", "30213 维修（护）费", "30216 培训费", "30226 劳务费", "30227 委托业务费", "31002 办公设备购置"}

var payees = []string{"示例市办公用品有限公司", "示例市信息技术服务有限公司", "示例市物业管理有限公司", "示例市建设工程有限公司", "示例市咨询服务中心", "示例市印刷厂"}

// PaymentStats says what a generated ledger holds.
type PaymentStats struct {
	Rows       int // lines written, duplicates included
	Refunds    int
	Duplicates int // lines repeating an earlier line's voucher exactly
}

// Payments writes a treasury payment ledger of n lines as CSV for the
// generated department-years evs: payments to their projects (by project
// code) and to basic expenditure (empty project code), on days of the
// year weighted towards December, with about 2% refunds (negative
// amounts) and about 0.5% lines exported twice (the same voucher again,
// which an import counts once). The same evs, n and seed give the same
// bytes. Rows are written as they are made: memory does not grow with n.
func Payments(w io.Writer, evs []*evaluation.Evaluation, n int, seed uint64) (PaymentStats, error) {
	type target struct {
		unit, project string
		year          int
		budget        money.Fen
	}
	var targets []target
	for _, ev := range evs {
		targets = append(targets, target{unit: ev.Department.Code, year: ev.Year, budget: ev.Finance.Expenditure.Basic})
		for _, p := range ev.Projects {
			targets = append(targets, target{unit: ev.Department.Code, project: p.Code, year: ev.Year, budget: p.Initial})
		}
	}
	var st PaymentStats
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString(PaymentsHeader); err != nil {
		return st, err
	}
	if len(targets) == 0 || n <= 0 {
		return st, bw.Flush()
	}
	// Each target gets n/len(targets) payments on average; an amount is
	// its budget over that count, times 0.2 to 1.8.
	per := max(int64(n)/int64(len(targets)), 1)
	var monthTotal int
	for _, w := range monthWeights {
		monthTotal += w
	}
	r := rand.New(rand.NewPCG(seed, 0x7061796d656e7473))
	var line, last []byte
	seq := 0
	for st.Rows < n {
		if last != nil && r.IntN(200) == 0 {
			if _, err := bw.Write(last); err != nil {
				return st, err
			}
			st.Rows++
			st.Duplicates++
			continue
		}
		t := targets[r.IntN(len(targets))]
		pick := r.IntN(monthTotal)
		month := 1
		for ; pick >= monthWeights[month-1]; month++ {
			pick -= monthWeights[month-1]
		}
		days := time.Date(t.year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		day := 1 + r.IntN(days)
		amount := money.Fen(max(int64(t.budget)/per*int64(20+r.IntN(161))/100, 100))
		memo := "支付"
		refund := r.IntN(50) == 0
		if refund {
			amount = -amount / 3
			if amount == 0 {
				amount = -1
			}
			memo = "退回多付款"
			st.Refunds++
		}
		seq++
		line = line[:0]
		line = append(line, civil.MustDate(t.year, time.Month(month), day).String()...)
		line = append(line, ',')
		line = append(line, t.unit...)
		line = append(line, ',')
		line = append(line, t.project...)
		line = append(line, ",2010101 行政运行,"...)
		line = append(line, economic[r.IntN(len(economic))]...)
		line = append(line, ",一般公共预算,"...)
		line = append(line, amount.String()...)
		line = append(line, ",PZ"...)
		line = strconv.AppendInt(line, int64(t.year), 10)
		line = append(line, '-')
		line = strconv.AppendInt(line, int64(seq), 10)
		line = append(line, ',')
		line = append(line, payees[r.IntN(len(payees))]...)
		line = append(line, ',')
		line = append(line, memo...)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return st, err
		}
		last = append(last[:0], line...)
		st.Rows++
	}
	return st, bw.Flush()
}
