package framework

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/num"
)

// Rule kinds. Each says how a leaf indicator turns its inputs into a score.
const (
	// KindTargets scores the performance targets of the given categories
	// (产出, 效益, 满意度), each by its direction: ≥ actual/target, ≤
	// target/actual, = by relative deviation, qualitative by level.
	KindTargets = "targets"
	// KindExecutionRate scores min(执行数/预算数, Cap) × points
	// (财预〔2020〕10号 附件2 项目支出绩效自评表).
	KindExecutionRate = "execution_rate"
	// KindRatio scores an actual against a target with a direction and a cap.
	KindRatio = "ratio"
	// KindThreshold gives full points within a limit and deducts per step
	// beyond it, floored at zero ("每超过1个百分点扣0.5分，扣完为止").
	KindThreshold = "threshold"
	// KindChecklist lists items, each worth points; a failed item costs its
	// points (or a stated part of them) with a reason.
	KindChecklist = "checklist"
	// KindQualitative scores by level: met, partly met, not met, each a band
	// of the points chosen by the scorer.
	KindQualitative = "qualitative"
	// KindManual takes the scorer's figure, with a reason when points are lost.
	KindManual = "manual"
)

// Kinds lists every rule kind the engine knows.
var Kinds = []string{KindTargets, KindExecutionRate, KindRatio, KindThreshold, KindChecklist, KindQualitative, KindManual}

// Target categories (绩效指标类别).
const (
	CategoryOutput       = "output"       // 产出指标
	CategoryEffect       = "effect"       // 效益指标
	CategorySatisfaction = "satisfaction" // 满意度指标
)

// Directions of a quantitative comparison.
const (
	AtLeast     = ">=" // 正向指标: the more the better
	AtMost      = "<=" // 反向指标: the less the better
	Equal       = "="  // 等于目标值
	Qualitative = "qualitative"
)

// Levels of a qualitative judgement.
const (
	LevelMet    = "met"     // 达成
	LevelPartly = "partly"  // 部分达成
	LevelNotMet = "not_met" // 未达成
)

// MeasureInfo describes a figure computed from an evaluation's data that a
// rule may compare.
type MeasureInfo struct {
	Short string // 结转结余率
	Title string // 结转结余率（年末结转结余/全年预算数）
	Unit  string
}

// Measures are the figures the engine computes from an evaluation.
var Measures = map[string]MeasureInfo{
	"execution_rate":    {"预算执行率", "预算执行率（决算支出/全年预算数）", "%"},
	"carryover_rate":    {"结转结余率", "结转结余率（年末结转结余/全年预算数）", "%"},
	"sangong_rate":      {"“三公”经费预算执行率", "“三公”经费预算执行率（实际支出/预算数）", "%"},
	"public_funds_rate": {"公用经费预算执行率", "公用经费预算执行率（实际支出/预算数）", "%"},
}

// Rule is how a leaf indicator is scored. Which fields apply depends on
// Kind; Validate rejects missing and stray ones.
type Rule struct {
	Kind string `yaml:"kind" json:"kind"`

	// targets
	Categories []string `yaml:"categories,omitempty" json:"categories,omitempty"`

	// execution_rate: which budget is the base, "adjusted" (全年预算数,
	// default) or "initial" (年初预算数).
	Budget string `yaml:"budget,omitempty" json:"budget,omitempty"`

	// ratio and threshold
	Measure   string       `yaml:"measure,omitempty" json:"measure,omitempty"`
	Target    *num.Decimal `yaml:"target,omitempty" json:"target,omitempty"`
	Direction string       `yaml:"direction,omitempty" json:"direction,omitempty"`
	// Cap limits actual/target in percent (default 100: exceeding the
	// target earns nothing extra). Applies to ratio, targets and
	// execution_rate.
	Cap *num.Decimal `yaml:"cap,omitempty" json:"cap,omitempty"`

	// threshold: Limit is the boundary; every Step beyond it (default 1)
	// costs Deduct points. Steps "exact" counts part steps pro rata,
	// "ceil" counts any part step as whole.
	Limit  *num.Decimal `yaml:"limit,omitempty" json:"limit,omitempty"`
	Step   *num.Decimal `yaml:"step,omitempty" json:"step,omitempty"`
	Deduct *num.Points  `yaml:"deduct,omitempty" json:"deduct,omitempty"`
	Steps  string       `yaml:"steps,omitempty" json:"steps,omitempty"`

	// checklist
	Items []ChecklistItem `yaml:"items,omitempty" json:"items,omitempty"`

	// qualitative: percent bands per level; default 80-100 / 60-80 / 0-60.
	Bands []LevelBand `yaml:"bands,omitempty" json:"bands,omitempty"`
}

// ChecklistItem is one point-bearing check of a checklist rule. With a
// Check, the item is decided from the evaluation's registers rather than
// by the officer.
type ChecklistItem struct {
	Code   string     `yaml:"code" json:"code"`
	Text   string     `yaml:"text" json:"text"`
	Points num.Points `yaml:"points" json:"points"`
	Source string     `yaml:"source,omitempty" json:"source,omitempty"`
	Check  *Check     `yaml:"check,omitempty" json:"check,omitempty"`
}

// Register checks: what a Check verifies in the registers.
const (
	CheckIntentionLead       = "intention_lead"       // 采购意向公开不晚于采购活动开始前 Days 日
	CheckContractSigning     = "contract_signing"     // 中标、成交通知书发出后 Days 日内签订合同
	CheckContractPublication = "contract_publication" // 合同签订后 WorkingDays 个工作日内公告
	CheckContractFiling      = "contract_filing"      // 合同签订后 WorkingDays 个工作日内备案
	CheckSMEShare            = "sme_share"            // 中小企业合同金额占比不低于 Min%
	CheckAssetInventory      = "asset_inventory"      // 每项资产本年度已盘点
	CheckAssetLabels         = "asset_labels"         // 资产标签完整
	CheckAssetTransfers      = "asset_transfers"      // 应调拨资产已调拨
	CheckAssetUtilisation    = "asset_utilisation"    // 在用资产价值占比不低于 Min%
	CheckDisclosure          = "disclosure"           // Disclosure 类信息在批复后 Days 日内公开
	// CheckExante decides the item from the year's ex-ante evaluation
	// records (事前绩效评估) rather than the registers: every new project
	// from the ex-ante threshold has a concluded, supported evaluation. It
	// applies only to a stored year (the records are beside it); for a
	// plain data file the item stays as typed.
	CheckExante = "exante"
	// CheckMonitoring decides the item from the year's in-year monitoring
	// records (绩效运行监控): at least one checkpoint report, each accepted
	// by the finance bureau and submitted by its due date, and every
	// execution warning handled. It applies only to a stored year that ran
	// its execution stage in jixiao; otherwise the item stays as typed.
	CheckMonitoring = "monitoring"
	// CheckRectification decides the item from the rectification items
	// (整改事项) of the year before: every item closed or within its
	// deadlines; each item open past a due date fails it. It applies only
	// to a stored year whose department's previous year has items in
	// jixiao; otherwise the item stays as typed.
	CheckRectification = "rectification"
)

// CheckKinds lists every register check and the parameter it needs.
var CheckKinds = map[string]string{
	CheckIntentionLead: "days", CheckContractSigning: "days", CheckContractPublication: "working_days",
	CheckContractFiling: "working_days", CheckSMEShare: "min", CheckAssetInventory: "",
	CheckAssetLabels: "", CheckAssetTransfers: "", CheckAssetUtilisation: "min", CheckDisclosure: "days",
	CheckExante: "", CheckMonitoring: "", CheckRectification: "",
}

// Check decides a checklist item from the registers. The item fails when
// any record violates it. It then loses PerRecord points per violating
// record, or Deduct, or else all its points; never more than its points.
type Check struct {
	Kind        string       `yaml:"kind" json:"kind"`
	Days        int          `yaml:"days,omitempty" json:"days,omitempty"`
	WorkingDays int          `yaml:"working_days,omitempty" json:"working_days,omitempty"`
	Min         *num.Decimal `yaml:"min,omitempty" json:"min,omitempty"`
	// Disclosure names the kind of information a disclosure check covers:
	// budget, final_accounts or performance.
	Disclosure string      `yaml:"disclosure,omitempty" json:"disclosure,omitempty"`
	Deduct     *num.Points `yaml:"deduct,omitempty" json:"deduct,omitempty"`
	PerRecord  *num.Points `yaml:"per_record,omitempty" json:"per_record,omitempty"`
	// EffectiveFrom is the date the rule behind the check takes effect
	// for the units the framework serves (财库〔2020〕10号: procurement
	// intentions from 2022-01-01 below provincial level). A year that
	// ends before it is not checked; records dated before it (planned
	// start, signing, approval) are passed over.
	EffectiveFrom civil.Date `yaml:"effective_from,omitempty" json:"effective_from,omitzero"`
	// Default marks a deadline or floor that is this framework's default
	// rather than a legal rule (20 days for performance information, a
	// 30% SME share); the trace and the reason say so.
	Default bool `yaml:"default,omitempty" json:"default,omitempty"`
}

// AppliesTo reports whether a record dated d falls under the check's
// rule: always when the record has no date or the rule no start date.
func (c *Check) AppliesTo(d civil.Date) bool {
	return c.EffectiveFrom.IsZero() || d.IsZero() || !d.Before(c.EffectiveFrom)
}

// AppliesToYear reports whether any part of the year falls under the
// check's rule.
func (c *Check) AppliesToYear(year int) bool {
	return c.EffectiveFrom.IsZero() || year >= c.EffectiveFrom.Year()
}

func (c *Check) validate(points num.Points) diag.List {
	var ps diag.List
	need, ok := CheckKinds[c.Kind]
	if !ok {
		ps.Add(diag.BadChoice, "kind", "未知的台账检查 %q", c.Kind)
		return ps
	}
	has := map[string]bool{"days": c.Days != 0, "working_days": c.WorkingDays != 0, "min": c.Min != nil}
	for _, p := range []string{"days", "working_days", "min"} {
		switch {
		case p == need && !has[p]:
			ps.Add(diag.Missing, p, "台账检查 %s 需要参数 %s", c.Kind, p)
		case p != need && has[p]:
			ps.Add(diag.BadRule, p, "台账检查 %s 不使用参数 %s", c.Kind, p)
		}
	}
	if c.Days < 0 || c.WorkingDays < 0 {
		ps.Add(diag.BadValue, "days", "期限不能为负")
	}
	if (c.Disclosure != "") != (c.Kind == CheckDisclosure) {
		ps.Add(diag.BadRule, "disclosure", "disclosure 参数（budget、final_accounts 或 performance）只用于且必须用于 disclosure 检查")
	} else if c.Kind == CheckDisclosure && c.Disclosure != "budget" && c.Disclosure != "final_accounts" && c.Disclosure != "performance" {
		ps.Add(diag.BadChoice, "disclosure", "公开类别应为 budget、final_accounts 或 performance，实际为 %q", c.Disclosure)
	}
	if c.Deduct != nil && c.PerRecord != nil {
		ps.Add(diag.BadRule, "deduct", "deduct 与 per_record 只能设置一个")
	}
	for _, d := range []*num.Points{c.Deduct, c.PerRecord} {
		if d != nil && (*d <= 0 || *d > points) {
			ps.Add(diag.BadValue, "deduct", "扣分应大于 0 且不超过检查项分值 %s", points)
		}
	}
	return ps
}

// LevelBand is the share of the points a qualitative level may earn, in
// percent, from Min to Max. A boundary two bands share belongs to the
// higher band: Max is included only when no other band starts there
// (ExclusiveMax).
type LevelBand struct {
	Level string      `yaml:"level" json:"level"`
	Min   num.Decimal `yaml:"min" json:"min"`
	Max   num.Decimal `yaml:"max" json:"max"`
}

// DefaultBands are the national bands for qualitative indicators, as the
// notes to the project self-evaluation table word them (《项目支出绩效评价
// 管理办法》，财预〔2020〕10号，附件2 填报说明): met 100–80% of the points
// with 80% included, partly met 80–60% with 60% included, not met 60–0%.
// So 12 of 15 points is met, and 9 of 15 partly met.
var DefaultBands = []LevelBand{
	{Level: LevelMet, Min: num.DecimalOf(80), Max: num.DecimalOf(100)},
	{Level: LevelPartly, Min: num.DecimalOf(60), Max: num.DecimalOf(80)},
	{Level: LevelNotMet, Min: num.DecimalOf(0), Max: num.DecimalOf(60)},
}

// ExclusiveMax reports whether the band's Max belongs to another band that
// starts there, and so is not part of this one.
func ExclusiveMax(bands []LevelBand, b LevelBand) bool {
	for _, o := range bands {
		if o.Level != b.Level && o.Min.Rat().Cmp(b.Max.Rat()) == 0 {
			return true
		}
	}
	return false
}

// LevelBands returns the rule's bands or the default ones.
func (r *Rule) LevelBands() []LevelBand {
	if len(r.Bands) > 0 {
		return r.Bands
	}
	return DefaultBands
}

// CapPercent returns the cap in percent (default 100).
func (r *Rule) CapPercent() num.Decimal {
	if r.Cap != nil {
		return *r.Cap
	}
	return num.DecimalOf(100)
}

// StepSize returns the threshold step (default 1).
func (r *Rule) StepSize() num.Decimal {
	if r.Step != nil {
		return *r.Step
	}
	return num.DecimalOf(1)
}

// LevelNames gives the Chinese word for each qualitative level.
var LevelNames = map[string]string{LevelMet: "达成", LevelPartly: "部分达成", LevelNotMet: "未达成"}

// CategoryNames gives the Chinese word for each target category.
var CategoryNames = map[string]string{CategoryOutput: "产出指标", CategoryEffect: "效益指标", CategorySatisfaction: "满意度指标"}

func (r *Rule) validate(points num.Points) diag.List {
	var ps diag.List
	// Which optional fields each kind accepts; anything else set is a
	// mistake worth reporting (a threshold's "limit" on a ratio rule would
	// otherwise be silently ignored).
	allowed := map[string][]string{
		KindTargets:       {"categories", "cap"},
		KindExecutionRate: {"budget", "cap"},
		KindRatio:         {"measure", "target", "direction", "cap"},
		KindThreshold:     {"measure", "limit", "direction", "step", "deduct", "steps"},
		KindChecklist:     {"items"},
		KindQualitative:   {"bands"},
		KindManual:        {},
	}
	ok, known := allowed[r.Kind]
	if !known {
		ps.Add(diag.BadChoice, "kind", "未知的评分规则 %q，可用：%s", r.Kind, strings.Join(Kinds, "、"))
		return ps
	}
	set := map[string]bool{
		"categories": len(r.Categories) > 0, "budget": r.Budget != "", "measure": r.Measure != "",
		"target": r.Target != nil, "direction": r.Direction != "", "cap": r.Cap != nil,
		"limit": r.Limit != nil, "step": r.Step != nil, "deduct": r.Deduct != nil,
		"steps": r.Steps != "", "items": len(r.Items) > 0, "bands": len(r.Bands) > 0,
	}
	for _, f := range []string{"categories", "budget", "measure", "target", "direction", "cap", "limit", "step", "deduct", "steps", "items", "bands"} {
		if set[f] && !slices.Contains(ok, f) {
			ps.Add(diag.BadRule, f, "规则 %s 不使用参数 %s", r.Kind, f)
		}
	}
	if r.Cap != nil && r.Cap.Cmp(num.DecimalOf(100)) < 0 {
		ps.Add(diag.BadValue, "cap", "上限应不低于 100（%%），实际为 %s", r.Cap)
	}
	switch r.Kind {
	case KindTargets:
		if len(r.Categories) == 0 {
			ps.Add(diag.Missing, "categories", "缺少指标类别（output、effect、satisfaction）")
		}
		for i, c := range r.Categories {
			if CategoryNames[c] == "" {
				ps.Add(diag.BadChoice, fmt.Sprintf("categories[%d]", i), "未知的指标类别 %q，可用：output、effect、satisfaction", c)
			}
		}
	case KindExecutionRate:
		if r.Budget != "" && r.Budget != "adjusted" && r.Budget != "initial" {
			ps.Add(diag.BadChoice, "budget", "预算口径应为 adjusted（全年预算数）或 initial（年初预算数），实际为 %q", r.Budget)
		}
	case KindRatio:
		if r.Measure != "" {
			if _, ok := Measures[r.Measure]; !ok {
				ps.Add(diag.BadChoice, "measure", "未知的计算指标 %q，可用：%s", r.Measure, measureList())
			}
		}
		if r.Direction != AtLeast && r.Direction != AtMost && r.Direction != Equal {
			ps.Add(diag.BadChoice, "direction", "方向应为 >=、<= 或 =，实际为 %q", r.Direction)
		}
		if r.Target != nil && r.Target.Sign() <= 0 {
			ps.Add(diag.BadValue, "target", "目标值应大于 0")
		}
	case KindThreshold:
		if r.Measure == "" {
			ps.Add(diag.Missing, "measure", "缺少计算指标，可用：%s", measureList())
		} else if _, ok := Measures[r.Measure]; !ok {
			ps.Add(diag.BadChoice, "measure", "未知的计算指标 %q，可用：%s", r.Measure, measureList())
		}
		if r.Limit == nil {
			ps.Add(diag.Missing, "limit", "缺少限值")
		}
		if r.Deduct == nil {
			ps.Add(diag.Missing, "deduct", "缺少每档扣分")
		} else if *r.Deduct <= 0 {
			ps.Add(diag.BadValue, "deduct", "每档扣分应大于 0")
		}
		if r.Direction != "max" && r.Direction != "min" {
			ps.Add(diag.BadChoice, "direction", "方向应为 max（不超过限值）或 min（不低于限值），实际为 %q", r.Direction)
		}
		if r.Step != nil && r.Step.Sign() <= 0 {
			ps.Add(diag.BadValue, "step", "档距应大于 0")
		}
		if r.Steps != "" && r.Steps != "exact" && r.Steps != "ceil" {
			ps.Add(diag.BadChoice, "steps", "计档方式应为 exact（按比例）或 ceil（不足一档按一档），实际为 %q", r.Steps)
		}
	case KindChecklist:
		if len(r.Items) == 0 {
			ps.Add(diag.Missing, "items", "检查清单没有检查项")
		}
		var sum num.Points
		codes := map[string]bool{}
		for i, it := range r.Items {
			p := fmt.Sprintf("items[%d]", i)
			if it.Code == "" {
				ps.Add(diag.Missing, p+".code", "缺少检查项编码")
			} else if codes[it.Code] {
				ps.Add(diag.Duplicate, p+".code", "检查项编码 %s 重复", it.Code)
			}
			codes[it.Code] = true
			if it.Text == "" {
				ps.Add(diag.Missing, p+".text", "缺少检查内容")
			}
			if it.Points <= 0 {
				ps.Add(diag.BadValue, p+".points", "分值应大于 0")
			}
			if it.Check != nil {
				ps = append(ps, it.Check.validate(it.Points).Prefix(p+".check")...)
			}
			sum += it.Points
		}
		if len(r.Items) > 0 && sum != points {
			ps.Add(diag.PointsSum, "items", "检查项分值合计 %s，与指标分值 %s 不符", sum, points)
		}
	case KindQualitative:
		seen := map[string]bool{}
		for i, b := range r.Bands {
			p := fmt.Sprintf("bands[%d]", i)
			if LevelNames[b.Level] == "" {
				ps.Add(diag.BadChoice, p+".level", "未知的等级 %q，可用：met、partly、not_met", b.Level)
			} else if seen[b.Level] {
				ps.Add(diag.Duplicate, p+".level", "等级 %s 重复设置区间", b.Level)
			}
			seen[b.Level] = true
			if b.Min.Sign() < 0 || b.Max.Cmp(num.DecimalOf(100)) > 0 || b.Min.Cmp(b.Max) > 0 {
				ps.Add(diag.BadValue, p, "区间应在 0 到 100 之间且下限不高于上限")
			}
		}
		if len(r.Bands) > 0 && (len(seen) != 3 || len(r.Bands) != 3) {
			ps.Add(diag.BadValue, "bands", "应为 met、partly、not_met 三个等级各设一个区间")
		}
	}
	return ps
}

func measureList() string {
	names := make([]string, 0, len(Measures))
	for n := range Measures {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, "、")
}
