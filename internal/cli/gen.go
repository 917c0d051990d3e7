package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/jixiao/jixiao/internal/datafile"
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
	return nil
}
