package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

const yearUsage = "用法：jixiao year open CODE YEAR [--from PREV] [--db DB] [--actor 操作人] [--reason 原因]"

// cmdYear works on the years of a department: `year open` opens a
// department-year from an earlier one (docs/cycle.md §5), in the
// declaration stage, in one transaction.
func cmdYear(e *env, args []string) error {
	if len(args) == 0 || args[0] != "open" {
		return usageErr("%s", yearUsage)
	}
	fs := newFlags("year open", e)
	db := dbFlag(fs)
	from := fs.Int("from", 0, "由哪一年度开启（默认为 YEAR 的上一年度）")
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	reason := fs.String("reason", "", "开启原因（选填），记入历史")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErr("%s", yearUsage)
	}
	code := pos[0]
	year, err := strconv.Atoi(pos[1])
	if err != nil || year < 2000 || year > 2100 {
		return usageErr("年度 %q 无效：应为 2000 至 2100 之间的整数\n%s", pos[1], yearUsage)
	}
	if *from != 0 && (*from < 2000 || *from >= year) {
		return usageErr("--from %d 无效：来源年度应早于开启的年度 %d\n%s", *from, year, yearUsage)
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	done, err := st.OpenYears(ctx, []store.OpenRequest{{Code: code, Year: year, From: *from}}, actorName(*actor), *reason)
	if err != nil {
		return err
	}
	r, err := st.Get(ctx, code, year)
	if err != nil {
		return err
	}
	ev := r.Evaluation
	fmt.Fprintf(e.stdout, "✓ 已由 %d 年度开启部门 %s（%s）%d 年度：%s阶段，状态“%s”\n", done[0].From, code, r.Department, year,
		workflow.StageName(r.Stage), r.StatusName())
	targets := len(ev.Targets)
	for _, p := range ev.Projects {
		targets += len(p.Targets)
	}
	fmt.Fprintf(e.stdout, "  延续项目 %d 个，绩效指标 %d 项（待修改后提交申报）；上年决算收入 %s 万元\n", len(ev.Projects), targets, ev.Finance.PriorIncome.Wan())
	return nil
}
