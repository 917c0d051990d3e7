package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/jixiao/jixiao/internal/store"
)

// flights runs one render per key at a time: requests for the same
// published document that arrive while it renders wait for that render
// instead of starting their own.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done chan struct{}
	doc  *store.PublishedDocument
	err  error
}

func newFlights() *flights { return &flights{m: map[string]*flight{}} }

// do returns the result of fn for key, running fn only if no call for key
// is in progress. fn runs on its own goroutine until it finishes; a caller
// whose ctx ends stops waiting for it with ctx's error.
func (f *flights) do(ctx context.Context, key string, fn func() (*store.PublishedDocument, error)) (*store.PublishedDocument, error) {
	f.mu.Lock()
	c, ok := f.m[key]
	if !ok {
		c = &flight{done: make(chan struct{})}
		f.m[key] = c
		go func() {
			defer func() {
				if p := recover(); p != nil {
					c.err = fmt.Errorf("生成报告文件时程序出错：%v", p)
				}
				f.mu.Lock()
				delete(f.m, key)
				f.mu.Unlock()
				close(c.done)
			}()
			c.doc, c.err = fn()
		}()
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.doc, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
