package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/store"
)

// The signed-in user's own account (/account): who they are, and a form
// to change their password. The new password follows the rules of the
// administrator's form (adminCheckPassword); the current password is
// checked by the store, and wrong ones are throttled exactly as sign-ins
// are (the same counters: guessing here is guessing there). A change ends
// every session of the account, those on other devices included, and
// signs this browser in again with a new session.

// Element ids of the password form's fields.
const (
	accountCurrentID = "account-current"
	accountNewID     = "account-new"
	accountConfirmID = "account-new2"
	accountEmailID   = "account-email"
)

type accountData struct {
	Department  string // the department's registered name, if any
	Errors      adminFieldErrors
	MinPassword int
	// EmailErrors and Email are the e-mail form's problems and the
	// address as entered (shown again when refused).
	EmailErrors adminFieldErrors
	Email       string
}

// account shows the account page.
func (s *server) account(w http.ResponseWriter, r *http.Request) {
	s.showAccount(w, r, http.StatusOK, accountData{})
}

func (s *server) showAccount(w http.ResponseWriter, r *http.Request, status int, d accountData) {
	u := currentUser(r)
	if u.DepartmentCode != "" {
		depts, err := s.st.ListDepartments(r.Context())
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		for _, dp := range depts {
			if dp.Code == u.DepartmentCode {
				d.Department = dp.Name
			}
		}
	}
	d.MinPassword = store.MinPasswordLen
	if d.EmailErrors == nil {
		d.Email = u.Email
	}
	s.render(w, r, status, "account", "我的账号", "", d)
}

// changePassword changes the signed-in user's password: every problem is
// shown beside its field, nothing is changed until all are fixed.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	current, password, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("password2")
	addr := s.clientIP(r)
	var fe adminFieldErrors
	if wait, byAddress := s.throttle.wait(u.Username, addr); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		msg := "当前密码输错次数过多，请 %s后再试"
		if byAddress {
			msg = "本机地址密码输错次数过多，请 %s后再试"
		}
		fe.add("当前密码", accountCurrentID, msg, waitText(secs))
		s.showAccount(w, r, http.StatusTooManyRequests, accountData{Errors: fe})
		return
	}
	if current == "" {
		fe.add("当前密码", accountCurrentID, "不能为空")
	}
	adminCheckPassword(&fe, password, confirm, accountNewID, accountConfirmID)
	if len(fe) == 0 && password == current {
		fe.add("密码", accountNewID, "新密码不能与当前密码相同")
	}
	status := http.StatusUnprocessableEntity
	if len(fe) == 0 {
		err := s.st.ChangePassword(r.Context(), u.ID, current, password)
		switch apperr.Code(err) {
		case "":
			s.throttle.succeed(u.Username, addr)
			s.log.Info("password changed", "by", u.Username, "username", u.Username, "remote", addr)
			token, err := s.st.CreateSession(r.Context(), u.ID, SessionTTL)
			if err != nil {
				s.internalError(w, r, err)
				return
			}
			s.setSessionCookie(w, token)
			s.setFlash(w, "已修改您的密码；此前在其他浏览器或设备上的登录已全部退出。")
			http.Redirect(w, r, "/account", http.StatusSeeOther)
			return
		case apperr.EUNAUTHORIZED:
			s.throttle.fail(u.Username, addr)
			s.log.Warn("password change: wrong current password", "username", u.Username, "remote", addr)
			fe.add("当前密码", accountCurrentID, "不正确，请重新输入")
		case apperr.EINVALID:
			fe.add("密码", accountNewID, "%s", errorMessage(err))
		case apperr.ECONFLICT:
			status = http.StatusConflict
			fe.add("密码", "", "%s", errorMessage(err))
		default:
			s.internalError(w, r, err)
			return
		}
	}
	s.showAccount(w, r, status, accountData{Errors: fe})
}
