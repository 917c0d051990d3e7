// Package cli is the command line: it parses arguments, reads and writes
// files, and calls the core. Each command is one function.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jixiao/jixiao/internal/render/pdf"
)

// exitError carries an exit status with a message already printed or to
// print.
type exitError struct {
	code   int
	msg    string
	stdout bool // print msg on standard output (help asked for)
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, a ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, a...)}
}

// env is what a command works with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"score", "score FILE|CODE YEAR [--format text|json]  为部门年度数据评分，输出得分树及评分轨迹", cmdScore},
		{"report", "report FILE|CODE YEAR --format md|html|docx|xlsx|pdf [--kind declaration] -o OUT  生成部门整体支出绩效自评报告及自评表（--kind declaration：绩效目标申报表；--all --year YEAR [--status S,…] -o OUT.zip：该年度全部部门的报告连同汇总表和绩效评价结果通报打包）", cmdReport},
		{"check", "check FILE [--format text|json]  校验数据并给出一致性提示", cmdCheck},
		{"exante", "exante check|score|report FILE [-o OUT.docx]  新增项目和政策的事前绩效评估：校验、评分与结论、评估报告（用 jixiao exante need 判断是否需要评估，用 jixiao exante import 存入部门年度）", cmdExante},
		{"frameworks", "frameworks  列出内置及用户指标框架", cmdFrameworks},
		{"framework", "framework check FILE  校验一个指标框架文件，列出全部错误", cmdFramework},
		{"import", "import FILE… [--db DB]  导入 YAML、JSON 或 .xlsx 填报表（全部成功才写入）", cmdImport},
		{"list", "list [--format text|json]  列出已入库的部门年度", cmdList},
		{"bulletin", "bulletin --year YEAR -o FILE.docx [--status S,…]  生成该年度的绩效评价结果通报（等级统计、排名、主要问题、整改要求）", cmdBulletin},
		{"publish", "publish --all --year YEAR [--region R] [--dry-run] [--actor 审核人]  批量公开该年度“已通过”的部门年度（全部成功才写入，否则列出全部不能公开的年度）", cmdPublish},
		{"year", "year open CODE YEAR [--from PREV] [--db DB]  由上一年度开启新的部门年度（目标申报阶段）", cmdYear},
		{"rectify", "rectify list|suggest|issue|move CODE YEAR …  整改事项：列出（逾期在前）、按失分和存在的主要问题建议、下达（--from-problems）、报送措施、报告完成、确认销号", cmdRectify},
		{"export", "export CODE YEAR --format yaml|xlsx -o OUT  导出部门年度数据", cmdExport},
		{"history", "history CODE YEAR  查看部门年度的修改历史", cmdHistory},
		{"template", "template [--framework ID] -o FILE.xlsx  生成数据填报模板", cmdTemplate},
		{"user", "user add --name N --role R [--department CODE] < 密码  创建用户（密码从标准输入读取）", cmdUser},
		{"migrate", "migrate [--db DB]  升级数据库结构", cmdMigrate},
		{"serve", "serve [--addr 127.0.0.1:8080] [--db DB] [--pdf-pages 2] [--pdf-queue 8] [--pdf-timeout 60s]  启动网页服务（填报、审核、公开）", cmdServe},
		{"demo", "demo [--addr 127.0.0.1:8080]  在新的演示数据库上启动网页服务（含示例数据和各角色账号）", cmdDemo},
		{"dates", "dates set YEAR KEY DATE --reason 原因 [--region 地区]  设置年度工作通知规定的日期（申报、自评报送、财政复核截止日期）\n  jixiao dates list YEAR  列出该年度设置的日期（有效的和已被取代的）", cmdDates},
		{"notify", "notify [--send] [--today DATE] [--days N]  向有电子邮箱的用户发送待办事项提醒（N 日内到期或已逾期，同一事项同一截止日期只发一次；不加 --send 时只列出）", cmdNotify},
		{"review-letter", "review-letter CODE YEAR [--issuer 财政部门名称] -o OUT.docx  复核意见书：自评与复核结果、复核调整的指标及理由、发现的问题、整改要求和期限", cmdReviewLetter},
		{"deadline", "deadline --from DATE (--working-days N | --days N) [--roll]  按国务院节假日安排计算期限", cmdDeadline},
		{"monitor", "monitor import FILE… [--db DB] [--actor 操作人]  导入国库集中支付明细（CSV 或 .xlsx，每个文件全部成功才写入，已入库的凭证不重复计入）\n  jixiao monitor budget FILE… [--db DB]  导入年度中的预算调整（追加、调减；同一文号不重复计入），序时进度按调整后预算计算\n  jixiao monitor status CODE YEAR --month M [--format text|json]  预算执行与序时进度：部门与各项目的执行率、落后百分点、全年预计\n  jixiao monitor report CODE YEAR --month M --format md|docx|xlsx|json -o OUT  绩效目标执行监控表（部门整体、项目汇总、各项目）", cmdMonitor},
		{"results", "results YEAR [--format text|json|xlsx] [-o OUT] [--region 地区] [--grade 等级]  绩效评价结果应用：各部门整体和项目的复核后等级、项目类型、适用规则、处理建议及下年度预算建议金额、财政决定", cmdResults},
		{"gen", "gen --departments N --years Y --projects P -o DIR [--seed S] [--payments N]  生成可复现的模拟数据（可附支付明细 payments.csv）", cmdGen},
	}
}

// Run runs the command line and returns the exit status: 0 success, 1 the
// data has errors or the work failed, 2 the command was misused.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// `report --format pdf` prints with the process-wide PDF service:
	// stop its browser before the process exits, and say if it had to
	// print with whole system fonts.
	defer func() {
		if note := pdf.DefaultFontNote(); note != "" {
			fmt.Fprintln(stderr, "提示："+note)
		}
		pdf.CloseDefault()
	}()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(e, args[1:])
			if err == nil {
				return 0
			}
			var xe *exitError
			if errors.As(err, &xe) {
				if xe.msg != "" {
					w := stderr
					if xe.stdout {
						w = stdout
					}
					fmt.Fprintln(w, xe.msg)
				}
				return xe.code
			}
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			fmt.Fprintln(stderr, "错误：", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "未知命令 %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "jixiao — 预算绩效管理：部门整体支出绩效自评评分与报告")
	fmt.Fprintln(w, "\n用法：jixiao 命令 [参数]")
	for _, c := range commands() {
		fmt.Fprintln(w, "  jixiao", c.summary)
	}
	fmt.Fprintln(w, "\n通用参数：")
	fmt.Fprintln(w, "  --frameworks DIR  用户指标框架目录（也可用环境变量 JIXIAO_FRAMEWORKS，多个目录以冒号分隔）")
	fmt.Fprintln(w, "  --db DB           数据库：SQLite 文件、sqlite:PATH 或 postgres://…（也可用环境变量 JIXIAO_DB；默认 ./jixiao.db）")
}

// parse parses flags that may come before, between or after positional
// arguments, as in `jixiao report FILE --format docx -o OUT`.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &exitError{code: 0, msg: strings.TrimSuffix(flagHelp(fs), "\n"), stdout: true}
			}
			return nil, usageErr("%s\n%s", flagError(err), strings.TrimSuffix(flagHelp(fs), "\n"))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newFlags makes a command's flag set. The flag package's own messages
// are English; parse returns Chinese ones instead (flagError, flagHelp),
// so the set itself prints nothing. Help (-h) goes to standard output.
func newFlags(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// flagError words an error of the flag package in Chinese.
func flagError(err error) string {
	msg := err.Error()
	cut := func(prefix string) (string, bool) { return strings.CutPrefix(msg, prefix) }
	if name, ok := cut("flag provided but not defined: "); ok {
		return fmt.Sprintf("没有参数 %s", dashes(name))
	}
	if name, ok := cut("flag needs an argument: "); ok {
		return fmt.Sprintf("参数 %s 需要一个值", dashes(name))
	}
	if arg, ok := cut("bad flag syntax: "); ok {
		return fmt.Sprintf("参数格式有误：%q", arg)
	}
	for _, p := range []string{"invalid value ", "invalid boolean value "} {
		if rest, ok := cut(p); ok {
			// `"x" for flag -departments: parse error`
			if i := strings.Index(rest, " for "); i > 0 {
				val := rest[:i]
				name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(rest[i+len(" for "):], "flag "), ""), ":")
				return fmt.Sprintf("参数 %s 的值 %s 无效", dashes(name), val)
			}
		}
	}
	if rest, ok := cut("invalid boolean flag "); ok {
		name, _, _ := strings.Cut(rest, ":")
		return fmt.Sprintf("参数 %s 只能是 true 或 false", dashes(name))
	}
	return "参数有误"
}

// dashes writes a flag name the way the help shows it: --name.
func dashes(name string) string {
	name = strings.TrimLeft(name, "-")
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagHelp lists a command's flags in Chinese.
func flagHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "jixiao %s 的参数：\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		switch kind {
		case "":
		case "int", "uint", "int64", "uint64":
			kind = " 整数"
		case "float":
			kind = " 数字"
		case "duration":
			kind = " 时长"
		default:
			kind = " 值"
		}
		fmt.Fprintf(&b, "  %s%s\t%s", dashes(f.Name), kind, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && !strings.HasPrefix(f.DefValue, "-") {
			fmt.Fprintf(&b, "（默认 %s）", f.DefValue)
		}
		b.WriteString("\n")
	})
	return b.String()
}

// frameworkDirs returns the user framework directories: the flag, else
// JIXIAO_FRAMEWORKS, else the user config directory's jixiao/frameworks.
func frameworkDirs(flagValue string) []string {
	if flagValue != "" {
		return filepath.SplitList(flagValue)
	}
	if v := os.Getenv("JIXIAO_FRAMEWORKS"); v != "" {
		return filepath.SplitList(v)
	}
	if dir, err := os.UserConfigDir(); err == nil {
		return []string{filepath.Join(dir, "jixiao", "frameworks")}
	}
	return nil
}

func oneFile(pos []string, what string) (string, error) {
	if len(pos) != 1 {
		return "", usageErr("需要且只需要一个%s，实际为 %d 个：%s", what, len(pos), strings.Join(pos, " "))
	}
	return pos[0], nil
}
