package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// allowedWords are the Latin-letter words a Chinese message may contain:
// names of formats, products and standards, placeholders in usage lines,
// role and format values the user types. Anything else is English that
// leaked from a library or the operating system.
var allowedWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`jixiao SQLite PostgreSQL YAML JSON Excel PDF zip WPS OpenDocument xlsx xls docx pdf html md yaml yml json text csv
		UTF CIDR TLS SSL SQLSTATE HTTPS HSTS Cookie Chromium Tab WPS LibreOffice Word CSV
		FILE FILES CODE YEAR KEY PREV OUT DIR DATE DB ID PATH DSN GOPROXY true false
		editor approver reviewer admin evaluation declaration sqlite postgres postgresql sslmode met partly not_met
		new policy continuing department finance support support_adjusted reject
		open returned responded passed dismissed cleared red orange yellow
		X-Forwarded-For Forwarded For
		paid_on unit_code project_code functional_class economic_class fund_type amount voucher payee memo`) {
		allowedWords[w] = true
	}
}

var (
	latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z_]{2,}`)
	// Tokens that are not prose: flags, finding codes, field paths in
	// brackets, quoted values the user typed, URLs and file paths.
	notProse = regexp.MustCompile(`jixiao(?: [a-z]+(?:\|[a-z]+)*){1,2}|JIXIAO_[A-Z_]+|YYYY-MM-DD|[\w.-]+\.(?:yaml|yml|json|xlsx|docx|db|csv|xls)\b|--?[a-z][a-z0-9-]*|\b[EWI]\d{3}\b|\[(?:[^\[\]]|\[[^\]]*\])*\]|"[^"]*"|“[^”]*”|[a-z]+://\S*|(?:\.{0,2}/[^\s：:，,）)]+)+`)
)

// englishIn returns the words of out that are English prose.
func englishIn(out string, alsoAllowed ...string) []string {
	for _, a := range alsoAllowed {
		out = strings.ReplaceAll(out, a, " ")
	}
	out = notProse.ReplaceAllString(out, " ")
	var bad []string
	for _, w := range latinWord.FindAllString(out, -1) {
		if !allowedWords[w] {
			bad = append(bad, w)
		}
	}
	return bad
}

// Every command given bad input answers in Chinese, naming the place:
// no message of the flag package, the operating system, the YAML parser
// or the database driver reaches the user in English.
func TestMessagesAreChinese(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tabs := write("tabs.yaml", "department:\n\tname: x\n")
	quote := write("quote.yaml", "department:\n  name: \"unclosed\n")
	colon := write("colon.yaml", "overall_goal: a: b\n")
	flow := write("flow.yaml", "x: {a: 1, b: 2\n")
	binary := write("binary.yaml", "PK\x03\x04\x00\x01garbage")
	latin1 := write("latin1.yaml", "name: caf\xe9\n")
	notDB := write("not.db", strings.Repeat("this is not a database file ", 40))
	badCal := write("cal.yaml", "holidays: [")
	badExante := write("exante.yaml", "year: x\nproject:\n  kind: old\n  amount: 12,34\nassessor: city\nscores: {X9: {level: good}}\n")
	ledgerHead := write("head.csv", "支付日期,单位编码,金额,单位编码\n")
	ledgerRows := write("rows.csv", "paid_on,unit_code,project_code,functional_class,economic_class,fund_type,amount,voucher\n"+
		"2024-02-30,106001,,a,b,c,1.005,V1\n2024-01-01,nobody,,a,b,c,1,V2\n2024-01-01,106001,\"x\"y\",a,b,c,1,V3\n")
	gbk := write("gbk.csv", "\xd6\xa7\xb8\xb6\xc8\xd5\xc6\xda\n")
	xls := write("old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	cases := [][]string{
		{"nope"},
		{"score"},
		{"score", filepath.Join(dir, "missing.yaml")},
		{"score", dir},
		{"score", "--bogus", tianhe},
		{"score", tianhe, "--format"},
		{"score", tianhe, "--format", "xml"},
		{"check", tabs}, {"check", quote}, {"check", colon}, {"check", flow}, {"check", binary}, {"check", latin1},
		{"report", tianhe},
		{"report", tianhe, "--format", "odt", "-o", filepath.Join(dir, "r.odt")},
		{"report", tianhe, "-o", filepath.Join(dir, "no", "such", "dir", "r.docx")},
		{"report", tianhe, "-o", dir, "--format", "docx"},
		{"report", tianhe, "--kind", "budget", "-o", filepath.Join(dir, "r.docx")},
		{"report", tianhe, "--kind", "declaration"},
		{"import", "--db", filepath.Join(dir, "j.db"), filepath.Join(dir, "missing.xlsx")},
		{"import", "--db", filepath.Join(dir, "j.db")},
		{"list", "--db", notDB},
		{"list", "--db", filepath.Join(dir, "no", "such", "dir", "j.db")},
		{"list", "--db", "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2"},
		{"list", "--db", "mysql://x"},
		{"list", "--format", "xml", "--db", filepath.Join(dir, "j.db")},
		{"export", "106001", "year", "--db", filepath.Join(dir, "j.db")},
		{"export", "106001", "2023", "--db", filepath.Join(dir, "j.db"), "-o", filepath.Join(dir, "x.yaml")},
		{"history"},
		{"history", "106001", "2023", "--db", filepath.Join(dir, "j.db")},
		{"user", "add"},
		{"user", "add", "--name", "a", "--role", "boss", "--db", filepath.Join(dir, "j.db")},
		{"user"},
		{"deadline", "--from", "2024-13-01", "--working-days", "3"},
		{"deadline", "--from", "2024-01-01", "--working-days", "x"},
		{"deadline", "--from", "2024-01-01", "--working-days", "3", "--calendar", badCal},
		{"gen", "--departments", "x"},
		{"gen", "--departments", "0", "-o", dir},
		{"framework"},
		{"framework", "check", binary},
		{"framework", "check", filepath.Join(dir, "missing.yaml")},
		{"template", "--framework", "nope", "-o", filepath.Join(dir, "t.xlsx")},
		{"serve", "--trusted-proxy", "10.0.0.0/33"},
		{"serve", "extra"},
		{"migrate", "--db", notDB},
		{"year"},
		{"year", "close"},
		{"year", "open", "106001"},
		{"year", "open", "106001", "next", "--db", filepath.Join(dir, "j.db")},
		{"year", "open", "106001", "2024", "--from", "2025", "--db", filepath.Join(dir, "j.db")},
		{"year", "open", "106001", "2024", "--from", "x"},
		{"year", "open", "106001", "2024", "--bogus"},
		{"year", "open", "106001", "2024", "--db", filepath.Join(dir, "j.db")},
		{"year", "open", "106001", "2024", "--db", notDB},
		{"exante"},
		{"exante", "nope"},
		{"exante", "check", binary},
		{"exante", "check", tabs},
		{"exante", "check", badExante},
		{"exante", "score", filepath.Join(dir, "missing.yaml")},
		{"exante", "score", exanteExample, "--format", "xml"},
		{"exante", "score", exanteExample, "--finance-from", "50万元"},
		{"exante", "score", exanteExample, "--finance-from", "300万元"},
		{"exante", "report", exanteExample},
		{"exante", "report", exanteExample, "-o", filepath.Join(dir, "r.odt")},
		{"exante", "need", "--kind", "old", "--amount", "1"},
		{"exante", "need", "--kind", "new", "--amount", "x"},
		{"exante", "need", "--kind", "new"},
		{"monitor"},
		{"monitor", "export"},
		{"monitor", "import", "--db", filepath.Join(dir, "j.db")},
		{"monitor", "import", "--db", filepath.Join(dir, "j.db"), filepath.Join(dir, "missing.csv")},
		{"monitor", "import", "--db", filepath.Join(dir, "j.db"), dir},
		{"monitor", "import", "--db", filepath.Join(dir, "j.db"), ledgerHead, ledgerRows, gbk, xls, binary, tabs},
		{"monitor", "import", "--db", filepath.Join(dir, "j.db"), "--actor", "", ledgerRows},
		{"monitor", "import", "--db", notDB, ledgerRows},
		{"gen", "--payments", "-5", "-o", dir},
	}
	for _, args := range cases {
		stdout, stderr, code := run(t, args...)
		if code == 0 {
			t.Errorf("jixiao %s: exit 0 on bad input", strings.Join(args, " "))
		}
		msg := stdout + stderr
		if strings.TrimSpace(msg) == "" {
			t.Errorf("jixiao %s: no message", strings.Join(args, " "))
		}
		if bad := englishIn(msg, dir, tianhe); len(bad) > 0 {
			t.Errorf("jixiao %s: English in the message %q:\n%s", strings.Join(args, " "), bad, msg)
		}
	}
}

func TestEnglishDetector(t *testing.T) {
	if bad := englishIn("错误： open /x.yaml: no such file or directory"); len(bad) == 0 {
		t.Error("the detector missed an operating-system message")
	}
	if bad := englishIn("/a.yaml:3: E103 错误 [department.name]: 缺少部门名称；用法：jixiao score FILE --format json"); len(bad) != 0 {
		t.Errorf("the detector flags allowed words: %v", bad)
	}
}
