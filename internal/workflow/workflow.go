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

// Transition is one allowed move.
type Transition struct {
	From, To string
	Role     string
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

// Transitions are the only moves allowed, forward moves before back moves
// from the same status.
var Transitions = []Transition{
	{From: Draft, To: Submitted, Role: Editor, Action: "提交"},
	{From: Returned, To: Submitted, Role: Editor, Action: "重新提交"},
	// The editor may take back a submission the approver has not acted on.
	{From: Submitted, To: Draft, Role: Editor, Action: "撤回", Back: true},
	{From: Submitted, To: Approved, Role: Approver, Action: "审批通过并报送财政"},
	{From: Submitted, To: Returned, Role: Approver, Action: "退回修改", NeedsComment: true, Back: true},
	{From: Approved, To: UnderReview, Role: Reviewer, Action: "开始复核"},
	{From: UnderReview, To: Accepted, Role: Reviewer, Action: "复核通过"},
	{From: UnderReview, To: Returned, Role: Reviewer, Action: "退回修改", NeedsComment: true, Back: true},
	{From: Accepted, To: Published, Role: Reviewer, Action: "公开"},
	// The finance bureau may withdraw a publication, saying why; the
	// public no longer sees the year until it is published again.
	{From: Published, To: Accepted, Role: Reviewer, Action: "撤回公开", NeedsComment: true, Back: true},
}

// Find returns the transition from → to for role, or an error saying what
// is allowed instead.
func Find(from, to, role string) (Transition, error) {
	for _, t := range Transitions {
		if t.From == from && t.To == to && t.Role == role {
			return t, nil
		}
	}
	return Transition{}, fmt.Errorf("%s不能将%s状态的数据改为%s", roleName(role), StatusNames[from], StatusNames[to])
}

// Next lists the moves role may make from a status: the forward moves
// first, then the back moves.
func Next(from, role string) []Transition {
	var out []Transition
	for _, back := range []bool{false, true} {
		for _, t := range Transitions {
			if t.From == from && t.Role == role && t.Back == back {
				out = append(out, t)
			}
		}
	}
	return out
}

// Editable reports whether the department's editor may change the data in
// a status: only while it is with the department.
func Editable(status string) bool { return status == Draft || status == Returned }

// Public reports whether the public may see a department-year.
func Public(status string) bool { return status == Published }

func roleName(r string) string {
	if n, ok := RoleNames[r]; ok {
		return n
	}
	return "未知角色"
}
