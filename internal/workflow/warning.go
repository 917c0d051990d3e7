package workflow

import "fmt"

// Warning states: the life of a monitoring warning (预警, docs/cycle.md
// §2 tracks). A warning is raised open; the finance bureau's reviewer
// handles it with a comment: passed (通过: the explanation or the
// progress is accepted), returned (退回: the department must answer with
// its measures) or dismissed (无需处理). A returned warning comes back
// open when the department answers (responded), for the reviewer to
// handle again.
const (
	WarningOpen      = "open"      // 待处理
	WarningPassed    = "passed"    // 已通过
	WarningReturned  = "returned"  // 已退回
	WarningResponded = "responded" // 已反馈
	WarningDismissed = "dismissed" // 无需处理
	// WarningCleared: an open warning that no longer fires when the
	// warnings are computed again (已解除); only the refresh sets it, and
	// sets it back to open when the warning fires again.
	WarningCleared = "cleared"
)

// WarningStates lists the states in order.
var WarningStates = []string{WarningOpen, WarningReturned, WarningResponded, WarningPassed, WarningDismissed, WarningCleared}

// WarningStateNames names each state in Chinese.
var WarningStateNames = map[string]string{
	WarningOpen: "待处理", WarningPassed: "已通过", WarningReturned: "已退回（待部门反馈）",
	WarningResponded: "部门已反馈", WarningDismissed: "无需处理", WarningCleared: "已解除",
}

// WarningStateName names a state in Chinese.
func WarningStateName(s string) string {
	if n, ok := WarningStateNames[s]; ok {
		return n
	}
	return "未知状态"
}

// WarningMove is one allowed move of a warning. Every move needs a
// comment: the reviewer's opinion, or the department's measures.
type WarningMove struct {
	From, To string
	Role     string
	Action   string // the button and the history: 通过, 退回, 无需处理, 反馈整改措施
}

// WarningMoves are the only moves of a warning.
var WarningMoves = []WarningMove{
	{From: WarningOpen, To: WarningPassed, Role: Reviewer, Action: "通过"},
	{From: WarningOpen, To: WarningReturned, Role: Reviewer, Action: "退回"},
	{From: WarningOpen, To: WarningDismissed, Role: Reviewer, Action: "无需处理"},
	{From: WarningReturned, To: WarningResponded, Role: Editor, Action: "反馈整改措施"},
	{From: WarningResponded, To: WarningPassed, Role: Reviewer, Action: "通过"},
	{From: WarningResponded, To: WarningReturned, Role: Reviewer, Action: "退回"},
	{From: WarningResponded, To: WarningDismissed, Role: Reviewer, Action: "无需处理"},
}

// FindWarningMove returns the move from → to for role, or an error in
// Chinese saying it is not allowed.
func FindWarningMove(from, to, role string) (WarningMove, error) {
	for _, m := range WarningMoves {
		if m.From == from && m.To == to && m.Role == role {
			return m, nil
		}
	}
	return WarningMove{}, fmt.Errorf("%s不能将“%s”的预警改为“%s”", roleName(role), WarningStateName(from), WarningStateName(to))
}

// NextWarningMoves lists the moves role may make on a warning in state from.
func NextWarningMoves(from, role string) []WarningMove {
	var out []WarningMove
	for _, m := range WarningMoves {
		if m.From == from && m.Role == role {
			out = append(out, m)
		}
	}
	return out
}
