package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/store"
)

const datesUsage = "用法：jixiao dates set YEAR KEY DATE --reason 原因 [--region 地区] [--db DB] [--actor 操作人]\n" +
	"      jixiao dates list YEAR [--db DB]\n" +
	"KEY：declaration_due（绩效目标申报截止日期）、evaluation_due（绩效自评报送截止日期）、review_due（财政复核完成日期）"

// cmdDates sets and lists the dates the finance bureau's annual notice
// sets for a year (cycle_dates, docs/cycle.md §3.2): `dates set` adds a
// row (the latest is in force, earlier ones stay), `dates list` prints
// the dates in force and every setting.
func cmdDates(e *env, args []string) error {
	if len(args) == 0 || (args[0] != "set" && args[0] != "list") {
		return usageErr("%s", datesUsage)
	}
	fs := newFlags("dates "+args[0], e)
	db := dbFlag(fs)
	region := fs.String("region", "", "适用地区（默认为全部地区）")
	reason := fs.String("reason", "", "设置原因（必填，如年度工作通知的文号）")
	actor := fs.String("actor", "", "操作人（默认为当前系统用户）")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"set": 3, "list": 1}[args[0]]
	if len(pos) != want {
		return usageErr("%s", datesUsage)
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || year < 2000 || year > 2100 {
		return usageErr("年度 %q 无效：应为 2000 至 2100 之间的整数\n%s", pos[0], datesUsage)
	}
	var in store.CycleDate
	if args[0] == "set" {
		in = store.CycleDate{Year: year, Region: *region, Key: pos[1], Reason: *reason}
		if !cycle.ValidDateKey(pos[1]) {
			return usageErr("日期项目 %q 无效\n%s", pos[1], datesUsage)
		}
		if in.Date, err = civil.ParseDate(pos[2]); err != nil {
			return usageErr("日期 %q 无效：%v\n%s", pos[2], err, datesUsage)
		}
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "set" {
		d, err := st.SetCycleDateAs(ctx, in, actorName(*actor))
		if err != nil {
			return err
		}
		where := "全部地区"
		if d.Region != "" {
			where = d.Region
		}
		fmt.Fprintf(e.stdout, "✓ 已设置 %d 年度%s（%s）：%s\n", d.Year, d.KeyName(), where, d.Date.Chinese())
		return nil
	}
	rows, err := st.CycleDates(ctx, year)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintf(e.stdout, "%d 年度尚未设置任何工作日期（用 jixiao dates set 设置）\n", year)
		return nil
	}
	latest := map[string]int64{}
	for _, d := range rows {
		latest[d.Region+"\x00"+d.Key] = d.ID
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "地区\t日期项目\t日期\t是否有效\t设置人\t设置时间\t原因")
	zone := displayZone()
	for _, d := range rows {
		where := "全部地区"
		if d.Region != "" {
			where = d.Region
		}
		force := "已被后设的日期取代"
		if latest[d.Region+"\x00"+d.Key] == d.ID {
			force = "有效"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", where, d.KeyName(), d.Date, force, d.SetByName, d.At.In(zone).Format("2006-01-02 15:04"), d.Reason)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, "各地区适用本地区的日期，未单独设置的适用“全部地区”的日期。")
	return nil
}
