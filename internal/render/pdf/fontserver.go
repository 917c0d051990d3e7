package pdf

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"
)

// Paths of the font server.
const (
	blankPath = "/blank"
	fontsPath = "/fonts/"
)

// blankPage is what a tab shows between documents; a document printed
// from it has the server's origin and loads its fonts from there.
const blankPage = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title></title></head><body></body></html>`

// fontServer serves the tabs of a service on a loopback port: the blank
// page and the font subsets. It serves nothing else, and only to this
// machine.
type fontServer struct {
	srv    *http.Server
	origin string // http://127.0.0.1:port
}

func startFontServer(fonts *subsetter) (*fontServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+blankPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(blankPage))
	})
	mux.HandleFunc("GET "+fontsPath+"{key}", func(w http.ResponseWriter, r *http.Request) {
		data, ok := fonts.font(r.PathValue("key"))
		if !ok || strings.ContainsAny(r.PathValue("key"), "/\\") {
			http.NotFound(w, r)
			return
		}
		// A key names one subset for good: the tab may keep it.
		w.Header().Set("Content-Type", "font/otf")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(data)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	return &fontServer{srv: srv, origin: "http://" + ln.Addr().String()}, nil
}

func (f *fontServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	f.srv.Shutdown(ctx)
}
