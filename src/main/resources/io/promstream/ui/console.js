// The operator console: reads /ui/api/* and renders it with DOM calls only (text is never parsed as HTML).
// Actions are POSTs with the admin token from sessionStorage in an Authorization header, never in a URL.
'use strict';
(function () {
  const TOKEN_KEY = 'promStreamAdminToken';
  const REFRESH_MS = 10000;
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = ['#c8411f', '#1f5fbf', '#1e7f4f', '#8a4fbf', '#b58900', '#2aa198', '#d33682', '#6c71c4'];
  const state = { view: 'overview', family: null, overview: null, families: [], sort: { key: 'name', dir: 1 } };

  // ---- small helpers -------------------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const $ = (id) => document.getElementById(id);
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function fill(tbody, rows) { clear(tbody); rows.forEach((r) => tbody.append(r)); }
  function fmt(n) {
    if (n === null || n === undefined) return '—';
    if (typeof n === 'string') return n;
    if (!isFinite(n)) return String(n);
    if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(2) + ' M';
    if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + ' k';
    return Number.isInteger(n) ? String(n) : n.toFixed(2);
  }
  function ago(millis) {
    if (!millis) return '—';
    const s = Math.max(0, (Date.now() - millis) / 1000);
    if (s < 60) return Math.round(s) + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return (s / 3600).toFixed(1) + ' h ago';
    return (s / 86400).toFixed(1) + ' d ago';
  }
  function duration(ms) {
    if (!ms) return 'never';
    const s = ms / 1000;
    if (s < 120) return s + ' s';
    if (s < 7200) return s / 60 + ' min';
    if (s < 172800) return s / 3600 + ' h';
    return s / 86400 + ' d';
  }
  function labelChips(labels) {
    const names = Object.keys(labels || {});
    if (names.length === 0) return el('span', { class: 'muted' }, '(no labels)');
    return el('span', { class: 'labels' }, names.map((k) => el('code', {}, k + '="' + labels[k] + '"')));
  }
  function notice(text, ok) {
    const n = $('notice');
    n.textContent = text;
    n.className = ok ? 'ok' : 'bad';
    n.hidden = false;
  }

  // ---- reading ---------------------------------------------------------------------------------------------------
  async function get(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) throw new Error(path + ': ' + response.status);
    return response.json();
  }

  // ---- the admin token and actions ---------------------------------------------------------------------------------
  function token() { return sessionStorage.getItem(TOKEN_KEY); }
  function showTokenState() {
    const has = !!token();
    $('token-state').textContent = has ? 'actions unlocked' : 'read-only';
    $('token-button').textContent = has ? 'Lock' : 'Unlock actions';
    const allowed = !state.overview || state.overview.actions;
    document.querySelectorAll('button.action').forEach((b) => {
      b.disabled = !allowed;
      b.title = allowed ? (has ? '' : 'asks for the admin token first') : 'actions are off: the gateway has no admin.token';
    });
  }
  function askToken() {
    return new Promise((resolve) => {
      const form = $('token-form');
      form.hidden = false;
      $('token-input').value = '';
      $('token-input').focus();
      const done = (value) => {
        form.hidden = true;
        form.removeEventListener('submit', onSubmit);
        $('token-cancel').removeEventListener('click', onCancel);
        resolve(value);
      };
      const onSubmit = (e) => { e.preventDefault(); const v = $('token-input').value.trim(); if (v) sessionStorage.setItem(TOKEN_KEY, v); showTokenState(); done(v || null); };
      const onCancel = () => done(null);
      form.addEventListener('submit', onSubmit);
      $('token-cancel').addEventListener('click', onCancel);
    });
  }
  async function act(path, body) {
    let t = token();
    if (!t) t = await askToken();
    if (!t) return null;
    const response = await fetch('api/actions/' + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Console-Action': '1', Authorization: 'Bearer ' + t },
      body: JSON.stringify(body || {}),
    });
    let answer;
    try { answer = await response.json(); } catch (e) { answer = { ok: false, message: 'answered ' + response.status }; }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
    }
    notice(answer.message || ('answered ' + response.status), response.ok);
    return response.ok ? answer : null;
  }
  // a destructive button asks once more in place: the first click arms it for a few seconds
  function confirmed(button) {
    if (button.classList.contains('confirm')) {
      button.classList.remove('confirm');
      button.textContent = button.dataset.label;
      return true;
    }
    button.dataset.label = button.textContent;
    button.classList.add('confirm');
    button.textContent = 'Click again to confirm';
    setTimeout(() => { if (button.classList.contains('confirm')) { button.classList.remove('confirm'); button.textContent = button.dataset.label; } }, 5000);
    return false;
  }

  // ---- charts ----------------------------------------------------------------------------------------------------
  function bars(container, series, colors) {
    // series: array of arrays (stacked), one value per minute
    clear(container);
    const minutes = series.length ? series[0].length : 0;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 300 80');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    let max = 0;
    for (let i = 0; i < minutes; i++) max = Math.max(max, series.reduce((s, row) => s + row[i], 0));
    const w = 300 / 60;
    for (let i = 0; i < minutes; i++) {
      let y = 78;
      series.forEach((row, r) => {
        if (!row[i] || !max) return;
        const h = Math.max(1, (row[i] / max) * 74);
        const rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', String((60 - minutes + i) * w + 0.5));
        rect.setAttribute('y', String(y - h));
        rect.setAttribute('width', String(w - 1));
        rect.setAttribute('height', String(h));
        rect.style.setProperty('fill', colors[r % colors.length]);
        y -= h;
        svg.append(rect);
      });
    }
    const base = document.createElementNS(SVG, 'line');
    base.setAttribute('x1', '0'); base.setAttribute('x2', '300'); base.setAttribute('y1', '78.5'); base.setAttribute('y2', '78.5');
    base.setAttribute('stroke', 'currentColor'); base.setAttribute('stroke-opacity', '0.3');
    svg.append(base);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = 'highest minute: ' + max;
    svg.append(title);
    container.append(svg, el('div', { class: 'muted' }, max ? 'peak ' + fmt(max) + ' a minute' : 'none in the last hour'));
  }

  // ---- overview --------------------------------------------------------------------------------------------------
  function card(id, label, value, sub) {
    return el('div', { class: 'card', id: 'card-' + id }, el('div', { class: 'label' }, label),
      el('div', { class: 'value', dataset: { value: String(value === null || value === undefined ? '' : value) } }, fmt(value)),
      sub ? el('div', { class: 'muted' }, sub) : null);
  }
  async function loadOverview() {
    const o = await get('api/overview');
    state.overview = o;
    const s = o.status;
    const minutes = o.minutes;
    const full = minutes.length > 1 ? minutes[minutes.length - 2] : null;
    const rejectedHour = minutes.reduce((sum, m) => sum + Object.values(m.rejected).reduce((a, b) => a + b, 0), 0);
    const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
    fill($('cards'), [
      card('series', 'series', s.series, 'of ' + fmt(s.maxSeries) + ' allowed'),
      card('families', 'families', s.families),
      card('rate', 'applied /s', full ? full.processed / 60 : null, 'over the last full minute'),
      card('processed', 'applied in all', s.processed, 'since start, here'),
      card('backlog', 'backlog', s.queue.length, s.queue.key),
      card('rejected', 'rejected, last hour', rejectedHour, fmt(dropped) + ' since start'),
      card('dead-letters', 'dead letters', o.deadLetters.key ? o.deadLetters.length : null, o.deadLetters.key || 'off'),
      card('uptime', 'up', Math.round(s.uptimeSeconds / 60) + ' min', 'version ' + s.version),
    ]);
    bars($('chart-processed'), [minutes.map((m) => m.processed)], ['var(--chart)']);
    const reasons = [...new Set(minutes.flatMap((m) => Object.keys(m.rejected)))].sort();
    const colors = reasons.map((r, i) => COLORS[i % COLORS.length]);
    bars($('chart-rejected'), reasons.map((r) => minutes.map((m) => m.rejected[r] || 0)), colors);
    fill($('legend-rejected'), reasons.map((r, i) => {
      const total = minutes.reduce((sum, m) => sum + (m.rejected[r] || 0), 0);
      const item = el('span', { dataset: { reason: r } }, r + ' ' + total);
      item.style.setProperty('--swatch', colors[i]);
      return item;
    }));
    bars($('chart-backlog'), [minutes.map((m) => m.backlog || 0)], ['var(--chart2)']);
    $('shards-note').textContent = s.shards.count + ' shard' + (s.shards.count === 1 ? '' : 's') + '; gateways sharing them: '
      + s.shards.gateways.join(', ') + '; this one is ' + s.shards.gateway + (o.shardsError ? ' — ' + o.shardsError : '');
    fill($('shards').tBodies[0], o.shards.map((sh) => el('tr', { dataset: { shard: sh.shard } },
      el('td', {}, sh.shard), el('td', { class: 'wide' }, el('code', {}, sh.list)), el('td', { class: 'num' }, fmt(sh.backlog)),
      el('td', {}, sh.owner ? sh.owner + (sh.here ? ' (this gateway)' : '') : el('span', { class: 'bad' }, 'nobody')),
      el('td', { class: 'num' }, sh.leaseMillisLeft >= 0 ? (sh.leaseMillisLeft / 1000).toFixed(1) + ' s' : '—'))));
    fill($('workers').tBodies[0], s.workers.map((w) => el('tr', {},
      el('td', {}, w.id), el('td', {}, w.state), el('td', { class: w.alive ? 'good' : 'bad' }, w.alive ? 'yes' : 'no'),
      el('td', { class: 'num' }, (w.lastSeenMillisAgo / 1000).toFixed(1) + ' s ago'))));
    $('queue-line').textContent = 'Queue ' + s.queue.key + ' on ' + s.queue.redis + ': ' + fmt(s.queue.length)
      + ' pending, ' + fmt(s.queue.taken) + ' taken here.';
    showTokenState();
  }

  // ---- families --------------------------------------------------------------------------------------------------
  function renderFamilies() {
    const q = $('family-search').value.trim().toLowerCase();
    const { key, dir } = state.sort;
    const rows = state.families.filter((f) => !q || f.name.toLowerCase().includes(q) || (f.help || '').toLowerCase().includes(q));
    rows.sort((a, b) => {
      const field = (f) => (key === 'ttlRule' ? f.ttl.rule : f[key]);
      const x = field(a), y = field(b);
      if (x === y) return a.name < b.name ? -1 : 1;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    document.querySelectorAll('#families th').forEach((th) => {
      th.classList.toggle('asc', th.dataset.key === key && dir === 1);
      th.classList.toggle('desc', th.dataset.key === key && dir === -1);
    });
    $('family-count').textContent = rows.length + ' of ' + state.families.length + ' families';
    fill($('families').tBodies[0], rows.map((f) => el('tr', {
      class: 'link', dataset: { family: f.name }, onclick: () => { location.hash = '#family/' + encodeURIComponent(f.name); },
    }, el('td', {}, el('a', { href: '#family/' + encodeURIComponent(f.name) }, f.name)), el('td', {}, f.type),
    el('td', { class: 'num' }, f.series), el('td', { class: 'num' }, f.ratePerSecond === null ? '—' : fmt(f.ratePerSecond)),
    el('td', {}, f.ttl.rule + ' (' + duration(f.ttl.ttlMillis) + ')'))));
  }
  async function loadFamilies() {
    const [families, cardinality] = await Promise.all([get('api/families'), get('api/cardinality')]);
    state.families = families;
    renderFamilies();
    fill($('top-families').tBodies[0], cardinality.familiesBySeries.map((c) => el('tr', {},
      el('td', {}, el('a', { href: '#family/' + encodeURIComponent(c.name) }, c.name)), el('td', { class: 'num' }, c.count))));
    fill($('top-labels').tBodies[0], cardinality.labelsByValues.map((c) => el('tr', {},
      el('td', {}, el('code', {}, c.name)), el('td', { class: 'num' }, c.count))));
  }
  function valueCell(values) {
    if ('value' in values) return el('td', { class: 'mono', dataset: { value: values.value } }, values.value);
    const parts = ['count ' + values.count, 'sum ' + values.sum];
    if (values.schema !== undefined) parts.push('schema ' + values.schema);
    const detail = values.buckets || values.quantiles || {};
    const name = values.buckets ? 'le' : 'quantile';
    return el('td', { class: 'mono', dataset: { count: values.count, sum: values.sum } }, parts.join(', '),
      el('div', { class: 'muted' }, Object.entries(detail).map(([k, v]) => name + '=' + k + ': ' + v).join('  ')));
  }
  let matchTimer = null;
  async function loadFamily() {
    const name = state.family;
    const match = $('series-match').value;
    const d = await get('api/families/' + encodeURIComponent(name) + '?limit=500&match=' + encodeURIComponent(match));
    const f = d.family;
    $('family-title').textContent = f.name;
    $('family-meta').textContent = f.type + ' · ' + f.series + ' series · TTL ' + duration(f.ttl.ttlMillis) + ' (' + f.ttl.rule + ')'
    + (f.rule ? ' · rule: ' + f.rule : '');
    $('family-help').textContent = f.help || '';
    fill($('family-labels').tBodies[0], d.labels.map((l) => el('tr', { dataset: { label: l.name } },
      el('td', {}, el('code', {}, l.name)), el('td', { class: 'num' }, l.values), el('td', { class: 'num' }, l.series),
      el('td', {}, el('span', { class: 'labels' }, l.top.map((t) => el('code', { title: t.series + ' series' }, t.value + ' (' + t.series + ')')))))));
    $('series-count').textContent = d.matched > d.series.length ? d.series.length + ' of ' + d.matched + ' matching series shown'
      : d.matched + ' series';
    fill($('family-series').tBodies[0], d.series.map((s) => el('tr', {},
      el('td', {}, labelChips(s.labels)), valueCell(s.values),
      el('td', { class: 'num', title: new Date(s.lastUpdatedMillis).toISOString() }, ago(s.lastUpdatedMillis)))));
  }

  // ---- groups ----------------------------------------------------------------------------------------------------
  async function loadGroups() {
    const groups = await get('api/groups');
    const box = clear($('groups'));
    if (groups.length === 0) box.append(el('p', { class: 'muted' }, 'No groups. Pushes in replace mode (PUT /metrics/job/...) make them.'));
    groups.forEach((g) => {
      const ok = g.pushFailureTimeSeconds <= g.pushTimeSeconds;
      const del = el('button', { type: 'button', class: 'action', onclick: async (e) => {
        if (!confirmed(e.currentTarget)) return;
        if (await act('delete-group', { labels: g.labels })) loadGroups();
      } }, 'Delete group');
      box.append(el('article', { class: 'group', dataset: { group: JSON.stringify(g.labels) } },
        el('header', {}, labelChips(g.labels),
          el('span', { title: 'push_time_seconds ' + g.pushTimeSeconds }, 'last push ' + (g.pushTimeSeconds ? ago(g.pushTimeSeconds * 1000) : 'never')),
          el('span', { class: ok ? 'good' : 'bad' }, ok ? 'last push succeeded' : 'last push failed ' + ago(g.pushFailureTimeSeconds * 1000)),
          del),
        el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'family'), el('th', {}, 'type'),
          el('th', { class: 'num' }, 'series'), el('th', { class: 'num' }, 'pushed'))),
        el('tbody', {}, g.families.map((f) => el('tr', {}, el('td', {}, el('a', { href: '#family/' + encodeURIComponent(f.name) }, f.name)),
          el('td', {}, f.type), el('td', { class: 'num' }, f.series), el('td', { class: 'num' }, ago(f.writtenMillis)))))))));
    });
    showTokenState();
  }

  // ---- dead letters ----------------------------------------------------------------------------------------------
  async function loadLetters() {
    const d = await get('api/dead-letters?count=50');
    const box = clear($('letters'));
    $('letters-count').textContent = d.key ? d.length + ' in ' + d.key + (d.length > d.letters.length ? ', newest ' + d.letters.length + ' shown' : '')
      : 'dead letters are off (redis.deadLetterKey is empty)';
    d.letters.forEach((letter) => {
      const editor = el('textarea', { spellcheck: 'false', 'aria-label': 'payload' });
      editor.value = letter.payload;
      const fixBox = el('div', { hidden: true }, editor, el('div', { class: 'row' },
        letter.truncated ? el('span', { class: 'muted' }, 'the payload was cut when it was dead-lettered; it cannot be requeued')
          : el('button', { type: 'button', class: 'action', onclick: async () => {
            if (await act('requeue', { envelope: letter.envelope, payload: editor.value })) loadLetters();
          } }, 'Requeue')));
      box.append(el('article', { class: 'letter' },
        el('header', {}, el('span', { class: 'reason' }, letter.reason), el('span', { title: letter.time }, ago(Date.parse(letter.time))),
          el('span', { class: 'muted' }, letter.source)),
        el('div', {}, letter.error),
        el('pre', {}, letter.payload.length > 400 ? letter.payload.slice(0, 400) + ' …' : letter.payload),
        el('button', { type: 'button', class: 'plain', onclick: () => { fixBox.hidden = !fixBox.hidden; } }, 'Fix and requeue'),
        fixBox));
    });
    showTokenState();
  }

  // ---- views -----------------------------------------------------------------------------------------------------
  const loaders = { overview: loadOverview, families: loadFamilies, family: loadFamily, groups: loadGroups, 'dead-letters': loadLetters };
  async function show() {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash.startsWith('family/')) {
      state.view = 'family';
      if (state.family !== hash.slice(7)) $('series-match').value = '';
      state.family = hash.slice(7);
    } else {
      state.view = loaders[hash] ? hash : 'overview';
    }
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-' + state.view; });
    document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('current', a.dataset.view === state.view
      || (state.view === 'family' && a.dataset.view === 'families')));
    await refresh();
  }
  async function refresh() {
    try {
      await loaders[state.view]();
      document.body.dataset.loaded = state.view;
    } catch (e) {
      notice('Could not read the gateway: ' + e.message, false);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    window.addEventListener('hashchange', show);
    $('token-button').addEventListener('click', () => {
      if (token()) { sessionStorage.removeItem(TOKEN_KEY); showTokenState(); } else askToken();
    });
    $('family-search').addEventListener('input', renderFamilies);
    document.querySelectorAll('#families th').forEach((th) => th.addEventListener('click', () => {
      state.sort = { key: th.dataset.key, dir: state.sort.key === th.dataset.key ? -state.sort.dir : 1 };
      renderFamilies();
    }));
    $('series-match').addEventListener('input', () => { clearTimeout(matchTimer); matchTimer = setTimeout(refresh, 250); });
    $('flush-button').addEventListener('click', async (e) => { if (await act('flush')) loadOverview(); e.preventDefault(); });
    $('reset-family').addEventListener('click', async (e) => {
      if (!confirmed(e.currentTarget)) return;
      if (await act('reset', { names: [state.family] })) location.hash = '#families';
    });
    $('selector-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const labels = $('selector-input').value.trim().split(/\s+/).filter((s) => s);
      if (labels.length === 0) { notice('Give key=value pairs', false); return; }
      if (await act('reset', { labels })) loadFamilies();
    });
    $('letters-refresh').addEventListener('click', refresh);
    setInterval(() => {
      if (!document.hidden && ['overview', 'families', 'groups'].includes(state.view)) refresh();
    }, REFRESH_MS);
    showTokenState();
    show();
  });
})();
