// Package gen makes a reproducible synthetic province: departments, years
// and projects whose data validate and score, with points lost for varied
// reasons, for tests, demonstrations and benchmarks. The same options and
// seed always give the same data.
package gen

import (
	"fmt"
	"math/rand/v2"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// Options say how much to make.
type Options struct {
	Departments int
	Years       int
	FirstYear   int // default 2023
	Projects    int // per department-year
	Seed        uint64
}

// Illustrative is stamped on every generated evaluation.
const Illustrative = "本数据由 jixiao gen 按固定随机种子生成，全部为虚构示例，不代表任何单位实际情况。"

var bureaus = []string{
	"财政局", "教育局", "卫生健康局", "民政局", "人力资源和社会保障局", "住房和城乡建设局", "交通运输局",
	"农业农村局", "文化广电旅游体育局", "市场监督管理局", "城市管理和综合执法局", "司法局", "统计局", "审计局",
	"应急管理局", "水务局", "商务局", "科技工业和信息化局", "发展和改革局", "退役军人事务局", "医疗保障局",
	"人民政府办公室", "政务服务数据管理局", "规划和自然资源分局", "生态环境分局", "档案馆", "地方志办公室",
}

var districts = []string{"东湖区", "西山区", "南城区", "北岸区", "青禾区", "云溪区", "石桥区", "临江区", "白沙区", "金田区"}

var outputs = []struct{ sub, name, unit string }{
	{"数量指标", "办理业务件数", "件"}, {"数量指标", "开展培训场次", "场"}, {"数量指标", "覆盖服务对象人数", "人"},
	{"质量指标", "业务办结率", "%"}, {"质量指标", "检查合格率", "%"}, {"时效指标", "按期完成率", "%"},
	{"数量指标", "完成专项检查次数", "次"}, {"质量指标", "信息报送采用率", "%"},
}

var effects = []struct{ cat, sub, name, unit string }{
	{framework.CategoryEffect, "社会效益指标", "公众知晓率", "%"},
	{framework.CategoryEffect, "社会效益指标", "群众投诉按期办结率", "%"},
	{framework.CategoryEffect, "可持续影响指标", "长效机制建立完善情况", ""},
	{framework.CategorySatisfaction, "服务对象满意度指标", "服务对象满意度", "%"},
}

// Province returns the evaluations, department by department, year by year.
func Province(o Options) []*evaluation.Evaluation {
	if o.FirstYear == 0 {
		o.FirstYear = 2023
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x6a6978696130))
	var out []*evaluation.Evaluation
	for d := range o.Departments {
		district := districts[d/len(bureaus)%len(districts)]
		name := fmt.Sprintf("示例市%s%s", district, bureaus[d%len(bureaus)])
		if d >= len(bureaus)*len(districts) {
			name = fmt.Sprintf("%s（%d）", name, d/(len(bureaus)*len(districts))+1)
		}
		code := fmt.Sprintf("9%05d", d+1)
		base := money.Yuan(int64(5_000_000 + r.IntN(80_000_000)))
		prior := base
		for y := range o.Years {
			ev := department(r, name, code, o.FirstYear+y, base, prior, o.Projects)
			prior = ev.IncomeTotal()
			base = money.Fen(int64(base) * int64(95+r.IntN(15)) / 100)
			out = append(out, ev)
		}
	}
	return out
}

func pts(n int64) *num.Points { p := num.Points(n); return &p }

func department(r *rand.Rand, name, code string, year int, income, prior money.Fen, nproj int) *evaluation.Evaluation {
	ev := &evaluation.Evaluation{
		Department: evaluation.Department{
			Name: name, ShortName: "我局", Code: code, Region: "示例省示例市",
			Functions: []string{"贯彻执行国家和省、市有关方针政策和法律法规，拟订本行业发展规划并组织实施。", "负责本领域公共服务和监督管理工作。", "承办区委、区政府交办的其他事项。"},
		},
		Year:         year,
		Framework:    "gz-dept-2023",
		Illustrative: Illustrative,
		KeyTasks: evaluation.KeyTasks{Items: []evaluation.Task{
			{Lead: "一是", Text: "加强理论学习和机关党建，提升履职能力。"},
			{Lead: "二是", Text: "围绕年度重点任务抓好落实，提高公共服务质量。"},
			{Lead: "三是", Text: "规范财务和资产管理，提高财政资金使用效益。"},
		}},
		OverallGoal: fmt.Sprintf("%d年，全面完成部门职责范围内的各项工作任务，提升公共服务水平和财政资金使用效益。", year),
		Narrative: evaluation.Narrative{
			Management:   "本部门按照区预算绩效管理工作方案，将绩效理念贯穿预算编制、执行、监督全过程，开展事前评估、事中监控和事后评价。",
			Conclusion:   "本部门对部门整体支出和项目支出开展了绩效自评，较好完成了年度工作任务。",
			Achievements: "全年各项重点工作有序推进，整体绩效目标基本实现。",
		},
	}
	// Income: mostly appropriation, sometimes with business income.
	appr := income
	if r.IntN(3) == 0 {
		other := money.Fen(int64(income) * int64(5+r.IntN(20)) / 100)
		appr -= other
		ev.Finance.Income = append(ev.Finance.Income, evaluation.Income{Kind: "business", Amount: other})
	}
	ev.Finance.Income = append([]evaluation.Income{{Kind: "general_public", Amount: appr}}, ev.Finance.Income...)
	ev.Finance.PriorIncome = prior
	if prior != income {
		ev.Finance.IncomeChangeReasons = []string{"人员及业务量变化，相应调整经费安排"}
	}
	// Spending: execution between 85% and 100% of the adjusted budget.
	adjusted := income
	execPct := int64(100)
	if r.IntN(3) == 0 {
		execPct = int64(85 + r.IntN(15))
	}
	spent := money.Fen(int64(adjusted) * execPct / 100)
	project := money.Fen(int64(spent) * int64(10+r.IntN(40)) / 100)
	ev.Finance.Budget = evaluation.Budget{Initial: money.Fen(int64(adjusted) * 95 / 100), Adjusted: adjusted}
	ev.Finance.Expenditure = evaluation.Expenditure{Basic: spent - project, Project: project}
	ev.Finance.Carryover = adjusted - spent
	sg := func(b int64) evaluation.BudgetActual {
		return evaluation.BudgetActual{Budget: money.Yuan(b), Actual: money.Yuan(b * int64(80+r.IntN(23)) / 100)}
	}
	ev.Finance.Sangong = &evaluation.Sangong{Overseas: sg(int64(r.IntN(200_000))), VehiclePurchase: sg(0), VehicleOperation: sg(int64(50_000 + r.IntN(150_000))), Reception: sg(int64(10_000 + r.IntN(40_000)))}
	// Public funds: 8-12% of income, rounded to 100 yuan.
	pf := int64(income) * int64(8+r.IntN(5)) / 100 / 10_000 * 10_000
	ev.Finance.PublicFunds = &evaluation.BudgetActual{Budget: money.Fen(pf), Actual: money.Fen(pf * int64(90+r.IntN(10)) / 100)}

	ev.Targets = targets(r, 4, 3)
	ev.Scores = scores(r)
	ev.Problems = []string{"预算执行进度和绩效目标设置的精细化程度有待提高。"}
	ev.Measures = []string{"加强预算执行动态监控，科学合理设置绩效目标。"}

	// Projects share the project expenditure exactly.
	shares := split(project, nproj, r)
	for i := range nproj {
		executed := shares[i]
		adj := executed
		if r.IntN(5) == 0 {
			adj = money.Fen(int64(executed) * 100 / int64(90+r.IntN(10)))
		}
		ev.Projects = append(ev.Projects, evaluation.Project{
			Name: fmt.Sprintf("%d年度专项工作经费（%d）", year, i+1), Code: fmt.Sprintf("%s-%d-%02d", code, year, i+1),
			Initial: adj, Adjusted: adj, Executed: executed,
			Funding: &evaluation.Funding{Appropriation: adj},
			Goal:    "按计划完成专项工作任务，提升服务质量。", Achieved: "专项工作按计划推进，主要目标基本实现。",
			Targets: targets(r, 2+r.IntN(3), 1+r.IntN(3)),
		})
	}
	return ev
}

// split divides an amount into n random parts that add up to it exactly.
func split(total money.Fen, n int, r *rand.Rand) []money.Fen {
	if n == 0 {
		return nil
	}
	w := make([]int64, n)
	var sum int64
	for i := range w {
		w[i] = int64(1 + r.IntN(10))
		sum += w[i]
	}
	out := make([]money.Fen, n)
	var used money.Fen
	for i := range n - 1 {
		out[i] = money.Fen(int64(total) / sum * w[i])
		used += out[i]
	}
	out[n-1] = total - used
	return out
}

func targets(r *rand.Rand, nout, neff int) []evaluation.Target {
	var ts []evaluation.Target
	for i := range nout {
		o := outputs[(i+r.IntN(len(outputs)))%len(outputs)]
		target := int64(100)
		if o.unit != "%" {
			target = int64(10 * (1 + r.IntN(100)))
		}
		actual := target
		t := evaluation.Target{Category: framework.CategoryOutput, Subcategory: o.sub, Name: o.name, Unit: o.unit, Direction: framework.AtLeast, Target: fmt.Sprint(target)}
		if r.IntN(6) == 0 {
			actual = target * int64(80+r.IntN(20)) / 100
			t.Deviation = "受客观因素影响，部分工作进度滞后"
		}
		t.Actual = fmt.Sprint(actual)
		ts = append(ts, t)
	}
	for i := range neff {
		e := effects[(i+r.IntN(len(effects)))%len(effects)]
		if i == 0 { // every framework needs at least one effect indicator
			e = effects[r.IntN(3)]
		}
		t := evaluation.Target{Category: e.cat, Subcategory: e.sub, Name: e.name, Unit: e.unit}
		if e.unit == "" {
			t.Direction, t.Target, t.Actual, t.Level = framework.Qualitative, "逐步建立", "已建立", framework.LevelMet
			if r.IntN(5) == 0 {
				t.Actual, t.Level, t.Deviation = "正在建立", framework.LevelPartly, "相关制度仍在征求意见"
			}
		} else {
			t.Direction, t.Target = framework.AtLeast, "90"
			t.Actual = fmt.Sprint(90 + r.IntN(10))
		}
		ts = append(ts, t)
	}
	return ts
}

// scores fills management inputs: mostly passed, with a few failed
// checklist items and their reasons.
func scores(r *rand.Rand) map[string]evaluation.Input {
	fails := []struct{ code, item, reason string }{
		{"B3", "B3.3", "部分项目绩效自评结果未按时公开"},
		{"B4", "B4.3", "个别项目未按要求开展绩效运行监控"},
		{"B5", "B5.6", "部分采购合同未在签订后7个工作日内备案"},
		{"B5", "B5.1", "个别采购意向公开时间不足30日"},
		{"B6", "B6.3", "年度资产盘点未覆盖全部资产"},
		{"B6", "B6.6", "部分资产标签脱落未及时补贴"},
	}
	s := map[string]evaluation.Input{}
	for _, f := range fails {
		if r.IntN(4) != 0 {
			continue
		}
		in := s[f.code]
		in.Checklist = append(in.Checklist, evaluation.ItemCheck{Item: f.item, Passed: false, Reason: f.reason, Evidence: []string{"内部检查记录（示例）"}})
		s[f.code] = in
	}
	if len(s) == 0 {
		return nil // as a data file without scores reads
	}
	return s
}
