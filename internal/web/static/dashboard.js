/* Finance dashboard (/dashboard): draws the charts with ECharts from the
   JSON block #dashboard-data, which the server renders together with the
   tables that give every figure; without this script the tables are the
   page. Colours come from app.css (custom properties --grade-*,
   --chart-*), so the charts and the tables use the same ones. Tooltips are
   drawn on the canvas (renderMode "richText"): no markup is built from
   the data and nothing needs an inline style, as the Content-Security-
   Policy requires. */
(function () {
  'use strict';

  var source = document.getElementById('dashboard-data');
  if (!source || typeof window.echarts === 'undefined') {
    return;
  }
  var data;
  try {
    data = JSON.parse(source.textContent);
  } catch (e) {
    return;
  }

  var css = window.getComputedStyle(document.documentElement);
  function colour(name, fallback) {
    var v = css.getPropertyValue(name).trim();
    return v || fallback;
  }
  var grade = {
    excellent: colour('--grade-excellent', '#1b6e3a'),
    good: colour('--grade-good', '#0b4f8a'),
    fair: colour('--grade-fair', '#8a5a00'),
    poor: colour('--grade-poor', '#b3261e'),
    other: colour('--grade-other', '#4d4d4d')
  };
  var ink = colour('--chart-text', '#1a1a1a');
  var axis = colour('--chart-axis', '#595959');
  var rule = colour('--chart-rule', '#d9d9d9');
  var self = colour('--chart-self', '#0b4f8a');
  var review = colour('--chart-review', '#b35900');
  var basic = colour('--chart-basic', '#0b4f8a');
  var project = colour('--chart-project', '#b35900');
  var count = colour('--chart-count', '#0b4f8a');
  var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var font = window.getComputedStyle(document.body).fontFamily;

  function gradeColour(key) {
    return grade[key] || grade.other;
  }

  // base is what every chart shares: text and axis colours that meet the
  // contrast the page's text does, and tooltips drawn on the canvas.
  function base(option) {
    option.animation = !still;
    option.textStyle = {color: ink, fontFamily: font, fontSize: 13};
    option.tooltip = Object.assign({
      trigger: 'axis',
      axisPointer: {type: 'shadow'},
      renderMode: 'richText',
      confine: true,
      backgroundColor: '#ffffff',
      borderColor: axis,
      textStyle: {color: ink, fontFamily: font}
    }, option.tooltip || {});
    option.grid = Object.assign({left: 8, right: 72, top: option.legend ? 40 : 16, bottom: 8, containLabel: true}, option.grid || {});
    return option;
  }

  function valueAxis(extra) {
    return Object.assign({
      type: 'value',
      axisLine: {show: true, lineStyle: {color: axis}},
      axisTick: {show: true, lineStyle: {color: axis}},
      axisLabel: {color: ink},
      splitLine: {lineStyle: {color: rule}}
    }, extra || {});
  }

  function categoryAxis(names, extra) {
    return Object.assign({
      type: 'category',
      data: names,
      axisLine: {lineStyle: {color: axis}},
      axisTick: {lineStyle: {color: axis}},
      axisLabel: {color: ink, width: 200, overflow: 'truncate'}
    }, extra || {});
  }

  function legend(names) {
    return {top: 0, left: 0, data: names, textStyle: {color: ink, fontFamily: font}, itemGap: 24};
  }

  var charts = [];

  // draw shows a chart's container (hidden until the script runs, so that
  // without it no empty box is shown) and draws the option in it.
  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box) {
      return null;
    }
    box.hidden = false;
    var chart = window.echarts.init(box, null, {renderer: 'canvas'});
    chart.setOption(base(option));
    charts.push(chart);
    box.setAttribute('data-drawn', 'true');
    return chart;
  }

  // Grade distribution: one bar per grade, in its colour.
  if (data.grades && data.grades.length) {
    draw('chart-grades', {
      xAxis: categoryAxis(data.grades.map(function (g) { return g.grade; }), {axisLabel: {color: ink, fontSize: 14}}),
      grid: {top: 28},
      yAxis: valueAxis({minInterval: 1, name: '个', nameTextStyle: {color: ink}}),
      series: [{
        type: 'bar',
        name: '部门年度数',
        barMaxWidth: 64,
        data: data.grades.map(function (g) {
          return {value: g.count, itemStyle: {color: gradeColour(g.key)}};
        }),
        label: {show: true, position: 'top', color: ink, formatter: '{c} 个'}
      }]
    });
  }

  // Ranking: horizontal bars by self-score, the highest at the top; when
  // the list is long, the top and the bottom with a gap between them.
  if (data.top && data.top.length) {
    var ranked = data.top.slice();
    if (data.bottom && data.bottom.length) {
      ranked.push(null);
      ranked = ranked.concat(data.bottom);
    }
    var most = 100;
    ranked.forEach(function (r) {
      if (r && Number(r.score) > most) {
        most = Number(r.score);
      }
    });
    draw('chart-ranking', {
      tooltip: {trigger: 'item'},
      grid: {right: 120},
      xAxis: valueAxis({min: 0, max: most, name: '分', nameTextStyle: {color: ink}}),
      yAxis: categoryAxis(ranked.map(function (r) { return r ? r.rank + '. ' + r.name : '⋯'; }), {inverse: true}),
      series: [{
        type: 'bar',
        name: '自评得分',
        barMaxWidth: 22,
        data: ranked.map(function (r) {
          if (!r) {
            return {value: null};
          }
          return {value: r.score, grade: r.grade, itemStyle: {color: gradeColour(r.key)}};
        }),
        label: {
          show: true,
          position: 'right',
          color: ink,
          formatter: function (p) {
            return p.data && p.data.grade ? p.value + ' 分 · ' + p.data.grade : '';
          }
        }
      }]
    });
  }

  // Self-score against the total after review, one pair of bars per
  // department-year.
  if (data.reviewed && data.reviewed.length) {
    draw('chart-reviewed', {
      legend: legend(['自评得分', '复核后得分']),
      xAxis: valueAxis({min: 0, name: '分', nameTextStyle: {color: ink}}),
      yAxis: categoryAxis(data.reviewed.map(function (r) { return r.name; }), {inverse: true}),
      series: [
        {
          type: 'bar', name: '自评得分', barMaxWidth: 18, itemStyle: {color: self},
          data: data.reviewed.map(function (r) { return r.self; }),
          label: {show: true, position: 'right', color: ink, formatter: '{c} 分'}
        },
        {
          type: 'bar', name: '复核后得分', barMaxWidth: 18, itemStyle: {color: review},
          data: data.reviewed.map(function (r) { return r.review; }),
          label: {show: true, position: 'right', color: ink, formatter: '{c} 分'}
        }
      ]
    });
  }

  // Spending: basic and project spending stacked, by department, the most
  // at the top; the rest added up in the last bar.
  var sp = data.spending;
  if (sp && sp.rows && sp.rows.length) {
    draw('chart-spending', {
      legend: legend(['基本支出', '项目支出']),
      // Room on the right for the largest bar's label: "1234.56 万元（100.00%）".
      grid: {right: 170},
      xAxis: valueAxis({name: '万元', nameTextStyle: {color: ink}}),
      yAxis: categoryAxis(sp.rows.map(function (r) { return r.name; }), {inverse: true}),
      series: [
        {
          type: 'bar', name: '基本支出', stack: 'spending', barMaxWidth: 22,
          itemStyle: {color: basic, borderColor: '#ffffff', borderWidth: 1},
          data: sp.rows.map(function (r) { return Number(r.basic); })
        },
        {
          type: 'bar', name: '项目支出', stack: 'spending', barMaxWidth: 22,
          itemStyle: {color: project, borderColor: '#ffffff', borderWidth: 1},
          data: sp.rows.map(function (r) { return Number(r.project); }),
          label: {
            show: true,
            position: 'right',
            color: ink,
            formatter: function (p) {
              var r = sp.rows[p.dataIndex];
              return Number(r.total).toFixed(2) + ' 万元' + (r.share ? '（' + r.share + '）' : '');
            }
          }
        }
      ]
    });
  }

  // Workflow statuses: one bar per status; a bar opens the department
  // list for that status (the table's links do the same by keyboard).
  if (data.statuses && data.statuses.length) {
    var chart = draw('chart-statuses', {
      xAxis: categoryAxis(data.statuses.map(function (s) { return s.name; }), {axisLabel: {color: ink, interval: 0}}),
      grid: {top: 28},
      yAxis: valueAxis({minInterval: 1, name: '个', nameTextStyle: {color: ink}}),
      series: [{
        type: 'bar',
        name: '部门年度数',
        barMaxWidth: 48,
        itemStyle: {color: count},
        data: data.statuses.map(function (s) { return s.count; }),
        label: {show: true, position: 'top', color: ink, formatter: '{c} 个'}
      }]
    });
    if (chart) {
      chart.on('click', function (p) {
        var s = data.statuses[p.dataIndex];
        if (s && s.href) {
          window.location.assign(s.href);
        }
      });
    }
  }

  var pending = 0;
  window.addEventListener('resize', function () {
    if (pending) {
      return;
    }
    pending = window.requestAnimationFrame(function () {
      pending = 0;
      charts.forEach(function (c) { c.resize(); });
    });
  });
}());
