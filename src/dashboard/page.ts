/**
 * The dashboard's page: one HTML document, one stylesheet and one script, written
 * here and served from memory (no CDN, no library: the layout is layered by depth and
 * drawn as inline SVG). Every name and reason reaches the page as data and is set with
 * `textContent` or `setAttribute`, never parsed as HTML; the server's
 * Content-Security-Policy allows no inline script either.
 */

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>genstage dashboard</title>
<link rel="stylesheet" href="app.css">
<script src="app.js" defer></script>
</head>
<body>
<header>
  <h1>genstage</h1>
  <span id="status" class="status">connecting…</span>
  <span id="summary" class="summary"></span>
  <span id="bottleneck" class="bottleneck"></span>
</header>
<main>
  <section class="panel"><h2>Topology</h2><div id="graph" class="graph"></div></section>
  <div class="columns">
    <section class="panel"><h2>Supervisors</h2><div id="supervisors" class="cards"><p class="empty">none</p></div></section>
    <section class="panel"><h2>Crashes</h2><ul id="crashes" class="crashes"><li class="empty">none</li></ul></section>
  </div>
  <section class="panel"><h2>Stages</h2>
    <table id="stages"><thead><tr>
      <th>stage</th><th>kind</th><th>dispatcher</th><th class="n">in/s</th><th class="n">out/s</th><th>history</th>
      <th class="n">buffered</th><th class="n">discarded</th><th class="n">busy</th><th>state</th>
    </tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
`;

export const APP_CSS = `
:root { --bg: #f6f7f9; --panel: #fff; --ink: #1d2330; --muted: #667085; --line: #d0d5dd; --accent: #2f6fdf;
  --bad: #d92d20; --bad-bg: #fef3f2; --warn: #dc6803; --warn-bg: #fffaeb; --ok: #12b76a; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; gap: 16px; align-items: baseline; padding: 10px 18px; background: #101828; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 17px; margin: 0; letter-spacing: .02em; }
.status { color: #98a2b3; }
.status.live::before { content: "●"; color: var(--ok); margin-right: 5px; }
.status.down::before { content: "●"; color: var(--bad); margin-right: 5px; }
.summary { color: #d0d5dd; }
.bottleneck { margin-left: auto; color: #fec84b; font-weight: 600; }
.bottleneck.calm { color: #98a2b3; font-weight: 400; }
main { padding: 12px 18px 24px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; }
.panel { min-width: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.panel h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 8px; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.graph { overflow: auto; }
.graph svg { display: block; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.node rect.box { fill: #fff; stroke: #98a2b3; stroke-width: 1.2; }
.node.producer rect.box { fill: #f5f8ff; }
.node.consumer rect.box { fill: #f6fef9; }
.node.crashed rect.box { fill: var(--bad-bg); stroke: var(--bad); stroke-width: 2.5; }
.node.hot rect.box { stroke: var(--warn); stroke-width: 3; }
.node .name { font-weight: 650; font-size: 13px; fill: var(--ink); }
.node .meta { font-size: 11px; fill: var(--muted); }
.node .rates { font-size: 12px; fill: var(--ink); font-variant-numeric: tabular-nums; }
.node .reason { font-size: 11.5px; fill: var(--bad); font-weight: 600; }
.node .spark { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.node .sparkfill { fill: rgba(47,111,223,.10); stroke: none; }
.node .busybg { fill: #eaecf0; }
.node .busy { fill: var(--warn); }
.node .badge { font-size: 10px; font-weight: 700; fill: var(--warn); }
.edge path { fill: none; stroke: #98a2b3; }
.edge text { font-size: 10.5px; fill: #475467; font-variant-numeric: tabular-nums; paint-order: stroke; stroke: var(--panel); stroke-width: 3px; }
.group rect { fill: none; stroke: #b2ccff; stroke-dasharray: 5 4; stroke-width: 1.3; }
.group text { font-size: 11px; fill: var(--accent); font-weight: 600; }
.cards { display: flex; gap: 10px; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; min-width: 190px; }
.card .title { font-weight: 650; margin-bottom: 4px; overflow-wrap: anywhere; }
.card .counts { display: flex; gap: 10px; font-variant-numeric: tabular-nums; }
.card .counts b { font-size: 15px; }
.card .kids { color: var(--muted); font-size: 11px; margin-top: 4px; overflow-wrap: anywhere; }
.card.restarting { border-color: var(--warn); background: var(--warn-bg); }
.crashes { margin: 0; padding: 0; list-style: none; }
.crashes li { padding: 4px 0; border-bottom: 1px solid #f2f4f7; overflow-wrap: anywhere; }
.crashes .who { font-weight: 650; color: var(--bad); }
.crashes .when { color: var(--muted); margin-left: 6px; }
.empty { color: var(--muted); }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #f2f4f7; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; font-size: 11px; }
td.n, th.n { text-align: right; }
td.name { max-width: 320px; overflow: hidden; text-overflow: ellipsis; font-weight: 600; }
tr.crashed td { color: var(--bad); }
`;

// Plain ES2020 for the browser; kept free of backquotes so it sits in this string.
export const APP_JS = String.raw`'use strict';
(function () {
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 212, H = 104, GX = 100, GY = 22, PAD = 24, GROUP_TOP = 20;
  var lastColumn = new Map();

  function el(name, attrs, text) {
    var e = document.createElementNS(SVG, name);
    if (attrs) for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function h(name, cls, text) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function rate(n) {
    if (!isFinite(n) || n <= 0) return '0';
    if (n >= 1e9) return (n / 1e9).toFixed(2) + ' G';
    if (n >= 1e6) return (n / 1e6).toFixed(2) + ' M';
    if (n >= 1e3) return (n / 1e3).toFixed(1) + ' k';
    return n >= 10 ? n.toFixed(0) : n.toFixed(1);
  }
  function count(n) { return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en'); }
  function clip(s, max) { return s.length > max ? s.slice(0, max - 1) + '…' : s; }
  function time(ms) { return new Date(ms).toLocaleTimeString(); }
  function groupKey(s) { return s.flow ? s.flow.flow + ':' + s.flow.layer : null; }

  /** Columns by depth: a stage sits one column right of its deepest producer. */
  function layout(snap) {
    var byId = new Map(), depth = new Map();
    snap.stages.forEach(function (s) { byId.set(s.id, s); depth.set(s.id, 0); });
    for (var round = 0; round < snap.stages.length; round++) {
      var changed = false;
      snap.edges.forEach(function (e) {
        if (!byId.has(e.from) || !byId.has(e.to)) return;
        var d = depth.get(e.from) + 1;
        if (d > depth.get(e.to) && d < 64) { depth.set(e.to, d); changed = true; }
      });
      if (!changed) break;
    }
    snap.stages.forEach(function (s) {
      var linked = snap.edges.some(function (e) { return e.from === s.id || e.to === s.id; });
      if (!linked && lastColumn.has(s.id)) depth.set(s.id, lastColumn.get(s.id));
      else lastColumn.set(s.id, depth.get(s.id));
    });
    var columns = [];
    snap.stages.forEach(function (s) {
      var d = depth.get(s.id);
      (columns[d] = columns[d] || []).push(s);
    });
    var pos = new Map(), groups = [], height = 0;
    columns.forEach(function (col, d) {
      if (!col) return;
      col.sort(function (a, b) {
        var ga = groupKey(a) || '~' + a.name, gb = groupKey(b) || '~' + b.name;
        if (ga !== gb) return ga < gb ? -1 : 1;
        return (a.flow ? a.flow.index : 0) - (b.flow ? b.flow.index : 0) || a.id - b.id;
      });
      var y = PAD, x = PAD + d * (W + GX), current = null;
      col.forEach(function (s) {
        var g = groupKey(s);
        if (g !== null && (current === null || current.key !== g)) {
          y += GROUP_TOP;
          current = { key: g, label: s.flow.flow + ' · ' + s.flow.layer, x: x - 8, y: y - GROUP_TOP, count: 0, bottom: 0 };
          groups.push(current);
        } else if (g === null && current !== null) {
          y += 10;
          current = null;
        }
        pos.set(s.id, { x: x, y: y });
        if (current) { current.count++; current.bottom = y + H + 8; }
        y += H + GY;
      });
      height = Math.max(height, y);
    });
    return { pos: pos, groups: groups, width: PAD * 2 + Math.max(1, columns.length) * (W + GX) - GX, height: height + PAD };
  }

  function drawGraph(snap) {
    var box = document.getElementById('graph');
    var L = layout(snap);
    var svg = el('svg', { width: L.width, height: Math.max(L.height, 140), viewBox: '0 0 ' + L.width + ' ' + Math.max(L.height, 140) });
    var defs = el('defs');
    var marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto' });
    marker.appendChild(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#98a2b3' }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    L.groups.forEach(function (g) {
      var ge = el('g', { class: 'group', 'data-group': g.key, 'data-partitions': g.count });
      ge.appendChild(el('rect', { x: g.x, y: g.y, width: W + 16, height: g.bottom - g.y, rx: 8 }));
      ge.appendChild(el('text', { x: g.x + 8, y: g.y + 14 }, clip(g.label, 30) + (g.count > 1 ? ' · ' + g.count + ' partitions' : '')));
      svg.appendChild(ge);
    });
    var names = new Map();
    snap.stages.forEach(function (s) { names.set(s.id, s.name); });
    var many = snap.edges.length > 40;
    snap.edges.forEach(function (e) {
      var a = L.pos.get(e.from), b = L.pos.get(e.to);
      if (!a || !b) return;
      var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x - 2, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
      var g = el('g', { class: 'edge', 'data-from': names.get(e.from), 'data-to': names.get(e.to) });
      var fill = e.maxDemand > 0 ? Math.min(1, e.pending / e.maxDemand) : 0;
      g.appendChild(el('path', { d: 'M' + x1 + ' ' + y1 + ' C' + mx + ' ' + y1 + ' ' + mx + ' ' + y2 + ' ' + x2 + ' ' + y2,
        'stroke-width': 1.2 + fill * 2.5, 'marker-end': 'url(#arrow)' }));
      g.appendChild(el('title', null, names.get(e.from) + ' → ' + names.get(e.to) + ': maxDemand ' + e.maxDemand +
        ', minDemand ' + e.minDemand + ', pending ' + e.pending + (e.partition !== null ? ', partition ' + e.partition : '')));
      if (!many) {
        // At the curve's middle, so fan-in and fan-out labels do not overlap.
        g.appendChild(el('text', { x: mx, y: (y1 + y2) / 2 - 6, class: 'demand', 'text-anchor': 'middle' }, count(e.pending) + ' / ' + count(e.maxDemand)));
      }
      svg.appendChild(g);
    });
    snap.stages.forEach(function (s) {
      var p = L.pos.get(s.id);
      var hot = snap.bottleneck && snap.bottleneck.id === s.id;
      var g = el('g', { class: 'node ' + s.kind + (s.state === 'crashed' ? ' crashed' : '') + (hot ? ' hot' : ''),
        transform: 'translate(' + p.x + ',' + p.y + ')', 'data-name': s.name, 'data-state': s.state, 'data-kind': s.kind });
      g.appendChild(el('title', null, s.name));
      g.appendChild(el('rect', { class: 'box', width: W, height: H, rx: 7 }));
      g.appendChild(el('text', { class: 'name', x: 10, y: 19 }, clip(s.name, hot ? 18 : 28)));
      if (hot) g.appendChild(el('text', { class: 'badge', x: W - 10, y: 18, 'text-anchor': 'end' }, 'BOTTLENECK'));
      g.appendChild(el('text', { class: 'meta', x: 10, y: 35 }, s.kind.replace('_', '-') + (s.dispatcher ? ' · ' + s.dispatcher.replace(/Dispatcher$/, '') : '')));
      if (s.state === 'crashed') {
        g.appendChild(el('text', { class: 'reason', x: 10, y: 56 }, clip(s.reason || '', 34)));
        g.appendChild(el('text', { class: 'meta', x: 10, y: 74 }, 'crashed at ' + time(s.exitedAt)));
      } else {
        var line = (s.kind !== 'producer' ? 'in ' + rate(s.inRate) + '/s   ' : '') + 'out ' + rate(s.outRate) + '/s';
        g.appendChild(el('text', { class: 'rates', x: 10, y: 53 }, line));
        var sx = 10, sy = 60, sw = W - 20, sh = 22, hist = s.history, max = Math.max.apply(null, hist.concat([1]));
        if (hist.length > 1) {
          var pts = hist.map(function (v, i) {
            return (sx + (i / (hist.length - 1)) * sw).toFixed(1) + ',' + (sy + sh - (v / max) * sh).toFixed(1);
          });
          g.appendChild(el('polygon', { class: 'sparkfill', points: sx + ',' + (sy + sh) + ' ' + pts.join(' ') + ' ' + (sx + sw) + ',' + (sy + sh) }));
          g.appendChild(el('polyline', { class: 'spark', points: pts.join(' ') }));
        }
        g.appendChild(el('rect', { class: 'busybg', x: 10, y: 89, width: 120, height: 6, rx: 3 }));
        g.appendChild(el('rect', { class: 'busy', x: 10, y: 89, width: Math.max(0, Math.min(1, s.busy)) * 120, height: 6, rx: 3 }));
        var extra = 'busy ' + Math.round(s.busy * 100) + '%';
        if (s.buffered) extra += ' · buf ' + count(s.buffered);
        if (s.discarded) extra += ' · lost ' + count(s.discarded);
        g.appendChild(el('text', { class: 'meta', x: 138, y: 96 }, extra));
      }
      svg.appendChild(g);
    });
    box.replaceChildren(svg);
  }

  function drawSupervisors(snap) {
    var box = document.getElementById('supervisors');
    if (snap.supervisors.length === 0) { box.replaceChildren(h('p', 'empty', 'none')); return; }
    box.replaceChildren.apply(box, snap.supervisors.map(function (s) {
      var card = h('div', 'card' + (s.restarting > 0 ? ' restarting' : ''));
      card.setAttribute('data-supervisor', s.name);
      card.appendChild(h('div', 'title', s.name));
      var counts = h('div', 'counts');
      [['running', s.running], ['restarting', s.restarting], ['exited', s.exited], ['restarts', s.restarts]].forEach(function (c) {
        var span = h('span', 'count-' + c[0]);
        span.appendChild(h('b', null, String(c[1])));
        span.appendChild(document.createTextNode(' ' + c[0]));
        counts.appendChild(span);
      });
      card.appendChild(counts);
      if (s.stages.length > 0) card.appendChild(h('div', 'kids', s.stages.join(', ')));
      return card;
    }));
  }

  function drawCrashes(snap) {
    var box = document.getElementById('crashes');
    var crashed = snap.stages.filter(function (s) { return s.state === 'crashed'; });
    if (crashed.length === 0) { box.replaceChildren(h('li', 'empty', 'none')); return; }
    box.replaceChildren.apply(box, crashed.map(function (s) {
      var li = h('li');
      li.appendChild(h('span', 'who', s.name));
      li.appendChild(h('span', 'when', time(s.exitedAt)));
      li.appendChild(h('div', 'why', s.reason || ''));
      return li;
    }));
  }

  function spark(history) {
    var svg = el('svg', { width: 90, height: 18 });
    var max = Math.max.apply(null, history.concat([1]));
    if (history.length > 1) {
      svg.appendChild(el('polyline', { fill: 'none', stroke: '#2f6fdf', 'stroke-width': 1.3, points: history.map(function (v, i) {
        return (i / (history.length - 1) * 88 + 1).toFixed(1) + ',' + (17 - v / max * 16).toFixed(1);
      }).join(' ') }));
    }
    return svg;
  }

  function drawTable(snap) {
    var body = document.querySelector('#stages tbody');
    body.replaceChildren.apply(body, snap.stages.map(function (s) {
      var tr = h('tr', s.state === 'crashed' ? 'crashed' : '');
      tr.setAttribute('data-name', s.name);
      var cells = [
        [s.name, 'name'], [s.kind.replace('_', '-')], [s.dispatcher || ''],
        [s.kind === 'producer' ? '' : rate(s.inRate), 'n'], [rate(s.outRate), 'n'], null,
        [count(s.buffered), 'n'], [count(s.discarded), 'n'], [Math.round(s.busy * 100) + '%', 'n'],
        [s.state === 'crashed' ? 'crashed: ' + (s.reason || '') : 'running'],
      ];
      cells.forEach(function (c) {
        var td = h('td', c && c[1] ? c[1] : '');
        if (c === null) td.appendChild(spark(s.history));
        else td.textContent = c[0];
        if (c && c[1] === 'name') td.title = s.name;
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  function render(snap) {
    document.body.setAttribute('data-tick', String(snap.tick));
    var running = snap.stages.filter(function (s) { return s.state === 'running'; }).length;
    document.getElementById('summary').textContent = running + ' stages · ' + snap.edges.length + ' subscriptions · ' +
      snap.supervisors.length + ' supervisors · ' + time(snap.time);
    var b = document.getElementById('bottleneck');
    b.textContent = snap.bottleneck ? 'bottleneck: ' + snap.bottleneck.name + ' (busy ' + Math.round(snap.bottleneck.busy * 100) + '%)'
      : 'bottleneck: none (no stage busy 20% of the time)';
    b.className = snap.bottleneck ? 'bottleneck' : 'bottleneck calm';
    drawGraph(snap);
    drawSupervisors(snap);
    drawCrashes(snap);
    drawTable(snap);
  }

  var status = document.getElementById('status');
  var source = new EventSource('events' + location.search);
  source.onopen = function () { status.textContent = 'live'; status.className = 'status live'; };
  source.onerror = function () { status.textContent = 'disconnected'; status.className = 'status down'; };
  source.onmessage = function (m) { render(JSON.parse(m.data)); };
})();
`;
