package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/store"
)

// The signed-in user's tasks (/tasks, store.Tasks): what waits for them,
// with its due date, overdue first, and a count in the navigation
// (taskBadge) on every page.

// today is the day in China Standard Time.
func (s *server) today() civil.Date { return civil.DateOf(s.now().In(displayZone)) }

type tasksData struct {
	List *store.TaskList
	// More is how many tasks are not listed (over store.MaxTasks).
	More int
}

// DaysLeft says how far the task's due date is from the list's day, in
// Chinese: 已逾期 3 日, 今日到期, 还有 5 日, or 无截止日期.
func (d tasksData) DaysLeft(t store.Task) string {
	if t.Due.IsZero() {
		return "无截止日期"
	}
	n := int(t.Due.Time().Sub(d.List.Today.Time()).Hours() / 24)
	switch {
	case n < 0:
		return "已逾期 " + strconv.Itoa(-n) + " 日"
	case n == 0:
		return "今日到期"
	}
	return "还有 " + strconv.Itoa(n) + " 日"
}

// tasks lists the signed-in user's tasks.
func (s *server) tasks(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	l, err := s.st.Tasks(r.Context(), *u, s.today())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.badges.put(u.ID, l, s.now())
	s.render(w, r, http.StatusOK, "tasks", "待办事项", "", tasksData{List: l, More: l.Total - len(l.Tasks)})
}

// taskBadge is the navigation's count of the user's tasks.
type taskBadge struct {
	Total, Overdue int
	at             time.Time
}

// badgeTTL is how long a badge's count is reused before it is counted
// again; the tasks page always counts afresh.
const badgeTTL = time.Minute

// maxBadges bounds the counts kept (one per signed-in user).
const maxBadges = 10000

// badgeCache keeps each user's task count for badgeTTL, so that a page
// view does not read every source of tasks.
type badgeCache struct {
	mu sync.Mutex
	m  map[int64]taskBadge
}

func newBadgeCache() *badgeCache { return &badgeCache{m: map[int64]taskBadge{}} }

func (c *badgeCache) get(id int64, now time.Time) (taskBadge, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[id]
	return b, ok && now.Sub(b.at) < badgeTTL
}

func (c *badgeCache) put(id int64, l *store.TaskList, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxBadges {
		clear(c.m)
	}
	c.m[id] = taskBadge{Total: l.Total, Overdue: l.Overdue, at: now}
}

// badge is the user's task count for the navigation, counted at most
// once a badgeTTL; nil when there are none or they cannot be counted (the
// page is shown without the count rather than failing).
func (s *server) badge(r *http.Request, u *store.User) *taskBadge {
	if u == nil || s.badges == nil {
		return nil
	}
	now := s.now()
	b, ok := s.badges.get(u.ID, now)
	if !ok {
		l, err := s.st.Tasks(r.Context(), *u, s.today())
		if err != nil {
			if apperr.Code(err) == "" {
				s.log.Warn("task count", "err", err)
			}
			return nil
		}
		s.badges.put(u.ID, l, now)
		b, _ = s.badges.get(u.ID, now)
	}
	if b.Total == 0 {
		return nil
	}
	return &b
}

// setEmail saves the signed-in user's e-mail address for task reminders.
func (s *server) setEmail(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if err := s.st.SetEmail(r.Context(), u.ID, email); err != nil {
		if apperr.Code(err) == apperr.EINVALID {
			var fe adminFieldErrors
			fe.add("电子邮箱", accountEmailID, "%s", errorMessage(err))
			s.showAccount(w, r, http.StatusUnprocessableEntity, accountData{EmailErrors: fe, Email: email})
			return
		}
		s.fail(w, r, err)
		return
	}
	if email == "" {
		s.setFlash(w, "已清除您的电子邮箱，将不再收到待办事项提醒邮件。")
	} else {
		s.setFlash(w, "已保存您的电子邮箱："+email+"。")
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
