/* policykg report page: draws the charts from the embedded report (pages/report.py) with ECharts.
   Every chart shows its evidence on click in the panel beside it. No network: everything is inline. */
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("page-data").textContent);
  var T = page.labels, R = page.report;
  var FONT = getComputedStyle(document.body).fontFamily;
  var charts = {};

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function num(v) {
    if (v == null) return "";
    return Number.isInteger(v) ? v.toLocaleString("en-US") : (Math.round(v * 100) / 100).toLocaleString("en-US");
  }
  function pct(v) { return v == null ? "" : (Math.round(v * 1000) / 10) + "%"; }
  function pts(v) { return v == null ? "" : (v > 0 ? "+" : "") + (Math.round(v * 10) / 10) + " pt"; }
  function oneLine(s) { return String(s || "").replace(/\s*\n\s*/g, ""); }
  function evidence(ev, title) {
    if (!ev) return "";
    return '<div class="rp-ev" data-source="' + esc(ev.source) + '" data-start="' + esc(ev.start_offset) + '">' +
      (title ? "<b>" + esc(title) + "</b><br>" : "") + esc(oneLine(ev.text)) +
      ' <span class="pk-where">' + esc(ev.source) + " · " + esc(ev.start_offset) + "–" + esc(ev.end_offset) + "</span></div>";
  }
  function panel(id, html) { document.getElementById(id).innerHTML = html; }
  function chart(id) {
    var el = document.getElementById(id);
    var c = echarts.init(el, null, {renderer: "svg"});
    charts[id] = c;
    return c;
  }
  function district(source) {
    for (var i = 0; i < R.districts.length; i++) if (R.districts[i].source === source) return R.districts[i];
    return null;
  }
  var TEXT = {fontFamily: FONT, color: "#1d2733"};

  /* -- heatmap: indicators × district plans ------------------------------------------------- */
  function heatmap() {
    var c = chart("heatmap-chart");
    var columns = R.districts.map(function (d) { return d.column; });
    var rows = R.rows.map(function (r) { return r.label; });
    var rowIndex = {}, colIndex = {};
    R.rows.forEach(function (r, i) { rowIndex[r.id] = i; });
    R.districts.forEach(function (d, i) { colIndex[d.source] = i; });
    var share = [], gap = [], maxShare = 0.2, maxGap = 10;
    R.cells.forEach(function (cell) {
      if (cell.measure === "share") maxShare = Math.max(maxShare, cell.value);
      else maxGap = Math.max(maxGap, Math.abs(cell.value));
    });
    R.cells.forEach(function (cell, k) {
      // a dark cell gets white figures
      var dark = cell.measure === "share" ? cell.value > 0.55 * maxShare : Math.abs(cell.value) > 0.6 * maxGap;
      var datum = {value: [colIndex[cell.district], rowIndex[cell.row], cell.value], cell: k,
                   label: {color: dark ? "#fff" : "#1d2733"}};
      (cell.measure === "share" ? share : gap).push(datum);
    });
    c.setOption({
      textStyle: TEXT,
      grid: {left: 240, right: 24, top: 56, bottom: 74},
      tooltip: {
        confine: true,
        formatter: function (p) {
          var cell = R.cells[p.data.cell], row = R.rows[rowIndex[cell.row]], d = district(cell.district);
          return "<b>" + esc(row.indicator) + "</b><br>" + esc(d.region) + " " + esc(d.year) + T.colon + esc(cell.text) +
            "<br>" + T.city_target + T.colon + num(row.city_value) + esc(row.city_unit || "");
        }
      },
      xAxis: {type: "category", data: columns, position: "top", axisLine: {show: false}, axisTick: {show: false},
              splitArea: {show: true, areaStyle: {color: ["#fafbfd", "#f3f5f8"]}},
              axisLabel: {interval: 0, fontWeight: "bold", color: "#1f3a5f",
                          formatter: function (v, i) { var d = R.districts[i]; return d.region + "\n" + d.year; }}},
      yAxis: {type: "category", data: rows, inverse: true, axisLine: {show: false}, axisTick: {show: false},
              axisLabel: {interval: 0, width: 225, overflow: "truncate"}},
      visualMap: [
        {type: "continuous", seriesIndex: 0, min: 0, max: maxShare, calculable: false, orient: "horizontal",
         left: 240, bottom: 36, itemWidth: 12, itemHeight: 150, text: [pct(maxShare), T.share + "  0%"],
         inRange: {color: ["#eef4fb", "#9ecae1", "#3182bd", "#08306b"]}},
        {type: "continuous", seriesIndex: 1, min: -maxGap, max: maxGap, calculable: false, orient: "horizontal",
         left: 240, bottom: 8, itemWidth: 12, itemHeight: 150, text: ["+" + maxGap, T.gap + "  -" + maxGap],
         inRange: {color: ["#c0392b", "#f7f7f7", "#2e7d32"]}}
      ],
      series: [
        {name: T.share, type: "heatmap", data: share, itemStyle: {borderColor: "#fff", borderWidth: 2},
         label: {show: true, fontSize: 11, formatter: function (p) { return pct(p.value[2]); }},
         emphasis: {itemStyle: {borderColor: "#b8312f", borderWidth: 2}}},
        {name: T.gap, type: "heatmap", data: gap, itemStyle: {borderColor: "#fff", borderWidth: 2},
         label: {show: true, fontSize: 11, formatter: function (p) { return pts(p.value[2]); }},
         emphasis: {itemStyle: {borderColor: "#b8312f", borderWidth: 2}}}
      ]
    });
    c.on("click", function (p) {
      var cell = R.cells[p.data.cell], row = R.rows[rowIndex[cell.row]], d = district(cell.district);
      var html = "<h3>" + esc(row.indicator) + "</h3><dl><dt>" + T.district + "</dt><dd>" + esc(d.region) + " · " +
        esc(d.source) + "</dd><dt>" + T.value + "</dt><dd>" + esc(cell.text) + "</dd><dt>" + T.city_target + "</dt><dd>" +
        num(row.city_value) + esc(row.city_unit || "") + "</dd></dl>";
      cell.alignments.forEach(function (a) {
        html += evidence(a.evidence, T.district_evidence) + '<p class="pk-muted">' + T.basis + T.colon + esc(a.basis) + "</p>";
      });
      html += evidence(row.evidence, T.city_evidence);
      panel("heatmap-panel", html);
    });
  }

  /* -- roll-up: each district's part of the city target, stacked ---------------------------- */
  function rollup() {
    var counts = R.rollup.filter(function (r) { return r.city_unit !== "%"; });
    if (!counts.length) return;
    var c = chart("rollup-chart");
    var regions = [];
    counts.forEach(function (r) { r.parts.forEach(function (p) { if (regions.indexOf(p.region) < 0) regions.push(p.region); }); });
    regions.sort();
    var palette = ["#1f3a5f", "#4f81bd", "#9bbb59", "#c0504d", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f"];
    var series = regions.map(function (region, k) {
      return {name: region, type: "bar", stack: "share", color: palette[k % palette.length], barMaxWidth: 18,
              data: counts.map(function (r, i) {
                var part = r.parts.filter(function (p) { return p.region === region; })[0];
                return part ? {value: part.share * 100, row: i, source: part.source} : null;
              })};
    });
    series.push({name: T.covered, type: "bar", stack: "share", silent: true, itemStyle: {color: "transparent"},
                 label: {show: true, position: "right", color: "#1d2733", formatter: function (p) { return pct(counts[p.dataIndex].covered_share); }},
                 data: counts.map(function () { return 0; })});
    c.setOption({
      textStyle: TEXT,
      legend: {top: 4, data: regions},
      grid: {left: 190, right: 60, top: 40, bottom: 30},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, confine: true,
                formatter: function (ps) {
                  var r = counts[ps[0].dataIndex];
                  var lines = ["<b>" + esc(r.indicator) + "</b>", T.city_target + T.colon + num(r.city_value) + esc(r.city_unit || ""),
                               T.total + T.colon + num(r.district_total) + T.open + pct(r.covered_share) + T.close];
                  r.parts.forEach(function (p) { lines.push(esc(p.region) + T.colon + num(p.value) + T.open + pct(p.share) + T.close); });
                  return lines.join("<br>");
                }},
      xAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", data: counts.map(function (r) { return r.indicator; }), inverse: true,
              axisLabel: {interval: 0, width: 175, overflow: "truncate"}},
      series: series
    });
    c.on("click", function (p) {
      if (!p.data || p.data.row == null) return;
      var r = counts[p.data.row];
      var part = r.parts.filter(function (x) { return x.source === p.data.source; })[0];
      panel("rollup-panel", "<h3>" + esc(r.indicator) + "</h3><dl><dt>" + T.city_target + "</dt><dd>" + num(r.city_value) +
        esc(r.city_unit || "") + "</dd><dt>" + T.district + "</dt><dd>" + esc(part.region) + T.colon + num(part.value) + T.open +
        pct(part.share) + T.close + "</dd><dt>" + T.total + "</dt><dd>" + num(r.district_total) + T.open + pct(r.covered_share) + T.close + "</dd></dl>" +
        evidence(part.evidence, T.district_evidence) + evidence(r.evidence, T.city_evidence));
    });
  }

  /* -- workload: tasks per department, explicit and inferred -------------------------------- */
  function workload() {
    // the busiest departments, and those the plans name explicitly (few tasks each, but written owners)
    var explicit = R.workload.filter(function (w) { return w.explicit > 0; }).slice(0, 8);
    var top = R.workload.filter(function (w) { return explicit.indexOf(w) < 0; }).slice(0, 16 - explicit.length).concat(explicit);
    top.sort(function (a, b) { return (b.explicit + b.inferred) - (a.explicit + a.inferred); });
    if (!top.length) return;
    var c = chart("workload-chart");
    var names = top.map(function (w) { return w.department + T.open + w.region + T.close; });
    c.setOption({
      textStyle: TEXT,
      legend: {top: 4, data: [T.explicit, T.inferred]},
      grid: {left: 230, right: 30, top: 36, bottom: 30},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, confine: true},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", data: names, inverse: true, axisLabel: {interval: 0, width: 215, overflow: "truncate"}},
      series: [
        {name: T.explicit, type: "bar", stack: "t", color: "#1f3a5f", barMaxWidth: 16, data: top.map(function (w) { return w.explicit; })},
        {name: T.inferred, type: "bar", stack: "t", color: "#9fb3cc", barMaxWidth: 16, data: top.map(function (w) { return w.inferred; })}
      ]
    });
    c.on("click", function (p) {
      var w = top[p.dataIndex], how = p.seriesIndex === 0 ? "explicit" : "inferred";
      var tasks = w.tasks.filter(function (t) { return t.how === how; });
      var html = "<h3>" + esc(w.department) + "</h3><dl><dt>" + T.region + "</dt><dd>" + esc(w.region) + "</dd><dt>" + T[how] +
        "</dt><dd>" + tasks.length + " " + T.tasks + "</dd></dl>";
      tasks.slice(0, 40).forEach(function (t) { html += evidence(t, (t.item ? t.item + " " : "") + (t.title || "")); });
      panel("workload-panel", html);
    });
  }

  /* -- lineage: city plan on top, district plans below, years left to right ---------------- */
  function lineage() {
    var L = R.lineage;
    if (!L.nodes.length) return;
    var c = chart("lineage-chart");
    var years = L.nodes.map(function (n) { return n.year; }).filter(function (y, i, a) { return a.indexOf(y) === i; }).sort();
    // Positions in the chart's own pixels, and the series box set to exactly their extent, so the graph is
    // drawn unscaled (a stretched box would draw the circles as ellipses).
    var W = c.getWidth(), padL = 60, padR = 200, padT = 34, step = years.length > 1 ? (W - padL - padR) / (years.length - 1) : 0;
    var slot = {}, maxX = padL, maxY = padT;
    var nodes = L.nodes.map(function (n) {
      var key = n.level + n.year;
      slot[key] = (slot[key] || 0) + 1;
      var x = padL + years.indexOf(n.year) * step, y = n.level === "city" ? padT : padT + 100 + (slot[key] - 1) * 48;
      maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
      return {name: n.source, x: x, y: y, symbolSize: n.level === "city" ? 20 : 13, symbol: "circle",
              itemStyle: {color: n.color},
              label: {show: true, position: "right", fontSize: 12, backgroundColor: "rgba(255,255,255,.9)", padding: [1, 3],
                      formatter: (n.region || "") + " " + n.year + "\n" + n.source}};
    });
    var links = L.edges.map(function (e) {
      return {source: e.from, target: e.to, name: e.name, lineStyle: {type: e.dashed ? "dashed" : "solid", width: 1.6,
              color: e.color, curveness: e.type === "SUCCEEDS" ? -0.12 : 0}};
    });
    var H = Math.max(c.getHeight(), maxY + 40);
    c.setOption({
      textStyle: TEXT,
      tooltip: {formatter: function (p) {
        return p.dataType === "edge" ? esc(p.data.source) + " → " + esc(p.data.target) + T.open + esc(p.data.name) + T.close : esc(p.name);
      }},
      series: [{type: "graph", layout: "none", roam: false, data: nodes, links: links, edgeSymbol: ["none", "arrow"],
                edgeSymbolSize: 8, nodeScaleRatio: 0, left: padL, top: padT,
                width: Math.max(maxX - padL, 1), height: Math.max(maxY - padT, 1)}]
    });
    if (H > c.getHeight()) { c.getDom().style.height = H + "px"; c.resize(); }
  }

  heatmap(); rollup(); workload(); lineage();
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  window.addEventListener("beforeprint", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  window.policykgCharts = charts;
})();
