// Package workflow holds the life of a department-year from draft to
// publication, and who may move it: the department's editor (部门填报人)
// and approver (部门负责人), the finance bureau's reviewer (财政审核人), and
// the administrator. It is pure rules; the store records transitions and
// the web server enforces them.
package workflow

import "fmt"

// Statuses, in the order a department-year normally passes through them.
const (
	Draft       = "draft"        // 草稿: the department editor fills it in
	Submitted   = "submitted"    // 已提交: waiting for the department approver
	Approved    = "approved"     // 已审批: sent to the finance bureau
	UnderReview = "under_review" // 复核中: a reviewer is working on it
	Returned    = "returned"     // 已退回: back to the department, with comments
	Accepted    = "accepted"     // 已通过: the review is done
	Published   = "published"    // 已公开: visible to the public
)

// Statuses lists every status in order.
var Statuses = []string{Draft, Submitted, Approved, UnderReview, Returned, Accepted, Published}

// StatusNames gives each status in Chinese.
var StatusNames = map[string]string{
	Draft: "草稿", Submitted: "已提交", Approved: "已审批", UnderReview: "复核中",
	Returned: "已退回", Accepted: "已通过", Published: "已公开",
}

// Roles.
const (
	Editor   = "editor"   // 部门填报人
	Approver = "approver" // 部门负责人
	Reviewer = "reviewer" // 财政审核人
	Admin    = "admin"    // 管理员
)

// RoleNames gives each role in Chinese.
var RoleNames = map[string]string{Editor: "部门填报人", Approver: "部门负责人", Reviewer: "财政审核人", Admin: "管理员"}

// Stages of a department-year (docs/cycle.md §2): the targets are
// declared and approved, then the year is carried out, then evaluated.
// The statuses keep their meaning inside each stage; a stage move (批复,
// 开始年终自评) is a transition with ToStage set.
const (
	Declaration = "declaration" // 目标申报: targets declared and reviewed
	Execution   = "execution"   // 执行监控: the year under way
	Evaluation  = "evaluation"  // 年终自评: self-evaluation, review, publication
)

// Stages lists every stage in order.
var Stages = []string{Declaration, Execution, Evaluation}

// StageNames gives each stage in Chinese.
var StageNames = map[string]string{Declaration: "目标申报", Execution: "执行监控", Evaluation: "年终自评"}

// StageName returns the stage in Chinese; an empty stage is the
// evaluation stage (every year stored before stages existed).
func StageName(stage string) string {
	if n, ok := StageNames[orEvaluation(stage)]; ok {
		return n
	}
	return "未知阶段"
}

// ValidStage reports whether stage is one of Stages.
func ValidStage(stage string) bool { _, ok := StageNames[stage]; return ok }

// orEvaluation reads an empty stage as the evaluation stage.
func orEvaluation(stage string) string {
	if stage == "" {
		return Evaluation
	}
	return stage
}

// declarationStatusNames are the statuses as the declaration stage calls
// them: the finance bureau examines (审核) targets, it reviews (复核) a
// self-evaluation.
var declarationStatusNames = map[string]string{
	Draft: "草稿", Submitted: "已提交", Approved: "已审批", UnderReview: "审核中", Returned: "已退回",
}

// StatusName names a status within a stage in Chinese: in the
// declaration stage 审核中 instead of 复核中; in the execution stage the
// stage alone (执行监控中), the department working on it.
func StatusName(stage, status string) string {
	switch orEvaluation(stage) {
	case Declaration, Checkpoint:
		if n, ok := declarationStatusNames[status]; ok {
			return n
		}
	case Execution:
		return "执行监控中"
	}
	if n, ok := StatusNames[status]; ok {
		return n
	}
	return "未知状态"
}

// Transition is one allowed move.
type Transition struct {
	// Stage is the stage the move applies in; ToStage the stage it moves
	// the year to (empty: it stays in Stage).
	Stage, ToStage string
	From, To       string
	Role           string
	// Action is the verb shown on the button and in the history.
	Action string
	// NeedsComment: the move must say why (returning a submission,
	// withdrawing a publication).
	NeedsComment bool
	// Back: the move takes the data back a step instead of forward
	// (returning, withdrawing a submission, withdrawing a publication).
	// Pages offer the forward moves first and show the back moves after
	// them, styled apart.
	Back bool
}

// Target is the stage the move leaves the year in.
func (t Transition) Target() string {
	if t.ToStage != "" {
		return t.ToStage
	}
	return t.Stage
}

// Transitions are the only moves allowed, forward moves before back moves
// from the same status.
var Transitions = []Transition{
	// The declaration: the department declares its targets, the finance
	// bureau examines them and approves them (批复), which starts the
	// year's execution. 批复 writes the baseline of approved targets in
	// the same transaction once target baselines exist (docs/cycle.md §4);
	// today it moves the stage only.
	{Stage: Declaration, From: Draft, To: Submitted, Role: Editor, Action: "提交申报"},
	{Stage: Declaration, From: Returned, To: Submitted, Role: Editor, Action: "重新提交申报"},
	{Stage: Declaration, From: Submitted, To: Approved, Role: Approver, Action: "审批通过并报送财政"},
	{Stage: Declaration, From: Submitted, To: Returned, Role: Approver, Action: "退回修改", NeedsComment: true, Back: true},
	{Stage: Declaration, From: Approved, To: UnderReview, Role: Reviewer, Action: "开始审核"},
	{Stage: Declaration, ToStage: Execution, From: UnderReview, To: Draft, Role: Reviewer, Action: "批复"},
	{Stage: Declaration, From: UnderReview, To: Returned, Role: Reviewer, Action: "退回修改", NeedsComment: true, Back: true},
	// The year under way: the department (or the finance bureau, for
	// many departments at once) starts the year-end self-evaluation.
	{Stage: Execution, ToStage: Evaluation, From: Draft, To: Draft, Role: Editor, Action: "开始年终自评"},
	{Stage: Execution, ToStage: Evaluation, From: Draft, To: Draft, Role: Reviewer, Action: "开始年终自评"},
	// The year-end self-evaluation, its review and publication.
	{Stage: Evaluation, From: Draft, To: Submitted, Role: Editor, Action: "提交"},
	{Stage: Evaluation, From: Returned, To: Submitted, Role: Editor, Action: "重新提交"},
	// The editor may take back a submission the approver has not acted on.
	{Stage: Evaluation, From: Submitted, To: Draft, Role: Editor, Action: "撤回", Back: true},
	{Stage: Evaluation, From: Submitted, To: Approved, Role: Approver, Action: "审批通过并报送财政"},
	{Stage: Evaluation, From: Submitted, To: Returned, Role: Approver, Action: "退回修改", NeedsComment: true, Back: true},
	{Stage: Evaluation, From: Approved, To: UnderReview, Role: Reviewer, Action: "开始复核"},
	{Stage: Evaluation, From: UnderReview, To: Accepted, Role: Reviewer, Action: "复核通过"},
	{Stage: Evaluation, From: UnderReview, To: Returned, Role: Reviewer, Action: "退回修改", NeedsComment: true, Back: true},
	{Stage: Evaluation, From: Accepted, To: Published, Role: Reviewer, Action: "公开"},
	// The finance bureau may withdraw a publication, saying why; the
	// public no longer sees the year until it is published again.
	{Stage: Evaluation, From: Published, To: Accepted, Role: Reviewer, Action: "撤回公开", NeedsComment: true, Back: true},
}

// Find returns the transition from → to for role in a stage (empty: the
// evaluation stage), or an error saying what is allowed instead.
func Find(stage, from, to, role string) (Transition, error) {
	return find(Transitions, orEvaluation(stage), from, to, role)
}

func find(list []Transition, stage, from, to, role string) (Transition, error) {
	for _, t := range list {
		if t.Stage == stage && t.From == from && t.To == to && t.Role == role {
			return t, nil
		}
	}
	return Transition{}, fmt.Errorf("%s不能将%s“%s”状态的数据改为“%s”", roleName(role), trackName(stage), StatusName(stage, from), StatusName(stage, to))
}

// Next lists the moves role may make from a status in a stage (empty: the
// evaluation stage): the forward moves first, then the back moves.
func Next(stage, from, role string) []Transition {
	return next(Transitions, orEvaluation(stage), from, role)
}

func next(list []Transition, stage, from, role string) []Transition {
	var out []Transition
	for _, back := range []bool{false, true} {
		for _, t := range list {
			if t.Stage == stage && t.From == from && t.Role == role && t.Back == back {
				out = append(out, t)
			}
		}
	}
	return out
}

// trackName names a stage or a track for messages: "年终自评阶段",
// "监控表".
func trackName(stage string) string {
	if stage == Checkpoint {
		return "绩效监控表"
	}
	return StageName(stage) + "阶段"
}

// Checkpoint is the track of a checkpoint report (绩效目标执行监控表,
// docs/cycle.md §2): a row beside the year in its execution stage, with
// the statuses of the year and moves of the same shape. The department
// fills it in and submits it, its approver forwards it to the finance
// bureau, whose reviewer accepts it or returns it with a comment. Its
// moves do not change the year's stage or status.
const Checkpoint = "checkpoint"

// CheckpointTransitions are the only moves of a checkpoint report.
var CheckpointTransitions = []Transition{
	{Stage: Checkpoint, From: Draft, To: Submitted, Role: Editor, Action: "提交监控表"},
	{Stage: Checkpoint, From: Returned, To: Submitted, Role: Editor, Action: "重新提交监控表"},
	{Stage: Checkpoint, From: Submitted, To: Draft, Role: Editor, Action: "撤回", Back: true},
	{Stage: Checkpoint, From: Submitted, To: Approved, Role: Approver, Action: "审批通过并报送财政"},
	{Stage: Checkpoint, From: Submitted, To: Returned, Role: Approver, Action: "退回修改", NeedsComment: true, Back: true},
	{Stage: Checkpoint, From: Approved, To: UnderReview, Role: Reviewer, Action: "开始审核"},
	{Stage: Checkpoint, From: UnderReview, To: Accepted, Role: Reviewer, Action: "审核通过"},
	{Stage: Checkpoint, From: UnderReview, To: Returned, Role: Reviewer, Action: "退回修改", NeedsComment: true, Back: true},
}

// FindCheckpoint returns the move of a checkpoint report from → to for
// role, or an error saying it is not allowed.
func FindCheckpoint(from, to, role string) (Transition, error) {
	return find(CheckpointTransitions, Checkpoint, from, to, role)
}

// NextCheckpoint lists the moves role may make on a checkpoint report in
// status from: forward moves first.
func NextCheckpoint(from, role string) []Transition {
	return next(CheckpointTransitions, Checkpoint, from, role)
}

// Editable reports whether the department's editor may change the data in
// a status: only while it is with the department (draft or returned).
// Which parts of the document may change then depends on the stage too:
// EditableParts.
func Editable(status string) bool { return status == Draft || status == Returned }

// Parts of a department-year's document (docs/cycle.md §3.1): every field
// belongs to one (evaluation.PartOf).
const (
	PartFixed     = "fixed"     // year, department code, frameworks: set when the year is opened or imported
	PartProfile   = "profile"   // the department's functions, organisation, staffing
	PartDeclared  = "declared"  // the targets and funds declared with the budget
	PartRegisters = "registers" // procurement, contracts, assets, disclosures
	PartYearEnd   = "year_end"  // actual values, final accounts, scores, the report's text
	PartMaster    = "master"    // the department's registered name, parent, region: store-owned
	PartPrior     = "prior"     // last year's figures: store-owned
	PartAdjusted  = "adjusted"  // a target's 目标调整 marker: store-owned
)

// Parts lists every part.
var Parts = []string{PartFixed, PartProfile, PartDeclared, PartRegisters, PartYearEnd, PartMaster, PartPrior, PartAdjusted}

// PartNames gives each part in Chinese.
var PartNames = map[string]string{
	PartFixed: "年度基本信息", PartProfile: "部门概况", PartDeclared: "申报的绩效目标和资金", PartRegisters: "台账",
	PartYearEnd: "年终自评内容", PartMaster: "部门登记信息", PartPrior: "上年数据", PartAdjusted: "目标调整标记",
}

// EditableParts is the set of parts the department's editor may change
// in a stage and status (docs/cycle.md §4): nothing unless the year is
// with the department (draft or returned); then in the declaration stage
// the profile, the declaration and the registers; in execution the
// profile and the registers (targets change by 目标调整); in the
// evaluation stage the profile, the registers and the year-end part (the
// declared part is kept from the approved baseline). The fixed and
// store-owned parts are never editable. An empty stage is the evaluation
// stage.
func EditableParts(stage, status string) map[string]bool {
	if !Editable(status) {
		return map[string]bool{}
	}
	switch orEvaluation(stage) {
	case Declaration:
		return map[string]bool{PartProfile: true, PartDeclared: true, PartRegisters: true}
	case Execution:
		return map[string]bool{PartProfile: true, PartRegisters: true}
	case Evaluation:
		return map[string]bool{PartProfile: true, PartRegisters: true, PartYearEnd: true}
	}
	return map[string]bool{}
}

// Public reports whether the public may see a department-year.
func Public(status string) bool { return status == Published }

func roleName(r string) string {
	if n, ok := RoleNames[r]; ok {
		return n
	}
	return "未知角色"
}
