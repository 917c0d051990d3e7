package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/gen"
)

func cmdGen(e *env, args []string) error {
	fs := newFlags("gen", e)
	o := gen.Options{}
	fs.IntVar(&o.Departments, "departments", 50, "部门数")
	fs.IntVar(&o.Years, "years", 1, "年度数")
	fs.IntVar(&o.FirstYear, "first-year", 2023, "起始年度")
	fs.IntVar(&o.Projects, "projects", 10, "每个部门每年的项目数")
	fs.Uint64Var(&o.Seed, "seed", 1, "随机种子（相同种子生成相同数据）")
	payments := fs.Int("payments", 0, "另生成支付明细 payments.csv 的条数（含退款及少量重复凭证）")
	out := fs.String("o", "", "输出目录")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("gen 不接受位置参数：%v", pos)
	}
	if *out == "" {
		return usageErr("需要用 -o 指定输出目录")
	}
	if o.Departments < 1 || o.Years < 1 || o.Projects < 0 || o.Departments > 99_999 {
		return usageErr("部门数应为 1 至 99999，年度数至少为 1，项目数不能为负")
	}
	if *payments < 0 {
		return usageErr("支付明细条数（--payments）不能为负")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fileError(*out, err)
	}
	evs := gen.Province(o)
	for _, ev := range evs {
		data, err := datafile.MarshalEvaluation(ev)
		if err != nil {
			return err
		}
		name := filepath.Join(*out, fmt.Sprintf("%s-%d.yaml", ev.Department.Code, ev.Year))
		if err := writeFileAtomic(name, data); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "已生成 %d 个部门年度数据文件（%d 个部门 × %d 年，每年 %d 个项目）到 %s\n", len(evs), o.Departments, o.Years, o.Projects, *out)
	if *payments > 0 {
		name := filepath.Join(*out, "payments.csv")
		st, err := writePayments(name, evs, *payments, o.Seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已生成支付明细 %s：%d 条（退款 %d 条，重复导出的凭证 %d 条）\n", name, st.Rows, st.Refunds, st.Duplicates)
	}
	return nil
}

// writePayments writes a generated ledger to name through a temporary
// file renamed into place, streaming (a ledger may be large).
func writePayments(name string, evs []*evaluation.Evaluation, n int, seed uint64) (gen.PaymentStats, error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".payments-*.csv")
	if err != nil {
		return gen.PaymentStats{}, fileError(name, err)
	}
	defer os.Remove(tmp.Name())
	st, err := gen.Payments(tmp, evs, n, seed)
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return st, fileError(name, err)
	}
	return st, nil
}
