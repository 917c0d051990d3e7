package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// cmdUser manages accounts: `user add` reads the password from standard
// input, so it never appears in the shell history or the process list.
func cmdUser(e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usageErr("用法：jixiao user add --name 用户名 --role editor|approver|reviewer|admin [--department 预算单位编码] [--display 姓名] < 密码")
	}
	fs := newFlags("user add", e)
	db := dbFlag(fs)
	name := fs.String("name", "", "用户名")
	display := fs.String("display", "", "显示姓名（默认同用户名）")
	role := fs.String("role", "", "角色：editor（部门填报人）、approver（部门负责人）、reviewer（财政审核人）、admin（管理员）")
	dept := fs.String("department", "", "所属部门预算单位编码（部门填报人和部门负责人必填）")
	email := fs.String("email", "", "电子邮箱（选填，用于待办事项提醒邮件）")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("user add 不接受位置参数：%v", pos)
	}
	switch {
	case *name == "" || *role == "":
		return usageErr("需要 --name 和 --role（editor、approver、reviewer 或 admin）")
	case workflow.RoleNames[*role] == "":
		return usageErr("角色 %q 无效，可用：editor（部门填报人）、approver（部门负责人）、reviewer（财政审核人）、admin（管理员）", *role)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return usageErr("请从标准输入提供密码，例如：echo '密码' | jixiao user add …")
	}
	password := strings.TrimRight(line, "\r\n")
	if *display == "" {
		*display = *name
	}
	ctx := context.Background()
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, store.User{Username: *name, DisplayName: *display, Role: *role, DepartmentCode: *dept, Email: *email}, password)
	if err != nil {
		return err
	}
	where := ""
	if u.DepartmentCode != "" {
		where = "，部门 " + u.DepartmentCode
	}
	fmt.Fprintf(e.stdout, "✓ 已创建用户 %s（%s%s）\n", u.Username, workflow.RoleNames[u.Role], where)
	return nil
}
