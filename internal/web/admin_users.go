package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// ---- Accounts ----

// adminRoleOption is a role in the role select.
type adminRoleOption struct{ Value, Name string }

var adminRoleOptions = []adminRoleOption{
	{workflow.Editor, workflow.RoleNames[workflow.Editor]},
	{workflow.Approver, workflow.RoleNames[workflow.Approver]},
	{workflow.Reviewer, workflow.RoleNames[workflow.Reviewer]},
	{workflow.Admin, workflow.RoleNames[workflow.Admin]},
}

// adminUserRow is an account in the list.
type adminUserRow struct {
	store.User
	Department string // the department's name, "" when not stored
	Self       bool   // the signed-in administrator
}

// adminUsersPerPage is how many accounts a page of the list shows.
const adminUsersPerPage = 50

// adminMaxSearchLen bounds the search text, in characters.
const adminMaxSearchLen = 100

// adminUserList is the search and the page of the list shown.
type adminUserList struct {
	Q           string // the search, "" for every account
	Page, Pages int    // the page shown (from 1) and how many there are
	Total       int    // accounts found
	First, Last int    // the positions (from 1) of the page's first and last
	Links       []adminPageLink
	Prev, Next  string // the previous and next pages' URLs, "" at the ends
}

// adminPageLink is a link in the list's page navigation; Gap marks an
// ellipsis between page numbers.
type adminPageLink struct {
	Page    int
	URL     string
	Current bool
	Gap     bool
}

// adminUsersURL is the list's address with the search and the page.
func adminUsersURL(q string, page int) string {
	v := url.Values{}
	if q != "" {
		v.Set("q", q)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/admin/users"
	}
	return "/admin/users?" + v.Encode()
}

// readUserList reads the search and the page from a request's query
// (for the list) or form (for the forms on it, which come back to it).
func readUserList(q, page string) (adminUserList, error) {
	l := adminUserList{Q: strings.TrimSpace(q), Page: 1}
	if utf8.RuneCountInString(l.Q) > adminMaxSearchLen {
		return l, invalid("搜索内容过长（最多 %d 个字符）", adminMaxSearchLen)
	}
	if page = strings.TrimSpace(page); page != "" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 {
			return l, invalid("页码“%s”无效：应为从 1 开始的整数", page)
		}
		l.Page = n
	}
	return l, nil
}

// paginate fills in the page count, the positions and the links.
func (l *adminUserList) paginate(shown int) {
	l.Pages = (l.Total + adminUsersPerPage - 1) / adminUsersPerPage
	if shown > 0 {
		l.First = (l.Page-1)*adminUsersPerPage + 1
		l.Last = l.First + shown - 1
	}
	if l.Page > 1 {
		l.Prev = adminUsersURL(l.Q, min(l.Page-1, max(l.Pages, 1)))
	}
	if l.Page < l.Pages {
		l.Next = adminUsersURL(l.Q, l.Page+1)
	}
	if l.Pages <= 1 {
		return
	}
	// Every page near the current one, the first and the last; a gap
	// for the rest.
	for p := 1; p <= l.Pages; p++ {
		if p == 1 || p == l.Pages || (p >= l.Page-2 && p <= l.Page+2) {
			l.Links = append(l.Links, adminPageLink{Page: p, URL: adminUsersURL(l.Q, p), Current: p == l.Page})
		} else if n := len(l.Links); n > 0 && !l.Links[n-1].Gap {
			l.Links = append(l.Links, adminPageLink{Gap: true})
		}
	}
}

// adminUserForm is what the create form was filled in with (never the
// passwords).
type adminUserForm struct {
	Username, DisplayName, Role, DepartmentCode string
}

type adminUsersData struct {
	List        adminUserList
	Users       []adminUserRow
	Departments []store.Department
	Roles       []adminRoleOption
	Form        adminUserForm
	Errors      adminFieldErrors // of the create form
	// ResetID is the account whose password reset failed with ResetErrors.
	ResetID     int64
	ResetName   string
	ResetErrors adminFieldErrors
	MinPassword int
}

// Limits the store enforces on an account, checked here too so that every
// problem is listed at once.
const (
	adminMaxUsernameLen    = 64
	adminMaxDisplayNameLen = 100
	adminMaxPasswordBytes  = 1024
)

// adminUsers shows the accounts page: the accounts found by the search
// (q) a page (page) at a time, and the form to create one.
func (s *server) adminUsers(w http.ResponseWriter, r *http.Request) {
	l, err := readUserList(r.URL.Query().Get("q"), r.URL.Query().Get("page"))
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, errorMessage(err))
		return
	}
	s.adminShowUsers(w, r, http.StatusOK, "", adminUsersData{List: l, Form: adminUserForm{Role: workflow.Editor}})
}

// adminShowUsers renders the accounts page with d's search, form state and
// errors. The store searches and pages; only the page shown is read.
func (s *server) adminShowUsers(w http.ResponseWriter, r *http.Request, status int, errMsg string, d adminUsersData) {
	ctx := r.Context()
	if d.List.Page < 1 {
		d.List.Page = 1
	}
	found, err := s.st.SearchUsers(ctx, d.List.Q, adminUsersPerPage, (d.List.Page-1)*adminUsersPerPage)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	depts, err := s.st.ListDepartments(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	me := currentUser(r)
	for _, u := range found.Users {
		d.Users = append(d.Users, adminUserRow{User: u.User, Department: u.DepartmentName, Self: me != nil && u.ID == me.ID})
	}
	d.List.Total = found.Total
	d.List.paginate(len(found.Users))
	d.Departments, d.Roles, d.MinPassword = depts, adminRoleOptions, store.MinPasswordLen
	s.render(w, r, status, "admin_users", "用户管理", errMsg, d)
}

// adminBack is the list page an action's form came from, by the search and
// page it carries, and the form's list state (zero when unreadable).
func adminBack(r *http.Request) (string, adminUserList) {
	l, err := readUserList(r.PostFormValue("q"), r.PostFormValue("page"))
	if err != nil {
		return "/admin/users", adminUserList{Page: 1}
	}
	return adminUsersURL(l.Q, l.Page), l
}

// adminCheckPassword lists the problems of a new password and its
// confirmation; ids are the two fields' element ids.
func adminCheckPassword(fe *adminFieldErrors, password, confirm, id, confirmID string) {
	switch {
	case password == "":
		fe.add("密码", id, "不能为空")
	case utf8.RuneCountInString(password) < store.MinPasswordLen:
		fe.add("密码", id, "至少需要 %d 个字符", store.MinPasswordLen)
	case len(password) > adminMaxPasswordBytes:
		fe.add("密码", id, "过长（最多 %d 字节）", adminMaxPasswordBytes)
	}
	switch {
	case confirm == "":
		fe.add("确认密码", confirmID, "不能为空")
	case confirm != password:
		fe.add("确认密码", confirmID, "与密码不一致")
	}
}

// adminCheckUserForm lists every problem of the create form, as the store
// would find them one at a time, and refuses a department that is not
// stored.
func adminCheckUserForm(f adminUserForm, password, confirm string, depts []store.Department) adminFieldErrors {
	var fe adminFieldErrors
	switch n := utf8.RuneCountInString(f.Username); {
	case n == 0:
		fe.add("用户名", "new-username", "不能为空")
	case n > adminMaxUsernameLen:
		fe.add("用户名", "new-username", "过长（最多 %d 个字符）", adminMaxUsernameLen)
	case strings.IndexFunc(f.Username, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		fe.add("用户名", "new-username", "不能包含空格或控制字符")
	}
	if utf8.RuneCountInString(f.DisplayName) > adminMaxDisplayNameLen {
		fe.add("显示名称", "new-display-name", "过长（最多 %d 个字符）", adminMaxDisplayNameLen)
	}
	role := workflow.RoleNames[f.Role]
	switch f.Role {
	case workflow.Editor, workflow.Approver:
		known := false
		for _, d := range depts {
			known = known || d.Code == f.DepartmentCode
		}
		switch {
		case f.DepartmentCode == "":
			fe.add("所属部门", "new-department", "%s必须选择所属部门", role)
		case !known:
			fe.add("所属部门", "new-department", "部门 %s 不存在：请先在“部门管理”中添加该部门", f.DepartmentCode)
		}
	case workflow.Reviewer, workflow.Admin:
		if f.DepartmentCode != "" {
			fe.add("所属部门", "new-department", "%s不属于任何部门，请选择“不属于任何部门”", role)
		}
	case "":
		fe.add("角色", "new-role", "请选择角色")
	default:
		fe.add("角色", "new-role", "角色 %q 无效", f.Role)
	}
	adminCheckPassword(&fe, password, confirm, "new-password", "new-password2")
	return fe
}

// adminCreateUser creates an account; on any problem the page is shown
// again with every problem listed and nothing created.
func (s *server) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := adminUserForm{
		Username:       strings.TrimSpace(r.PostFormValue("username")),
		DisplayName:    strings.TrimSpace(r.PostFormValue("display_name")),
		Role:           r.PostFormValue("role"),
		DepartmentCode: strings.TrimSpace(r.PostFormValue("department")),
	}
	password, confirm := r.PostFormValue("password"), r.PostFormValue("password2")
	depts, err := s.st.ListDepartments(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	fe := adminCheckUserForm(f, password, confirm, depts)
	status := http.StatusUnprocessableEntity
	if len(fe) == 0 {
		u, err := s.st.CreateUser(r.Context(), store.User{Username: f.Username, DisplayName: f.DisplayName, Role: f.Role, DepartmentCode: f.DepartmentCode}, password)
		switch apperr.Code(err) {
		case "":
			s.log.Info("user created", "by", currentUser(r).Username, "username", u.Username, "role", u.Role)
			s.setFlash(w, fmt.Sprintf("已创建账号 %s（%s）。", u.Username, workflow.RoleNames[u.Role]))
			http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
			return
		case apperr.ECONFLICT:
			status = http.StatusConflict
			fe.add("用户名", "new-username", "“%s”已被使用", f.Username)
		case apperr.EINVALID:
			fe.add("账号", "", "%s", errorMessage(err))
		default:
			s.internalError(w, r, err)
			return
		}
	}
	s.adminShowUsers(w, r, status, "", adminUsersData{Form: f, Errors: fe})
}

// adminTargetUser reads the account named by the path's id; a missing one is
// answered with 404 and ok false.
func (s *server) adminTargetUser(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusNotFound, "未找到该用户。")
		return store.User{}, false
	}
	u, err := s.st.GetUser(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return store.User{}, false
	}
	return u, true
}

func (s *server) adminDisableUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTargetUser(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	back, list := adminBack(r)
	me := currentUser(r)
	if u.ID == me.ID {
		s.adminShowUsers(w, r, http.StatusForbidden, "不能停用自己的账号：请由另一位管理员操作。", adminUsersData{List: list, Form: adminUserForm{Role: workflow.Editor}})
		return
	}
	if err := s.st.DisableUser(r.Context(), u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user disabled", "by", me.Username, "username", u.Username)
	s.setFlash(w, fmt.Sprintf("已停用账号 %s，其登录会话已全部结束。", u.Username))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *server) adminEnableUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTargetUser(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	back, _ := adminBack(r)
	if err := s.st.EnableUser(r.Context(), u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user enabled", "by", currentUser(r).Username, "username", u.Username)
	s.setFlash(w, fmt.Sprintf("已启用账号 %s。", u.Username))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// adminSetPassword sets a new password for an account, which ends its
// sessions; an administrator changing their own is signed in again.
func (s *server) adminSetPassword(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTargetUser(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	back, list := adminBack(r)
	password := r.PostFormValue("password")
	var fe adminFieldErrors
	adminCheckPassword(&fe, password, r.PostFormValue("password2"), fmt.Sprintf("pw-%d", u.ID), fmt.Sprintf("pw2-%d", u.ID))
	if len(fe) == 0 {
		err := s.st.SetPassword(r.Context(), u.ID, password)
		switch apperr.Code(err) {
		case "":
		case apperr.EINVALID:
			fe.add("密码", fmt.Sprintf("pw-%d", u.ID), "%s", errorMessage(err))
		default:
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.adminShowUsers(w, r, http.StatusUnprocessableEntity, "", adminUsersData{List: list, Form: adminUserForm{Role: workflow.Editor}, ResetID: u.ID, ResetName: u.Username, ResetErrors: fe})
		return
	}
	me := currentUser(r)
	s.log.Info("password set", "by", me.Username, "username", u.Username)
	if u.ID == me.ID {
		token, err := s.st.CreateSession(r.Context(), me.ID, SessionTTL)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		s.setSessionCookie(w, token)
		s.setFlash(w, "已修改您的密码。")
	} else {
		s.setFlash(w, fmt.Sprintf("已重置账号 %s 的密码；其登录会话已全部结束，需用新密码重新登录。", u.Username))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
