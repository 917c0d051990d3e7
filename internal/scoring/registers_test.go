package scoring

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
)

// weekCalendar counts Monday to Friday as working days, except the dates
// listed as holidays: enough to test the counting logic apart from the
// official calendar (which has its own tests).
type weekCalendar map[civil.Date]bool

func (w weekCalendar) work(d civil.Date) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !w[d]
}

func (w weekCalendar) AddWorkdays(from civil.Date, n int) (civil.Date, error) {
	d := from
	for n > 0 {
		d = d.AddDays(1)
		if w.work(d) {
			n--
		}
	}
	return d, nil
}

func (w weekCalendar) WorkdaysBetween(a, b civil.Date) (int, error) {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if w.work(d) {
			n++
		}
	}
	return n, nil
}

func day(s string) civil.Date {
	return civil.MustDate(atoi(s[:4]), time.Month(atoi(s[5:7])), atoi(s[8:]))
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// checkFW is a one-indicator framework whose checklist items are decided
// by the given checks, 2 points each.
func checkFW(t *testing.T, checks ...*framework.Check) *framework.Framework {
	var items []framework.ChecklistItem
	for i, c := range checks {
		items = append(items, framework.ChecklistItem{Code: "K" + string(rune('1'+i)), Text: "检查" + c.Kind, Points: pts("2"), Check: c})
	}
	return deptFW(t, leaf("K", strconv.Itoa(2*len(checks)), &framework.Rule{Kind: framework.KindChecklist, Items: items}))
}

func scoreWith(t *testing.T, ev *evaluation.Evaluation, fw *framework.Framework, cal WorkingDays) (*Result, diag.List) {
	t.Helper()
	return ScoreWith(ev, fakeFWs{fw.ID: fw}, Options{Calendar: cal})
}

func TestRegisterChecks(t *testing.T) {
	// 2024-06-10 (Mon) is a holiday in this calendar.
	cal := weekCalendar{day("2024-06-10"): true}
	contract := func(num, signed, published, filed string, amount int64, sme bool) evaluation.Contract {
		k := evaluation.Contract{Number: num, Supplier: "某公司", Amount: money.Yuan(amount), SME: sme, Awarded: day("2024-06-03"), Signed: day(signed)}
		if published != "" {
			k.Published = day(published)
		}
		if filed != "" {
			k.Filed = day(filed)
		}
		return k
	}
	tests := []struct {
		name    string
		check   *framework.Check
		reg     evaluation.Registers
		lost    string
		reasons []string
	}{
		{
			// Signed Fri 06-07; 7 working days skip the weekend and the
			// 06-10 holiday: 11,12,13,14,17,18,19 → due 06-19. Filed 06-21
			// is 2 working days late; filed 06-19 is on time.
			name:  "filing",
			check: &framework.Check{Kind: framework.CheckContractFiling, WorkingDays: 7},
			reg: evaluation.Registers{Contracts: []evaluation.Contract{
				contract("HT-1", "2024-06-07", "2024-06-11", "2024-06-21", 100, true),
				contract("HT-2", "2024-06-07", "2024-06-11", "2024-06-19", 100, true),
			}},
			lost:    "2",
			reasons: []string{"合同 HT-1 于2024年6月7日签订，2024年6月21日备案，超出 7 个工作日期限 2 个工作日"},
		},
		{
			// 2 working days from Fri 06-07: 06-11, 06-12. Published 06-13
			// is late by 1; a contract never published is reported too.
			name:  "publication",
			check: &framework.Check{Kind: framework.CheckContractPublication, WorkingDays: 2},
			reg: evaluation.Registers{Contracts: []evaluation.Contract{
				contract("HT-1", "2024-06-07", "2024-06-13", "", 100, true),
				contract("HT-2", "2024-06-07", "", "", 100, true),
			}},
			lost:    "2",
			reasons: []string{"合同 HT-1 于2024年6月7日签订，2024年6月13日公告，超出 2 个工作日期限 1 个工作日", "合同 HT-2 于2024年6月7日签订，至今未公告（应于2024年6月12日前公告）"},
		},
		{
			// Awarded 06-03, signed 07-05: 32 days > 30.
			name:    "signing",
			check:   &framework.Check{Kind: framework.CheckContractSigning, Days: 30},
			reg:     evaluation.Registers{Contracts: []evaluation.Contract{contract("HT-1", "2024-07-05", "", "", 1, true), contract("HT-2", "2024-07-03", "", "", 1, true)}},
			lost:    "2",
			reasons: []string{"合同 HT-1 中标（成交）通知书于2024年6月3日发出，2024年7月5日签订，超过 30 日"},
		},
		{
			// 250 of 1000 yuan to SMEs: 25% < 30%.
			name:    "sme share below",
			check:   &framework.Check{Kind: framework.CheckSMEShare, Min: dec("30")},
			reg:     evaluation.Registers{Contracts: []evaluation.Contract{contract("HT-1", "2024-06-07", "", "", 250, true), contract("HT-2", "2024-06-07", "", "", 750, false)}},
			lost:    "2",
			reasons: []string{"占合同总额 0.10 万元的 25.00%，低于 30%"},
		},
		{
			name:  "sme share met",
			check: &framework.Check{Kind: framework.CheckSMEShare, Min: dec("30")},
			reg:   evaluation.Registers{Contracts: []evaluation.Contract{contract("HT-1", "2024-06-07", "", "", 300, true), contract("HT-2", "2024-06-07", "", "", 700, false)}},
			lost:  "0",
		},
		{
			// Published 2024-02-20 for a start on 03-15: 24 days < 30.
			name:    "intention lead",
			check:   &framework.Check{Kind: framework.CheckIntentionLead, Days: 30},
			reg:     evaluation.Registers{Intentions: []evaluation.Intention{{Project: "甲", PlannedStart: day("2024-03-15"), Published: day("2024-02-20")}, {Project: "乙", PlannedStart: day("2024-03-15"), Published: day("2024-02-14")}}},
			lost:    "2",
			reasons: []string{"采购意向“甲”于2024年2月20日公开，距预计采购时间2024年3月15日仅 24 日，不足 30 日"},
		},
		{
			// Three records missing labels at 0.5 each: 1.5 of 2.
			name:  "labels per record",
			check: &framework.Check{Kind: framework.CheckAssetLabels, PerRecord: ptr(pts("0.5"))},
			reg: evaluation.Registers{Assets: []evaluation.Asset{
				{Number: "A1", Name: "电脑", LabelMissing: true}, {Number: "A2", Name: "电脑", LabelMissing: true},
				{Number: "A3", Name: "电脑", LabelMissing: true}, {Number: "A4", Name: "电脑"},
			}},
			lost:    "1.5",
			reasons: []string{"资产 A1（电脑）标签缺失", "资产 A3（电脑）标签缺失"},
		},
		{
			// In use 900 of 1000: 90% < 95%, a fixed deduction of 1.
			name:    "utilisation",
			check:   &framework.Check{Kind: framework.CheckAssetUtilisation, Min: dec("95"), Deduct: ptr(pts("1"))},
			reg:     evaluation.Registers{Assets: []evaluation.Asset{{Number: "A1", Value: money.Yuan(900)}, {Number: "A2", Value: money.Yuan(100), Idle: true}}},
			lost:    "1",
			reasons: []string{"固定资产利用率 90.00%，低于 95%"},
		},
		{
			name:    "inventory",
			check:   &framework.Check{Kind: framework.CheckAssetInventory},
			reg:     evaluation.Registers{Assets: []evaluation.Asset{{Number: "A1", Name: "柜", LastInventory: day("2023-12-01")}, {Number: "A2", Name: "柜", LastInventory: day("2024-11-01")}}},
			lost:    "2",
			reasons: []string{"资产 A1（柜）2024 年度未盘点，最近盘点于2023年12月1日"},
		},
		{
			// Approved 03-01, published 03-25: 24 days > 20; no final
			// accounts record at all for the second check.
			name:    "disclosure late",
			check:   &framework.Check{Kind: framework.CheckDisclosure, Disclosure: "budget", Days: 20},
			reg:     evaluation.Registers{Disclosures: []evaluation.Disclosure{{Kind: "budget", Approved: day("2024-03-01"), Published: day("2024-03-25")}}},
			lost:    "2",
			reasons: []string{"部门预算于2024年3月1日批复，2024年3月25日公开，超过 20 日"},
		},
		{
			name:    "disclosure missing",
			check:   &framework.Check{Kind: framework.CheckDisclosure, Disclosure: "final_accounts", Days: 20},
			reg:     evaluation.Registers{Disclosures: []evaluation.Disclosure{{Kind: "budget", Approved: day("2024-03-01"), Published: day("2024-03-05")}}},
			lost:    "2",
			reasons: []string{"台账中没有部门决算公开记录"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw := checkFW(t, tt.check)
			ev := newEval(fw)
			ev.Year = 2024
			reg := tt.reg
			ev.Registers = &reg
			res, ds := scoreWith(t, ev, fw, cal)
			if ds.Err() != nil {
				t.Fatal(ds)
			}
			checkTrace(t, res.Indicators)
			k := node(t, res.Indicators, "K")
			if got := k.Lost().String(); got != tt.lost {
				t.Errorf("lost %s, want %s; trace %+v", got, tt.lost, k.Trace)
			}
			all := ""
			for _, d := range k.Trace.Deductions {
				all += d.Reason
			}
			for _, r := range tt.reasons {
				if !strings.Contains(all, r) {
					t.Errorf("reasons lack %q:\n%s", r, all)
				}
			}
		})
	}
}

// Without registers the officer decides the items; with registers a
// manual entry needs an override reason, and one with a reason wins and is
// reported for the reviewer.
func TestRegisterOverride(t *testing.T) {
	fw := checkFW(t, &framework.Check{Kind: framework.CheckAssetLabels})
	ev := newEval(fw)
	ev.Year = 2024
	ev.Scores["K"] = evaluation.Input{Checklist: []evaluation.ItemCheck{{Item: "K1", Passed: true}}}
	if _, ds := scoreWith(t, ev, fw, nil); ds.Err() != nil {
		t.Fatalf("no registers: the officer's entry decides: %v", ds)
	}
	ev.Registers = &evaluation.Registers{Assets: []evaluation.Asset{{Number: "A1", Name: "桌", LabelMissing: true}}}
	if _, ds := scoreWith(t, ev, fw, nil); !hasFinding(ds, diag.ComputedItem, "scores.K.checklist[0]") {
		t.Errorf("manual entry on a computed item without override: %v", ds)
	}
	ev.Scores["K"] = evaluation.Input{Checklist: []evaluation.ItemCheck{{Item: "K1", Passed: true, Override: "标签已于年末补贴，台账未及时更新"}}}
	res, ds := scoreWith(t, ev, fw, nil)
	if ds.Err() != nil || !hasFinding(ds, diag.Overruled, "scores.K.checklist[0].override") {
		t.Fatalf("override: %v", ds)
	}
	if k := node(t, res.Indicators, "K"); k.Score != k.Points || !strings.Contains(strings.Join(k.Trace.Notes, ""), "人工调整") {
		t.Errorf("override not applied or not traced: %+v", k)
	}
	// A working-day check without a calendar cannot be decided.
	fw2 := checkFW(t, &framework.Check{Kind: framework.CheckContractFiling, WorkingDays: 7})
	ev2 := newEval(fw2)
	ev2.Registers = &evaluation.Registers{Contracts: []evaluation.Contract{{Number: "HT", Signed: day("2024-06-07")}}}
	if _, ds := scoreWith(t, ev2, fw2, nil); ds.Err() == nil {
		t.Error("working-day check without a calendar gave no error")
	}
}

// A report states repeated records in one sentence; the trace lists each.
func TestSummariseCountsRepeatedRecords(t *testing.T) {
	late := func(id string, days int) finding {
		return finding{text: "合同 " + id + " 迟延", evidence: id, noun: "份合同", group: "备案超出 7 个工作日期限", over: days, overUnit: "个工作日"}
	}
	reason, summary, ev := summarise([]finding{late("HT-11", 3), late("HT-19", 5), late("HT-23", 1),
		{text: "资产 ZC-1（柜）标签缺失", evidence: "ZC-1", noun: "项资产", group: "标签缺失"},
		{text: "台账中没有部门预算公开记录", evidence: "信息公开台账"}})
	if want := "3 份合同备案超出 7 个工作日期限，最长超出 5 个工作日：HT-11 等；资产 ZC-1（柜）标签缺失；台账中没有部门预算公开记录"; summary != want {
		t.Errorf("summary\n%s\nwant\n%s", summary, want)
	}
	for _, id := range []string{"HT-11", "HT-19", "HT-23"} {
		if !strings.Contains(reason, "合同 "+id+" 迟延") {
			t.Errorf("the reason does not list %s: %s", id, reason)
		}
	}
	if len(ev) != 5 {
		t.Errorf("evidence %v", ev)
	}
	_, two, _ := summarise([]finding{late("A", 2), late("B", 4)})
	if want := "2 份合同备案超出 7 个工作日期限，最长超出 4 个工作日：A、B"; two != want {
		t.Errorf("two records: %s, want %s", two, want)
	}
}

// A rule takes effect on a date (财库〔2020〕10号: intentions below
// provincial level from 2022-01-01): a year before it is not checked, and
// records before it are passed over.
func TestRegisterCheckEffectiveFrom(t *testing.T) {
	check := &framework.Check{Kind: framework.CheckIntentionLead, Days: 30, EffectiveFrom: day("2022-01-01")}
	fw := checkFW(t, check)
	late := evaluation.Intention{Project: "甲", Published: day("2021-11-20"), PlannedStart: day("2021-12-01")}
	for _, c := range []struct {
		year int
		in   []evaluation.Intention
		lost string
	}{
		{2021, []evaluation.Intention{late}, "0"},
		{2022, []evaluation.Intention{late}, "0"}, // planned before the date
		{2022, []evaluation.Intention{{Project: "乙", Published: day("2022-03-01"), PlannedStart: day("2022-03-10")}}, "2"},
	} {
		ev := newEval(fw)
		ev.Year = c.year
		ev.Registers = &evaluation.Registers{Intentions: c.in}
		res, ds := scoreWith(t, ev, fw, weekCalendar{})
		if ds.Err() != nil {
			t.Fatal(ds)
		}
		k := node(t, res.Indicators, "K")
		if got := k.Lost().String(); got != c.lost {
			t.Errorf("%d %v: lost %s, want %s; %+v", c.year, c.in, got, c.lost, k.Trace)
		}
		if c.year == 2021 && !strings.Contains(strings.Join(k.Trace.Notes, "\n"), "自2022年1月1日起施行，2021 年度不按台账评定") {
			t.Errorf("2021: the trace does not say why the check was not applied: %v", k.Trace.Notes)
		}
	}
}

// A deadline that is the framework's default, not the law's, says so in
// the trace and the reason.
func TestRegisterCheckDefaultIsLabelled(t *testing.T) {
	fw := checkFW(t, &framework.Check{Kind: framework.CheckDisclosure, Disclosure: "performance", Days: 20, Default: true})
	ev := newEval(fw)
	ev.Year = 2024
	ev.Registers = &evaluation.Registers{Disclosures: []evaluation.Disclosure{{Kind: "performance", Approved: day("2024-03-01"), Published: day("2024-04-01")}}}
	res, ds := scoreWith(t, ev, fw, weekCalendar{})
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	k := node(t, res.Indicators, "K")
	if len(k.Trace.Deductions) != 1 || !strings.Contains(k.Trace.Deductions[0].Reason, "本框架默认标准") || !strings.Contains(k.Trace.Deductions[0].Text(), "本框架默认标准") {
		t.Errorf("deductions %+v", k.Trace.Deductions)
	}
	if !strings.Contains(strings.Join(k.Trace.Notes, "\n"), "默认值，并非法规规定") {
		t.Errorf("notes %v", k.Trace.Notes)
	}
}
