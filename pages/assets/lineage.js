/* policykg — the lineage picture. Reads the page's data (#page-data: the lineage graph's nodes and
   edges), lays it out as levels top-down × years left to right, and draws it with Apache ECharts.
   Cited documents sit above the plans, programs below; an expanded plan lists its sections (down)
   and each section's targets (across). */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("page-data").textContent);
  var VOCAB = DATA.vocab;
  var LEVEL_ORDER = Object.keys(VOCAB.levels);
  var DETAIL = new Set(VOCAB.detail_types);
  var byId = new Map(DATA.nodes.map(function (n) { return [n.id, n]; }));
  var edgesOf = new Map();
  DATA.nodes.forEach(function (n) { edgesOf.set(n.id, []); });
  DATA.edges.forEach(function (e, i) { e.index = i; edgesOf.get(e.source).push(e); edgesOf.get(e.target).push(e); });
  var children = new Map();
  DATA.nodes.forEach(function (n) {
    if (n.parent) { if (!children.has(n.parent)) children.set(n.parent, []); children.get(n.parent).push(n); }
  });

  // geometry (view units; ECharts fits them to the chart)
  var COL_W = 560, PLAN_H = 64, ITEM_H = 30, GRID_W = 182, GRID_H = 30, BAND_GAP = 46, LEFT = 110;

  var state = { year: "", region: "", theme: "", search: "", types: new Set(Object.keys(VOCAB.edges)),
                expanded: new Set(), selected: null };

  function planOf(n) { while (n && n.parent) n = byId.get(n.parent); return n; }
  function isPlan(n) { return n.label === "Document"; }
  function short(text, max) { text = text || ""; return text.length > max ? text.slice(0, max - 1) + "…" : text; }
  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // -- what is visible ---------------------------------------------------------------------------
  function planPasses(p) {
    if (state.year && String(p.year) !== state.year) return false;
    if (state.theme && (p.themes || []).indexOf(state.theme) < 0) return false;
    return true;
  }
  function visiblePlans() {
    var plans = DATA.nodes.filter(function (n) { return isPlan(n) && planPasses(n); });
    if (!state.region) return new Set(plans.map(function (p) { return p.id; }));
    // a region's plans and the plans they implement or follow, so its lineage stays readable
    var own = plans.filter(function (p) { return p.region === state.region; });
    var keep = new Set(own.map(function (p) { return p.id; }));
    own.forEach(function (p) {
      edgesOf.get(p.id).forEach(function (e) {
        if ((e.type === "IMPLEMENTS" || e.type === "SUCCEEDS") && e.source === p.id) {
          var q = byId.get(e.target); if (planPasses(q)) keep.add(q.id);
        }
      });
    });
    return keep;
  }
  function visibleNodes() {
    var plans = visiblePlans(), shown = new Set(plans);
    function linksToPlan(n) {
      return edgesOf.get(n.id).some(function (e) {
        return state.types.has(e.type) && plans.has(e.source === n.id ? e.target : e.source);
      });
    }
    DATA.nodes.forEach(function (n) {
      if (isPlan(n)) return;
      if (n.parent) {   // a section or target: shown inside its expanded plan (of the chosen theme)
        var plan = planOf(n), theme = n.theme || (byId.get(n.parent) || {}).theme;
        if (plan && plans.has(plan.id) && state.expanded.has(plan.id) && (!state.theme || theme === state.theme)) shown.add(n.id);
        return;
      }
      // a cited document, program or indicator: shown when a shown plan links to it by a shown type of link,
      // or (a document a notice issues, WRAPS) through a cited document that is
      var wrapped = edgesOf.get(n.id).some(function (e) {
        return e.type === "WRAPS" && state.types.has("WRAPS") && linksToPlan(byId.get(e.source === n.id ? e.target : e.source));
      });
      if (linksToPlan(n) || wrapped || DATA.focus === n.id) shown.add(n.id);
    });
    return shown;
  }

  // -- layout: bands (levels) top-down, year columns left to right ---------------------------------
  // a plan's year; a cited document's or program's: the earliest year of the shown plans linking to it
  // (or, for a document a notice issues, to that notice)
  function yearOf(n, shown, hops) {
    if (n.year != null) return n.year;
    if ((hops || 0) > 1) return null;
    var years = edgesOf.get(n.id).map(function (e) {
      var o = byId.get(e.source === n.id ? e.target : e.source);
      return shown.has(o.id) && !o.parent ? yearOf(o, shown, (hops || 0) + 1) : null;
    }).filter(function (y) { return y != null; });
    return years.length ? Math.min.apply(null, years) : null;
  }
  // the rows of an expanded plan: each shown section with its shown targets, two to a row; targets outside any section
  function planRows(p, shown) {
    var rows = [];
    (children.get(p.id) || []).forEach(function (c) {
      if (!shown.has(c.id)) return;
      if (c.label !== "Section") { rows.push({ node: c, targets: [] }); return; }
      var targets = (children.get(c.id) || []).filter(function (t) { return shown.has(t.id); });
      rows.push({ node: c, targets: targets });
    });
    return rows;
  }
  function planBlock(p, shown) {
    if (!state.expanded.has(p.id)) return PLAN_H;
    var lines = planRows(p, shown).reduce(function (sum, r) { return sum + Math.max(1, Math.ceil(r.targets.length / 2)); }, 0);
    return PLAN_H + lines * ITEM_H + 24;
  }
  function layout(shown) {
    var nodes = DATA.nodes.filter(function (n) { return shown.has(n.id); });
    var plans = nodes.filter(isPlan);
    var years = Array.from(new Set(nodes.filter(function (n) { return !n.parent; })
      .map(function (n) { return yearOf(n, shown); }))).sort(function (a, b) {
        return (a == null) - (b == null) || a - b;
      });
    var colX = new Map(years.map(function (y, i) { return [y, LEFT + i * COL_W]; }));
    var pos = new Map(), labels = [], y = 0;

    function gridBand(kind, title) {
      var members = nodes.filter(function (n) { return n.label === kind && !n.parent; });
      if (!members.length) return;
      var perRow = Math.floor(COL_W / GRID_W), tallest = 0, cells = new Map();
      members.forEach(function (n) {
        var yr = yearOf(n, shown); if (!cells.has(yr)) cells.set(yr, []); cells.get(yr).push(n);
      });
      cells.forEach(function (list, yr) {
        list.sort(function (a, b) { return (a.title || "").localeCompare(b.title || "", "zh"); });
        list.forEach(function (n, i) {
          pos.set(n.id, [colX.get(yr) + (i % perRow) * GRID_W + 8, y + Math.floor(i / perRow) * GRID_H]);
        });
        tallest = Math.max(tallest, Math.ceil(list.length / perRow));
      });
      labels.push({ text: title, x: 0, y: y + (tallest - 1) * GRID_H / 2, band: true });
      y += tallest * GRID_H + BAND_GAP;
    }

    gridBand("PolicyDocument", "引用文件");
    gridBand("Indicator", "指标");
    LEVEL_ORDER.forEach(function (level) {
      var inBand = plans.filter(function (p) { return (LEVEL_ORDER.indexOf(p.level) < 0 ? "unknown" : p.level) === level; });
      if (!inBand.length) return;
      var regions = Array.from(new Set(inBand.map(function (p) { return p.region || "—"; })))
        .sort(function (a, b) { return a.localeCompare(b, "zh"); });
      labels.push({ text: VOCAB.levels[level], x: 0, y: y - 22, band: true });
      regions.forEach(function (region) {
        var rowPlans = inBand.filter(function (p) { return (p.region || "—") === region; });
        var rowH = 0;
        years.forEach(function (yr) {
          var cell = rowPlans.filter(function (p) { return p.year === yr; }), h = 0;
          cell.forEach(function (p) { placePlan(p, colX.get(yr), y + h, pos, shown); h += planBlock(p, shown); });
          rowH = Math.max(rowH, h);
        });
        labels.push({ text: region, x: 0, y: y, band: false });
        y += rowH;
      });
      y += BAND_GAP;
    });
    gridBand("Program", "项目");
    years.forEach(function (yr) {
      labels.push({ text: yr == null ? "年份不详" : yr + " 年", x: colX.get(yr) + 8, y: -56, year: true });
    });
    return { pos: pos, labels: labels };
  }
  function placePlan(p, x, y, pos, shown) {
    pos.set(p.id, [x + 12, y + 12]);
    if (!state.expanded.has(p.id)) return;
    var row = y + PLAN_H + 2;   // below the plan's two-line label
    planRows(p, shown).forEach(function (r) {
      pos.set(r.node.id, [x + 40, row]);
      r.targets.forEach(function (t, i) { pos.set(t.id, [x + 190 + (i % 2) * GRID_W, row + Math.floor(i / 2) * ITEM_H]); });
      row += Math.max(1, Math.ceil(r.targets.length / 2)) * ITEM_H;
    });
  }

  // -- drawing ------------------------------------------------------------------------------------
  var chart = echarts.init(document.getElementById("chart"), null, { renderer: "canvas" });
  var categoryKeys = Object.keys(VOCAB.categories);

  function symbolSize(n) {
    if (isPlan(n)) return 16 + 5 * Math.sqrt(n.targets || 0);
    if (n.label === "Section") return 9 + 2 * Math.sqrt((children.get(n.id) || []).length);
    if (n.label === "Target") return 8;
    return 10;
  }
  function plain(text) { return String(text == null ? "" : text).replace(/[{}|]/g, " "); }   // no rich-text markup
  function nodeLabel(n) {
    if (isPlan(n)) {
      var sub = [n.region, n.year ? n.year + " 年" : "", "目标 " + (n.targets || 0) + " 项"].filter(Boolean).join(" · ");
      return { position: "right", display: "{t|" + plain(short(n.doc_title || n.title, 18)) + "}\n{s|" + plain(sub) + "}" };
    }
    if (n.label === "Section") return { position: "right", fontSize: 11, color: "#5f6b7a",
      display: plain(short((n.path || "") + " " + (n.theme || n.title.replace(n.path, "").trim()), 12)) };
    if (n.label === "Target") return { position: "right", fontSize: 11, color: "#1d2733", display: plain(short(n.title, 13)) };
    return { position: "right", fontSize: 11, color: "#3b4654", display: plain(short(n.title, 12)) };
  }
  function matches(n) {
    if (!state.search) return false;
    var q = state.search.toLowerCase();
    return [n.title, n.doc_title, n.source, n.region, n.indicator, n.metric, n.theme].some(function (v) {
      return v != null && String(v).toLowerCase().indexOf(q) >= 0;
    });
  }

  function draw() {
    var shown = visibleNodes();
    var placed = layout(shown);
    var hits = DATA.nodes.filter(function (n) { return shown.has(n.id) && matches(n); });
    var hitSet = new Set(hits.map(function (n) { return n.id; }));
    document.getElementById("f-count").textContent = state.search ? hits.length + " 个匹配" : shown.size + " 个节点";
    var points = Array.from(placed.pos.values()).concat(placed.labels.map(function (l) { return [l.x, l.y]; }));
    var scale = fitHeight(points);
    var data = DATA.nodes.filter(function (n) { return placed.pos.has(n.id); }).map(function (n) {
      var p = placed.pos.get(n.id), focus = n.id === DATA.focus, selected = n.id === state.selected;
      var dim = state.search && !hitSet.has(n.id), label = nodeLabel(n);
      // a label ends before the next column's node (pixels = view units × scale), so it never covers it
      label.width = Math.max(36, Math.floor(labelRoom(n) * scale - symbolSize(n) / 2 - 14));
      label.overflow = "truncate";
      return {
        id: n.id, name: n.title, x: p[0], y: p[1], category: categoryKeys.indexOf(n.category),
        symbolSize: symbolSize(n), label: label, display: label.display,
        itemStyle: { opacity: dim ? 0.18 : 1, borderColor: focus || selected || hitSet.has(n.id) ? "#b8312f" : "#ffffff",
                     borderWidth: focus || selected || hitSet.has(n.id) ? 3 : 1 },
      };
    });
    placed.labels.forEach(function (l, i) {
      data.push({ id: "label:" + i, name: l.text, x: l.x, y: l.y, symbolSize: 0, silent: true, tooltip: { show: false },
                  display: plain(l.text), label: { show: true, position: "right", fontSize: l.band ? 14 : 12, fontWeight: l.band || l.year ? 700 : 400,
                           color: l.band || l.year ? "#1f3a5f" : "#5f6b7a" } });
    });
    var links = DATA.edges.filter(function (e) {
      return state.types.has(e.type) && placed.pos.has(e.source) && placed.pos.has(e.target);
    }).map(function (e) {
      var style = VOCAB.edges[e.type] || { color: "#999", width: 1 };
      var dim = state.search && !(hitSet.has(e.source) || hitSet.has(e.target));
      return { source: e.source, target: e.target, edgeIndex: e.index,
               lineStyle: { color: style.color, width: state.selected === "edge:" + e.index ? style.width + 2 : style.width,
                            type: style.dashed ? "dashed" : "solid", opacity: dim ? 0.08 : (e.type === "CITES" || e.type === "RUNS_PROGRAM" || e.type === "WRAPS" ? 0.5 : 0.85),
                            curveness: e.type === "SUCCEEDS" || e.type === "CONTINUES" ? 0.25 : (e.type === "ALIGNS_WITH" ? 0.08 : 0.05) } };
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", confine: true, formatter: tooltip },
      series: [{
        type: "graph", layout: "none", roam: true, draggable: false, left: PAD.left, right: PAD.right, top: PAD.top, bottom: PAD.bottom,
        categories: categoryKeys.map(function (k) { return { name: VOCAB.categories[k].name, itemStyle: { color: VOCAB.categories[k].color } }; }),
        data: data, links: links, edgeSymbol: ["none", "arrow"], edgeSymbolSize: [0, 7],
        label: { show: true, distance: 10, formatter: function (p) { return p.data.display; },
                 rich: { t: { fontSize: 13, fontWeight: 700, color: "#1d2733", lineHeight: 18 },
                         s: { fontSize: 11, color: "#5f6b7a", lineHeight: 15 } } },
        emphasis: { focus: "adjacency", lineStyle: { width: 3 } }, blur: { itemStyle: { opacity: 0.15 }, lineStyle: { opacity: 0.05 } },
      }],
    }, { replaceMerge: ["series"] });
  }

  // ECharts stretches the laid-out box to the chart's shape: give the chart the box's proportions, so a
  // unit is as long across as down (round nodes, even rows), and the page grows when plans are expanded
  var PAD = { left: 24, right: 250, top: 30, bottom: 24 };
  function fitHeight(points) {
    var xs = points.map(function (p) { return p[0]; }), ys = points.map(function (p) { return p[1]; });
    var w = Math.max(1, Math.max.apply(null, xs) - Math.min.apply(null, xs));
    var h = Math.max(1, Math.max.apply(null, ys) - Math.min.apply(null, ys));
    var el = document.getElementById("chart"), across = el.clientWidth - PAD.left - PAD.right;
    var height = Math.max(360, Math.min(Math.round(PAD.top + PAD.bottom + across * h / w), 6000));
    if (Math.abs(el.clientHeight - height) > 2) { el.style.height = height + "px"; chart.resize(); }
    return Math.min(across / w, (height - PAD.top - PAD.bottom) / h);   // pixels per view unit
  }
  // how far (view units) a node's label may run: to the next node on its right
  function labelRoom(n) {
    if (isPlan(n)) return COL_W - 20;
    if (n.label === "Section") return 150;
    return GRID_W;
  }

  function tooltip(p) {
    if (p.dataType === "edge") {
      var e = DATA.edges[p.data.edgeIndex], s = byId.get(e.source), t = byId.get(e.target);
      return esc(s.title) + " → " + esc(t.title) + "<br>" + esc(VOCAB.edges[e.type].name) + (valueText(e) ? " · " + esc(valueText(e)) : "");
    }
    var n = byId.get(p.data.id);
    if (!n) return "";
    var cat = VOCAB.categories[n.category];
    return "<b>" + esc(n.doc_title || n.title) + "</b><br>" + esc(cat ? cat.name : n.label) +
      (n.year ? " · " + n.year + " 年" : "") + (n.region ? " · " + esc(n.region) : "") +
      (isPlan(n) ? " · 目标 " + (n.targets || 0) + " 项" : "");
  }

  // -- the side panel -----------------------------------------------------------------------------
  var PROPERTY_NAMES = {
    source: "来源文件", doc_title: "标题", level: "层级", region: "地区", year: "年份", kind: "类型", issuer: "发文机关",
    doc_number: "文号", issue_date: "成文日期", targets: "目标数", themes: "主题", scope: "适用范围", variants: "引用写法",
    path: "章节", theme: "主题", indicator: "指标", metric: "原文指标", value: "数值", value_max: "上限", unit: "单位",
    status: "较上年", conflict: "同文冲突", id: "图中 id",
  };
  var KINDS = { "work plan": "工作要点", "project list": "实事项目", "progress report": "进展报告", "task decomposition": "任务分解",
                "government work report": "政府工作报告", notice: "通知" };
  var STATUS = { "new": "新增", continued: "持平", raised: "提高", lowered: "降低", dropped: "未延续" };
  function fmt(v) {
    if (v == null || v === "") return "";
    if (Array.isArray(v)) return v.join("、");
    if (typeof v === "boolean") return v ? "是" : "否";
    if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("zh-CN") : (Math.round(v * 100) / 100).toLocaleString("zh-CN");
    return String(v);
  }
  function valueText(e) {
    if (e.value == null) return e.type === "CITES" || e.type === "RUNS_PROGRAM" ? "" : fmt(e.detail);
    if (e.type === "IMPLEMENTS") return "覆盖上级指标 " + Math.round(e.value * 1000) / 10 + "%";
    if (e.type === "SUCCEEDS") return "相隔 " + fmt(e.value) + " 年";
    if (e.type === "ALIGNS_WITH") return e.detail === "share" ? "占市级目标 " + Math.round(e.value * 1000) / 10 + "%"
                                                            : "差距 " + (e.value > 0 ? "+" : "") + fmt(e.value) + " 个百分点";
    if (e.type === "CONTINUES") return (STATUS[e.detail] || fmt(e.detail)) + (e.value ? "（" + (e.value > 0 ? "+" : "") + fmt(e.value) + "）" : "");
    return fmt(e.value) + (e.detail ? " " + fmt(e.detail) : "");
  }
  function evidenceHtml(ev) {
    var where = esc(ev.source || "") + (ev.start_offset != null ? " · 第 " + ev.start_offset + "–" + ev.end_offset + " 字" : " · 规划之间推导的关系，无单独原句");
    var body;
    if (ev.sentence != null && ev.start_offset != null) {
      var a = Math.max(0, ev.start_offset - ev.sentence_start), b = Math.max(a, ev.end_offset - ev.sentence_start);
      body = esc(ev.sentence.slice(0, a)) + "<mark>" + esc(ev.sentence.slice(a, b)) + "</mark>" + esc(ev.sentence.slice(b));
    } else {
      body = esc(ev.text || "");
    }
    return '<div class="pk-evidence"><p class="pk-sentence">' + body + '</p><p class="pk-where">' + where + "</p></div>";
  }
  function propsHtml(obj, keys) {
    var rows = keys.filter(function (k) { return obj[k] != null && obj[k] !== "" && !(Array.isArray(obj[k]) && !obj[k].length); })
      .map(function (k) {
        var v = k === "level" ? (VOCAB.levels[obj[k]] || obj[k]) : k === "status" ? (STATUS[obj[k]] || obj[k])
          : k === "kind" ? (KINDS[obj[k]] || obj[k]) : k === "year" ? String(obj[k]) : fmt(obj[k]);
        return "<dt>" + esc(PROPERTY_NAMES[k] || k) + "</dt><dd>" + esc(v) + "</dd>";
      });
    return "<dl>" + rows.join("") + "</dl>";
  }
  var NODE_KEYS = {
    Document: ["doc_title", "source", "level", "region", "year", "kind", "issuer", "doc_number", "issue_date", "targets", "themes"],
    PolicyDocument: ["scope", "variants", "id"], Program: ["kind", "id"], Indicator: ["id"],
    Section: ["source", "path", "theme"],
    Target: ["indicator", "metric", "value", "value_max", "unit", "status", "conflict", "theme", "source"],
  };
  function showNode(id) {
    var n = byId.get(id); if (!n) return;
    state.selected = id;
    var cat = VOCAB.categories[n.category];
    var html = '<h3><span class="pk-badge">' + esc(cat ? cat.name : n.label) + "</span> " + esc(n.doc_title || n.title) + "</h3>";
    html += propsHtml(n, NODE_KEYS[n.label] || []);
    if (isPlan(n) && (children.get(n.id) || []).length) {
      html += '<p><button type="button" class="pk-button" id="toggle-plan">' +
        (state.expanded.has(n.id) ? "收起章节与目标" : "展开章节与目标（" + children.get(n.id).length + " 个章节）") + "</button></p>";
    }
    var own = n.evidence || [];
    var linked = edgesOf.get(n.id).filter(function (e) { return (e.evidence || []).length && !DETAIL.has(e.type) || (n.label === "Target" && (e.type === "ALIGNS_WITH" || e.type === "CONTINUES")); });
    html += "<h3>原文证据</h3>";
    if (!own.length && !linked.length) html += '<p class="pk-muted">这一节点的关系来自规划之间的推导，没有单独的原句。</p>';
    own.forEach(function (ev) { html += evidenceHtml(ev); });
    linked.slice(0, 30).forEach(function (e) {
      var other = byId.get(e.source === n.id ? e.target : e.source);
      html += '<p class="pk-muted">' + esc(VOCAB.edges[e.type].name) + (e.source === n.id ? " → " : " ← ") + esc(other.title) +
        (valueText(e) ? " · " + esc(valueText(e)) : "") + "</p>";
      // in a node's panel, a link's sentences (not the plan titles of derived plan-to-plan links, nor the node's own)
      (e.evidence || []).filter(function (ev) {
        return ev.start_offset != null && (n.label !== "Target" || ev.start_offset !== (own[0] || {}).start_offset || ev.source !== (own[0] || {}).source);
      })
        .slice(0, 3).forEach(function (ev) { html += evidenceHtml(ev); });
    });
    if (linked.length > 30) html += '<p class="pk-muted">另有 ' + (linked.length - 30) + " 条关系未列出。</p>";
    setPanel(html);
    var toggle = document.getElementById("toggle-plan");
    if (toggle) toggle.addEventListener("click", function () { togglePlan(n.id); showNode(n.id); });
    draw();
  }
  function showEdge(index) {
    var e = DATA.edges[index], s = byId.get(e.source), t = byId.get(e.target);
    state.selected = "edge:" + index;
    var html = '<h3><span class="pk-badge">' + esc(VOCAB.edges[e.type].name) + "</span> " + esc(s.title) + " → " + esc(t.title) + "</h3>";
    html += "<dl><dt>关系</dt><dd>" + esc(e.type) + "</dd>" + (valueText(e) ? "<dt>数值</dt><dd>" + esc(valueText(e)) + "</dd>" : "") +
      (e.also && e.also.length ? "<dt>同时</dt><dd>" + esc(e.also.join("、")) + "</dd>" : "") + "</dl>";
    html += "<h3>原文证据</h3>";
    if (!(e.evidence || []).length) html += '<p class="pk-muted">规划之间的关系，由两份规划的指标推导，没有单独的原句。</p>';
    (e.evidence || []).forEach(function (ev) { html += evidenceHtml(ev); });
    setPanel(html);
    draw();
  }
  function setPanel(html) { document.getElementById("panel").innerHTML = html; }
  function togglePlan(id) { if (state.expanded.has(id)) state.expanded.delete(id); else state.expanded.add(id); }

  chart.on("click", function (p) {
    if (p.dataType === "edge") showEdge(p.data.edgeIndex);
    else if (p.data && byId.has(p.data.id)) showNode(p.data.id);
  });
  chart.on("dblclick", function (p) {
    if (p.dataType === "node" && byId.has(p.data.id) && isPlan(byId.get(p.data.id))) { togglePlan(p.data.id); showNode(p.data.id); }
  });

  // -- controls -----------------------------------------------------------------------------------
  function bind(id, key) {
    document.getElementById(id).addEventListener("change", function (ev) { state[key] = ev.target.value; draw(); });
  }
  bind("f-year", "year"); bind("f-region", "region"); bind("f-theme", "theme");
  document.querySelectorAll("[data-edge-type]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) state.types.add(box.dataset.edgeType); else state.types.delete(box.dataset.edgeType);
      draw();
    });
  });
  var search = document.getElementById("f-search");
  search.addEventListener("input", function () {
    state.search = search.value.trim();
    if (state.search) {   // a match inside a plan's sections and targets opens that plan
      DATA.nodes.forEach(function (n) { if (n.parent && matches(n)) state.expanded.add(planOf(n).id); });
    }
    draw();
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var shown = visibleNodes();
    var first = DATA.nodes.find(function (n) { return shown.has(n.id) && matches(n); });
    if (first) showNode(first.id);
  });
  document.getElementById("expand-all").addEventListener("click", function () {
    DATA.nodes.forEach(function (n) { if (isPlan(n)) state.expanded.add(n.id); }); draw();
  });
  document.getElementById("collapse-all").addEventListener("click", function () { state.expanded.clear(); draw(); });
  document.getElementById("reset").addEventListener("click", function () {
    state.year = state.region = state.theme = state.search = ""; state.expanded.clear(); state.selected = null;
    state.types = new Set(Object.keys(VOCAB.edges));
    ["f-year", "f-region", "f-theme", "f-search"].forEach(function (id) { document.getElementById(id).value = ""; });
    document.querySelectorAll("[data-edge-type]").forEach(function (box) { box.checked = true; });
    chart.dispatchAction({ type: "restore" });
    draw();
  });
  window.addEventListener("resize", function () { chart.resize(); });

  // For tests and scripting: where a node is drawn (page pixels), and the state.
  window.policykgLineage = {
    chart: chart, state: state, draw: draw, showNode: showNode,
    pixelOf: function (id) {
      var pt = chart.convertToPixel({ seriesIndex: 0 }, layout(visibleNodes()).pos.get(id));
      var box = document.getElementById("chart").getBoundingClientRect();
      return pt ? [box.left + pt[0], box.top + pt[1]] : null;
    },
  };
  draw();
  if (DATA.focus && byId.has(DATA.focus)) showNode(DATA.focus);
})();
