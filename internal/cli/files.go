package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// MaxInputBytes bounds a file the command line reads (a data file,
// workbook, framework or calendar): far above any real one (the largest
// generated department-year workbook is under 1 MiB), and small enough
// that a wrong file named by mistake does not fill the memory.
const MaxInputBytes = 64 << 20

// readInput reads a file the user named, with the reason in Chinese when
// it cannot.
func readInput(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s 是目录，不是文件", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxInputBytes+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("%s 超过 %d MiB 的文件大小上限，不像是数据文件或填报表", path, MaxInputBytes>>20)
	}
	return data, nil
}

// fileError words a file-system error in Chinese, naming the file. The
// operating system's own text is English, so it is not shown.
func fileError(path string, err error) error {
	var reason string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = "找不到文件或目录"
	case errors.Is(err, fs.ErrPermission):
		reason = "没有访问权限"
	case errors.Is(err, fs.ErrExist):
		reason = "已经存在"
	case errors.Is(err, syscall.EISDIR):
		reason = "是目录，不是文件"
	case errors.Is(err, syscall.ENOTDIR):
		reason = "路径中有一段不是目录"
	case errors.Is(err, syscall.ENOSPC):
		reason = "磁盘空间不足"
	case errors.Is(err, syscall.EROFS):
		reason = "所在的文件系统只读"
	case errors.Is(err, syscall.ENAMETOOLONG):
		reason = "文件名过长"
	default:
		reason = "读写失败（系统错误）"
	}
	return fmt.Errorf("%s：%s", path, reason)
}

// displayZone is the time zone the command line prints times in: the
// IANA zone named by JIXIAO_TZ, by default Asia/Shanghai (Beijing time,
// as the web pages show). A zone the system does not know falls back to
// UTC+8, which is what Asia/Shanghai is.
func displayZone() *time.Location {
	name := os.Getenv("JIXIAO_TZ")
	if name == "" {
		name = "Asia/Shanghai"
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
