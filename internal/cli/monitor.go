package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/store"
)

func cmdMonitor(e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usageErr("用法：jixiao monitor import FILE… [--db DB] [--actor 操作人]（国库集中支付明细，CSV 或 .xlsx）")
	}
	return cmdMonitorImport(e, args[1:])
}

// cmdMonitorImport imports treasury payment ledgers, each file in one
// transaction: a file with any bad row or unknown code adds nothing, and
// the other files are still tried, so one run lists every problem.
func cmdMonitorImport(e *env, args []string) error {
	fs := newFlags("monitor import", e)
	db := dbFlag(fs)
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErr("用法：jixiao monitor import FILE…（国库集中支付明细，CSV 或 .xlsx；表头可用中文或英文列名）")
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	failed := 0
	for _, path := range pos {
		if err := importLedger(ctx, e, st, path, actorName(*actor)); err != nil {
			fmt.Fprintln(e.stderr, err)
			failed++
		}
	}
	if failed > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("✗ %d 个文件中 %d 个未导入（每个文件全部成功才写入）", len(pos), failed)}
	}
	return nil
}

func importLedger(ctx context.Context, e *env, st *store.Store, path, actor string) error {
	f, err := os.Open(path)
	if err != nil {
		return fileError(path, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return fmt.Errorf("%s：是目录，不是文件", path)
	}
	r, err := ledger.Open(path, f)
	if err != nil {
		return err
	}
	defer r.Close()
	if ig := r.Ignored(); len(ig) > 0 {
		fmt.Fprintf(e.stderr, "提示：%s 的列 %s 不属于支付明细，未读取\n", path, strings.Join(ig, "、"))
	}
	res, err := st.ImportPayments(ctx, path, r, actor)
	if err != nil {
		var pe *store.PaymentImportError
		if errors.As(err, &pe) {
			return err
		}
		return fmt.Errorf("%s：%w", path, err)
	}
	years := make([]string, len(res.Years))
	for i, y := range res.Years {
		years[i] = fmt.Sprint(y)
	}
	fmt.Fprintf(e.stdout, "✓ %s（%s）：读取 %d 条，新增 %d 条", path, r.Format(), res.Rows, res.Added)
	if len(years) > 0 {
		fmt.Fprintf(e.stdout, "，年度 %s", strings.Join(years, "、"))
	}
	fmt.Fprintln(e.stdout)
	if res.Skipped() > 0 {
		fmt.Fprintf(e.stdout, "  %d 条的支付凭证号已入库（或在文件中重复出现），未重复计入\n", res.Skipped())
	}
	if len(res.Earlier) > 0 {
		fmt.Fprintf(e.stdout, "  该文件内容与之前第 %d 次导入的文件相同\n", res.Earlier[len(res.Earlier)-1])
	}
	return nil
}
