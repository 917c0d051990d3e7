package cli

import (
	"fmt"

	"github.com/jixiao/jixiao/internal/calendar"
)

// cmdDeadline prints a due date on the official working-day calendar.
func cmdDeadline(e *env, args []string) error {
	fs := newFlags("deadline", e)
	from := fs.String("from", "", "起算日期 YYYY-MM-DD（不计入期限，次日起算）")
	workdays := fs.Int("working-days", -1, "工作日数")
	days := fs.Int("days", -1, "自然日数")
	roll := fs.Bool("roll", false, "自然日期限最后一日为法定休假日的，顺延至其后第一个工作日（民法典第二百零三条）")
	extra := fs.String("holidays", "", "补充或更正节假日安排的数据文件（格式同内置 holidays.yaml）")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("deadline 不接受位置参数：%v", pos)
	}
	if *from == "" || (*workdays < 0) == (*days < 0) {
		return usageErr("用法：jixiao deadline --from YYYY-MM-DD (--working-days N | --days N) [--roll]")
	}
	start, err := calendar.ParseDate(*from)
	if err != nil {
		return usageErr("起算日期：%v", err)
	}
	cal, err := calendar.Default()
	if err != nil {
		return err
	}
	if *extra != "" {
		data, err := readInput(*extra)
		if err != nil {
			return err
		}
		if cal, err = cal.WithData(*extra, data); err != nil {
			return err
		}
	}
	var due calendar.Date
	switch {
	case *workdays >= 0:
		due, err = cal.AddWorkdays(start, *workdays)
	case *roll:
		due, err = cal.AddDaysRolled(start, *days)
	default:
		due = calendar.AddDays(start, *days)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, due)
	return nil
}
