package report

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/num"
)

func pts(s string) num.Points {
	p, err := num.ParsePoints(s)
	if err != nil {
		panic(err)
	}
	return p
}

func bulletinInput() *BulletinInput {
	return &BulletinInput{
		Year: 2023,
		Departments: []BulletinDepartment{
			{Code: "106001", Name: "天河区政府办", Status: "已公开", Self: pts("97"), SelfGrade: "优", Reviewed: true, Review: pts("95.5"), ReviewGrade: "优",
				Problems: 2, Comments: 1,
				Lost: []LostIndicator{{"过程", "采购管理", pts("2")}, {"过程", "资产管理", pts("1")}}},
			{Code: "106002", Name: "甲局", Status: "已通过", Self: pts("91"), SelfGrade: "优", Reviewed: true, Review: pts("78"), ReviewGrade: "中",
				Problems: 1, Comments: 3,
				Lost: []LostIndicator{{"过程", "采购管理", pts("3")}}},
			{Code: "106003", Name: "乙局", Status: "审核中", Self: pts("85"), SelfGrade: "良"},
			{Code: "106004", Name: "丙局", Status: "已通过", Self: pts("60"), SelfGrade: "差", Reviewed: true, Review: pts("85"), ReviewGrade: "良",
				Unscored: "无法计分"},
		},
		Measures: BulletinDeadline{Rules: "《周期规则》", Name: "整改措施报送", Describe: "30日（末日为法定休假日的顺延）", Source: "某省规定：30 日内报送整改措施。", Default: true},
	}
}

func docText(d *Document) string {
	var b strings.Builder
	for _, x := range d.Blocks {
		switch x := x.(type) {
		case *Heading:
			b.WriteString(x.Text + "\n")
		case *Paragraph:
			b.WriteString(x.Text() + "\n")
		case *Table:
			for _, r := range x.Rows {
				for _, c := range r.Cells {
					b.WriteString(c.Text + "|")
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

// The bulletin is written from the figures: grades after review where
// kept, counts that add up, the ranked table, the lost points summed, the
// deadline rule cited.
func TestBulletin(t *testing.T) {
	in := bulletinInput()
	gc := in.GradeCounts()
	total := 0
	got := map[string]int{}
	for _, g := range gc {
		total += g.Count
		got[g.Grade] = g.Count
	}
	// 106002 is 中 after review (优 self), 106004 良 after review (差 self),
	// 106003 not reviewed: its self grade 良.
	if total != 4 || got["优"] != 1 || got["良"] != 2 || got["中"] != 1 || got["差"] != 0 {
		t.Fatalf("grade counts %+v", gc)
	}
	d := BuildBulletin(in)
	text := docText(d)
	for _, want := range []string{
		"关于2023年度", // title is separate
		"2023年度共有4个部门开展部门整体支出绩效自评，其中3个已完成财政复核、1个尚未完成复核。",
		"评价等级为“优”1个（占25.0%），“良”2个（占50.0%），“中”1个（占25.0%），“差”0个（占0.0%）。",
		// (95.5 + 78 + 85 + 85) / 4 = 85.875 → 85.88
		"平均得分85.88分；最高95.50分（天河区政府办），最低78.00分（甲局）。",
		"1|106001|天河区政府办|97.00|优|95.50|优|已公开|",
		"2|106003|乙局|85.00|良|未复核||审核中|",
		"2|106004|丙局|60.00|差|85.00|良|已通过|", // equal totals share a rank
		"4|106002|甲局|91.00|优|78.00|中|已通过|",
		"3个部门中有2个部门的部门整体绩效指标失分，涉及2项指标。",
		"1|过程|采购管理|2|5.00|",
		"2|过程|资产管理|1|1.00|",
		"另有1个部门的数据无法重新计分",
		"各部门自评报告共列出存在的问题3条（涉及2个部门）；财政复核提出复核意见4条（涉及2个部门）。",
		"评价等级为“中”或“差”的1个部门",
		"自收到本通报之日起30日（末日为法定休假日的顺延）内报送整改措施",
		"期限依据：《周期规则》“整改措施报送”期限，30日（末日为法定休假日的顺延）；来源：某省规定：30 日内报送整改措施。该期限为默认设置",
	} {
		if want == "关于2023年度" {
			if !strings.HasPrefix(d.Title, want) {
				t.Errorf("title %q", d.Title)
			}
			continue
		}
		if !strings.Contains(text, want) {
			t.Errorf("bulletin lacks %q:\n%s", want, text)
		}
	}
}

func TestBulletinEmpty(t *testing.T) {
	d := BuildBulletin(&BulletinInput{Year: 2024})
	if text := docText(d); !strings.Contains(text, "2024年度没有开展部门整体支出绩效自评的部门。") {
		t.Fatalf("%s", text)
	}
}

// The results section counts the suggestions of each scope and sums what
// they imply for next year's budget.
func TestBulletinResults(t *testing.T) {
	in := bulletinInput()
	in.Results = &BulletinResults{
		Rules:       "《结果应用规则》（results-x，1版）",
		Years:       2,
		Departments: []BulletinCount{{Name: "保障预算总额", N: 1}, {Name: "核减10%", N: 1}},
		Projects:    []BulletinCount{{Name: "据实保障", N: 3}, {Name: "核减10%", N: 1}},
		Unsuggested: 1,
		// 5,000,000.00 yuan in all, 400,000.00 of it cut.
		Base: 500_000_000, Suggested: 460_000_000,
		Decided: 2, Rows: 7,
	}
	text := docText(BuildBulletin(in))
	for _, want := range []string{
		"五、结果应用",
		"按《结果应用规则》（results-x，1版），对复核通过的2个部门年度提出下年度预算安排建议：部门整体保障预算总额1个、核减10%1个；项目据实保障3个、核减10%1个；另有1项尚无复核后等级，未提出建议。",
		"上述建议涉及本年度年初预算500.00万元，按建议下年度安排460.00万元，核减40.00万元。财政部门已对其中2项作出决定，其余5项待定",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("bulletin lacks %q:\n%s", want, text)
		}
	}
	in.Results = &BulletinResults{Rules: "《规则》"}
	if text := docText(BuildBulletin(in)); !strings.Contains(text, "截至本通报印发，2023年度尚无复核通过的部门年度，未形成结果应用建议。") {
		t.Errorf("no accepted year:\n%s", text)
	}
	in.Results = nil
	if text := docText(BuildBulletin(in)); strings.Contains(text, "结果应用") {
		t.Errorf("results section without results:\n%s", text)
	}
}
