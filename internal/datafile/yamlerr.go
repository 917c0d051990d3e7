package datafile

import "strings"

// yamlMessages words the YAML parser's errors in Chinese, by the phrase
// each error contains. The first match wins, so longer phrases come
// before the shorter ones they contain.
var yamlMessages = []struct{ phrase, text string }{
	{"control characters are not allowed", "含有控制字符（文件可能不是文本文件，或是 Excel 工作簿被当作 YAML 读取）"},
	{"incorrect leading UTF-8 octet", "文件不是 UTF-8 编码（请用 UTF-8 编码另存）"},
	{"incorrect trailing UTF-8 octet", "文件不是 UTF-8 编码（请用 UTF-8 编码另存）"},
	{"incomplete UTF-8 octet sequence", "文件不是 UTF-8 编码（请用 UTF-8 编码另存）"},
	{"UTF-16", "文件的 UTF-16 编码不完整（请用 UTF-8 编码另存）"},
	{"tab character", "缩进中使用了制表符（Tab），请改用空格缩进"},
	{"mapping values are not allowed", "此处不能出现“键: 值”（冒号后缺少空格、缩进不对，或含冒号的文字未加引号）"},
	{"block sequence entries are not allowed", "此处不能出现以“- ”开头的列表项（缩进不对）"},
	{"could not find expected ':'", "缺少冒号“:”（键后应有冒号，或多行文字未加引号）"},
	{"did not find expected key", "找不到预期的键（缩进不一致，或上一行的内容未结束）"},
	{"did not find expected ',' or ']'", "方括号列表缺少逗号“,”或右括号“]”"},
	{"did not find expected ',' or '}'", "花括号映射缺少逗号“,”或右括号“}”（含逗号或冒号的文字请加引号）"},
	{"did not find expected '-' indicator", "列表项应以“- ”开头（缩进不一致）"},
	{"did not find expected node content", "缺少值（如“键:”后面或“- ”后面没有内容而格式要求有）"},
	{"did not find expected <document start>", "文档开头格式有误"},
	{"found unexpected end of stream", "文件意外结束（引号或括号未闭合）"},
	{"found unexpected document indicator", "文字中出现了文档分隔符“---”或“...”（请给该文字加引号）"},
	{"found character that cannot start any token", "出现了不能作为值开头的字符（如“@”“`”或制表符；请给该文字加引号）"},
	{"found unknown escape character", "双引号文字中有无法识别的转义符“\\”（请改用单引号或写成“\\\\”）"},
	{"found invalid Unicode character escape code", "双引号文字中的 Unicode 转义无效"},
	{"duplicated key", "同一映射中出现了重复的键"},
	{"found undefined tag handle", "使用了未定义的标签（以“!”开头的文字请加引号）"},
	{"unknown anchor", "引用了未定义的锚点（以“*”开头的文字请加引号）"},
	{"excessive aliasing", "锚点引用过多"},
	{"while scanning an alias", "别名格式有误（以“*”开头的文字请加引号）"},
	{"while scanning an anchor", "锚点格式有误（以“&”开头的文字请加引号）"},
	{"while scanning a quoted scalar", "引号未闭合"},
	{"while parsing a quoted scalar", "引号未闭合"},
	{"while scanning a block scalar", "多行文字块（“|”或“>”）格式有误"},
	{"while scanning a tag", "标签格式有误（以“!”开头的文字请加引号）"},
	{"while scanning a directive", "指令格式有误（以“%”开头的文字请加引号）"},
	{"while scanning a simple key", "键格式有误（键过长或跨行）"},
}

// yamlMessage returns the Chinese wording of a YAML parser error message
// (without its "yaml: line N:" prefix).
func yamlMessage(msg string) string {
	for _, m := range yamlMessages {
		if strings.Contains(msg, m.phrase) {
			return m.text
		}
	}
	return "YAML/JSON 格式有误，请核对该行附近的缩进、冒号、引号和括号"
}
