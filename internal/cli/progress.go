package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// progressFlag is --progress: show progress even when standard error is
// not a terminal (a log file, a CI job).
func progressFlag(fs *flag.FlagSet) *string {
	return fs.String("progress", "auto", "进度显示：auto（标准错误为终端时显示）、always（总是显示，每秒一行）或 never")
}

// progress prints how far a long job has come on standard error:
// "已完成 1200/3000（40%）". On a terminal it rewrites one line at most
// four times a second; elsewhere it prints nothing unless asked
// (--progress always), and then a line a second.
type progress struct {
	w        io.Writer
	on, tty  bool
	every    time.Duration
	last     time.Time
	lastDone int
	shown    bool
}

func newProgress(w io.Writer, mode string) (*progress, error) {
	p := &progress{w: w, tty: isTerminal(w)}
	switch mode {
	case "auto", "":
		p.on = p.tty
	case "always":
		p.on = true
	case "never":
	default:
		return nil, usageErr("--progress %q 无效：可用 auto、always、never", mode)
	}
	p.every = time.Second
	if p.tty {
		p.every = 250 * time.Millisecond
	}
	return p, nil
}

// isTerminal says whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// show prints done of total, unless printed too recently; the last one
// (done == total) is always printed.
func (p *progress) show(done, total int, rate float64) {
	if !p.on || total <= 0 || done == p.lastDone {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < p.every {
		return
	}
	p.last, p.lastDone = now, done
	line := fmt.Sprintf("已完成 %d/%d（%d%%）", done, total, done*100/total)
	if rate > 0 {
		line += fmt.Sprintf("，每秒 %.0f 份", rate)
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.shown = true
		if done == total {
			p.end()
		}
		return
	}
	fmt.Fprintln(p.w, line)
}

// end finishes a terminal's progress line.
func (p *progress) end() {
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
		p.shown = false
	}
}
