package docx

import (
	"bytes"
	"strconv"
)

// Font names. The east-Asian names are those of the fonts GB/T 9704-2012
// prescribes as shipped with Chinese Windows and WPS; the font table maps
// each to a common alternative.
const (
	fontFangSong = "仿宋_GB2312"
	fontHeiTi    = "黑体"
	fontKaiTi    = "楷体_GB2312"
	fontTitle    = "方正小标宋简体"
	fontSongTi   = "宋体"
	fontLatin    = "Times New Roman"
)

// Font sizes in half points (w:sz).
const (
	size2  = 44 // 二号, 22 pt
	size3  = 32 // 三号, 16 pt
	size4  = 28 // 四号, 14 pt
	sizeS4 = 24 // 小四, 12 pt
)

const contentTypesXML = xmlHeader +
	`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const packageRelsXML = xmlHeader +
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const documentRelsXML = xmlHeader +
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rIdFontTable" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>`

const appXML = xmlHeader +
	`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
	`<Application>jixiao</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>` +
	`<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>` +
	`</Properties>`

// settingsXML turns on separate even-page footers and mirrored margins
// (the 28 mm margin is the inside one), and keeps full-width punctuation
// uncompressed as official documents set it.
const settingsXML = xmlHeader +
	`<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:zoom w:percent="100"/>` +
	`<w:mirrorMargins/>` +
	`<w:defaultTabStop w:val="420"/>` +
	`<w:evenAndOddHeaders/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
	`<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>` +
	`</w:settings>`

// font writes one w:font entry of the font table.
func font(name, alt, charset, family, pitch string) string {
	s := `<w:font w:name="` + name + `">`
	if alt != "" {
		s += `<w:altName w:val="` + alt + `"/>`
	}
	return s + `<w:charset w:val="` + charset + `"/><w:family w:val="` + family + `"/><w:pitch w:val="` + pitch + `"/></w:font>`
}

// fontTableXML lists the fonts with their fallbacks (w:altName); charset
// 86 is GB2312.
var fontTableXML = xmlHeader +
	`<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	font(fontLatin, "", "00", "roman", "variable") +
	font(fontFangSong, "仿宋", "86", "modern", "fixed") +
	font("仿宋", "FangSong", "86", "modern", "fixed") +
	font(fontHeiTi, "SimHei", "86", "modern", "fixed") +
	font(fontKaiTi, "楷体", "86", "modern", "fixed") +
	font("楷体", "KaiTi", "86", "modern", "fixed") +
	font(fontTitle, "宋体", "86", "script", "variable") +
	font(fontSongTi, "SimSun", "86", "auto", "variable") +
	`</w:fonts>`

// rFonts is a w:rFonts element: latin for ASCII and other Latin text,
// eastAsia for Chinese.
func rFonts(latin, eastAsia string) string {
	return `<w:rFonts w:ascii="` + latin + `" w:hAnsi="` + latin + `" w:eastAsia="` + eastAsia + `" w:cs="` + latin + `"/>`
}

func sz(halfPoints int) string {
	n := strconv.Itoa(halfPoints)
	return `<w:sz w:val="` + n + `"/><w:szCs w:val="` + n + `"/>`
}

// Paragraph property fragments.
var (
	noIndent     = `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
	exactSpacing = `<w:spacing w:before="0" w:after="0" w:line="` + strconv.Itoa(linePitch) + `" w:lineRule="exact"/>`
	single       = `<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>`
	notBold      = `<w:b w:val="0"/><w:bCs w:val="0"/><w:i w:val="0"/><w:iCs w:val="0"/>`
)

// style writes a paragraph style. pPr and rPr are the property elements
// in schema order.
func style(id, name, basedOn, next string, outline int, pPr, rPr string) string {
	s := `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/>`
	if basedOn != "" {
		s += `<w:basedOn w:val="` + basedOn + `"/>`
	}
	if next != "" {
		s += `<w:next w:val="` + next + `"/>`
	}
	s += `<w:qFormat/>`
	if outline >= 0 {
		pPr += `<w:outlineLvl w:val="` + strconv.Itoa(outline) + `"/>`
	}
	return s + `<w:pPr>` + pPr + `</w:pPr><w:rPr>` + rPr + `</w:rPr></w:style>`
}

// stylesXML defines the document defaults (3号仿宋, fixed 28.95 pt lines,
// justified) and the paragraph styles the body uses. Automatic spacing
// between Chinese and Latin text or digits is off, so that "附件2" and
// "2023年" are set solid as in printed official documents.
var stylesXML = xmlHeader +
	`<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults>` +
	`<w:rPrDefault><w:rPr>` + rFonts(fontLatin, fontFangSong) + `<w:kern w:val="2"/>` + sz(size3) +
	`<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>` + exactSpacing + `<w:jc w:val="both"/></w:pPr></w:pPrDefault>` +
	`</w:docDefaults>` +
	// Normal: body text with a two-character first-line indent.
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>` + exactSpacing + `<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr>` +
	`<w:rPr>` + rFonts(fontLatin, fontFangSong) + notBold + sz(size3) + `</w:rPr></w:style>` +
	`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>` +
	`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	style(styleLabel, "Attachment Label", "Normal", "Normal", -1,
		noIndent+`<w:jc w:val="left"/>`,
		rFonts(fontHeiTi, fontHeiTi)+notBold+sz(size3)) +
	style(styleTitle, "Title", "Normal", "Normal", -1,
		`<w:keepNext/>`+noIndent+`<w:jc w:val="center"/>`,
		rFonts(fontTitle, fontTitle)+notBold+sz(size2)) +
	style(styleHeading+"1", "heading 1", "Normal", "Normal", 0,
		`<w:keepNext/>`,
		rFonts(fontLatin, fontHeiTi)+notBold+sz(size3)) +
	style(styleHeading+"2", "heading 2", "Normal", "Normal", 1,
		`<w:keepNext/>`,
		rFonts(fontLatin, fontKaiTi)+notBold+sz(size3)) +
	style(styleHeading+"3", "heading 3", "Normal", "Normal", 2,
		`<w:keepNext/>`,
		rFonts(fontLatin, fontFangSong)+`<w:b/><w:bCs/><w:i w:val="0"/><w:iCs w:val="0"/>`+sz(size3)) +
	style(styleSignature, "Signature", "Normal", "", -1,
		noIndent+`<w:jc w:val="right"/>`, "") +
	style(styleTableTitle, "Table Title", "Normal", "", -1,
		`<w:keepNext/>`+noIndent+`<w:jc w:val="center"/>`,
		rFonts(fontLatin, fontHeiTi)+sz(size3)) +
	style(styleTableSubtitle, "Table Subtitle", "Normal", "", -1,
		`<w:keepNext/>`+noIndent+`<w:jc w:val="center"/>`,
		"") +
	style(styleTableText, "Table Text", "Normal", "", -1,
		single+noIndent+`<w:jc w:val="left"/>`,
		sz(sizeS4)) +
	style(styleTableNote, "Table Note", "Normal", "", -1,
		`<w:spacing w:before="60" w:after="0" w:line="240" w:lineRule="auto"/>`+noIndent,
		sz(sizeS4)) +
	style(styleSpacer, "Spacer", "Normal", "", -1,
		`<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>`+noIndent,
		sz(2)) +
	style("Footer", "footer", "Normal", "", -1,
		single+noIndent,
		rFonts(fontSongTi, fontSongTi)+sz(size4)) +
	`</w:styles>`

// footerXML is a footer with the page number "— n —" (PAGE field) in
// 4号宋体, one character in from the right edge of the text on odd pages,
// from the left edge on even pages.
func footerXML(even bool) []byte {
	ind := `<w:ind w:rightChars="100" w:right="280" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/>`
	if even {
		ind = `<w:ind w:leftChars="100" w:left="280" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>`
	}
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	b.WriteString(`<w:ftr ` + wordNS + `><w:p><w:pPr><w:pStyle w:val="Footer"/>` + ind + `</w:pPr>`)
	b.WriteString(`<w:r><w:t xml:space="preserve">— </w:t></w:r>`)
	b.WriteString(`<w:r><w:fldChar w:fldCharType="begin"/></w:r>`)
	b.WriteString(`<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>`)
	b.WriteString(`<w:r><w:fldChar w:fldCharType="separate"/></w:r>`)
	b.WriteString(`<w:r><w:t>1</w:t></w:r>`)
	b.WriteString(`<w:r><w:fldChar w:fldCharType="end"/></w:r>`)
	b.WriteString(`<w:r><w:t xml:space="preserve"> —</w:t></w:r>`)
	b.WriteString(`</w:p></w:ftr>`)
	return b.Bytes()
}
