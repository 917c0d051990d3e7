package web

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// workbookSlots bounds the uploaded workbooks read at once: reading one
// takes up to a few tens of megabytes and a second of a core (see
// docs/limits-workbook.md), so that a burst of uploads queues rather than
// exhausting the server.
type workbookSlots struct {
	sem  chan struct{}
	wait time.Duration
}

// newWorkbookSlots allows n reads at once, each upload waiting up to wait
// for its turn; zero values take the defaults of Options.
func newWorkbookSlots(n int, wait time.Duration) *workbookSlots {
	if n <= 0 {
		n = 2
	}
	if wait <= 0 {
		wait = 10 * time.Second
	}
	return &workbookSlots{sem: make(chan struct{}, n), wait: wait}
}

// workbookSlot waits for a turn to read an uploaded workbook. When none
// comes within the wait it answers 503 with Retry-After and reports
// false, as it does (answering nothing) when the client has gone.
func (s *server) workbookSlot(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	q := s.workbooks
	t := time.NewTimer(q.wait)
	defer t.Stop()
	select {
	case q.sem <- struct{}{}:
		return func() { <-q.sem }, true
	case <-r.Context().Done():
		return nil, false
	case <-t.C:
	}
	retry := int(math.Ceil(q.wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	s.editAgain(w, r, http.StatusServiceUnavailable,
		"服务器正在处理其他单位上传的填报表，本次上传未处理；请约 "+strconv.Itoa(retry)+" 秒后重新上传。")
	return nil, false
}
