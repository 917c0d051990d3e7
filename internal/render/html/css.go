package html

// stylesheet lays the report out like a Chinese official document
// (GB/T 9704-2012): body text in 仿宋 三号 (16pt) with a two-character
// indent, the title in 小标宋 二号 (22pt), level-1 headings in 黑体 and
// level-2 headings in 楷体, on a column as wide as the A4 type area
// (156mm). In print it uses that page's margins.
//
// Colours: text #000 and #333 on #fff, #000 on #f2f2f2 (table headings),
// #fff paper on a #e6e6e6 desk; the lowest text contrast is 12.6:1, well
// above WCAG 2.1 AA's 4.5:1 (TestContrast checks every pair).
//
// In print a table row is never broken across pages. The rule is on the
// cells, not the rows: on a row it would also hold together a cell that
// spans the rows below (a first-level indicator over its group), which
// pushed whole groups to the next page and left pages half empty. A
// spanning cell may break, as a merged cell does in Word. (No comments
// inside the style sheet: html/template drops them when it embeds it.)
const stylesheet = `html {
  background: #e6e6e6;
}
body {
  margin: 0;
  padding: 24px 12px;
}
.report {
  box-sizing: border-box;
  max-width: calc(156mm + 40mm);
  margin: 0 auto;
  padding: 20mm;
  background: #fff;
  color: #000;
  box-shadow: 0 1px 6px rgba(0, 0, 0, 0.25);
  font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", serif;
  font-size: 16pt;
  line-height: 1.8;
  text-align: justify;
  overflow-wrap: break-word;
}
.report header {
  margin-bottom: 1em;
}
.report .label {
  margin: 0;
  text-indent: 0;
  font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif;
}
.report h1 {
  margin: 0.6em 0 0.8em;
  font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "Noto Serif CJK SC", serif;
  font-size: 22pt;
  font-weight: normal;
  line-height: 1.5;
  text-align: center;
}
.report h2, .report h3, .report h4, .report h5, .report h6 {
  margin: 0;
  font-size: 16pt;
  line-height: 1.8;
  text-indent: 2em;
}
.report h2 {
  font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif;
  font-weight: normal;
}
.report h3 {
  font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "STKaiti", serif;
  font-weight: normal;
}
.report h4, .report h5, .report h6 {
  font-weight: bold;
}
.report p {
  margin: 0;
  text-indent: 2em;
}
.report p.no-indent {
  text-indent: 0;
}
.report .table-wrap {
  margin: 1em 0 0.5em;
  overflow-x: auto;
}
.report table {
  width: 100%;
  border-collapse: collapse;
  table-layout: fixed;
  font-size: 12pt;
  line-height: 1.5;
  text-align: left;
  text-indent: 0;
}
.report caption {
  caption-side: top;
  padding-bottom: 0.4em;
  text-align: center;
}
.report caption .title {
  display: block;
  font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "Noto Serif CJK SC", serif;
  font-size: 18pt;
  line-height: 1.5;
}
.report caption .subtitle {
  display: block;
  font-size: 12pt;
}
.report table.continued {
  margin-top: -1px;
}
.report td.num {
  white-space: nowrap;
}
.report th, .report td {
  border: 1px solid #000;
  padding: 0.3em 0.4em;
  vertical-align: middle;
}
.report th {
  background: #f2f2f2;
  color: #000;
  font-weight: bold;
}
.report .align-left {
  text-align: left;
}
.report .align-center {
  text-align: center;
}
.report .align-right {
  text-align: right;
}
.report .num {
  font-variant-numeric: tabular-nums;
}
.report p.note {
  margin-top: 0.2em;
  color: #333;
  font-size: 12pt;
  line-height: 1.6;
  text-indent: 0;
}
.report .signature {
  margin-top: 2em;
  padding-right: 2em;
  text-align: right;
}
.report .signature p {
  text-indent: 0;
}
.report .page-break {
  break-before: page;
  page-break-before: always;
}
@media screen {
  .report .page-break {
    margin: 1.5em -20mm;
    border-top: 1px dashed #999;
  }
}
@media screen and (max-width: 720px) {
  body {
    padding: 0;
  }
  .report {
    padding: 16px;
    box-shadow: none;
  }
  .report .page-break {
    margin: 1.5em -16px;
  }
}
@page {
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
}
@media print {
  html, body {
    background: #fff;
    margin: 0;
    padding: 0;
  }
  .report {
    max-width: none;
    margin: 0;
    padding: 0;
    box-shadow: none;
  }
  .report .table-wrap {
    overflow: visible;
  }
  .report h1, .report h2, .report h3, .report h4, .report h5, .report h6, .report caption {
    break-after: avoid;
    page-break-after: avoid;
  }
  .report td:not([rowspan]), .report th:not([rowspan]) {
    break-inside: avoid;
    page-break-inside: avoid;
  }
  .report thead {
    display: table-header-group;
  }
  .report p {
    orphans: 2;
    widows: 2;
  }
}
`
