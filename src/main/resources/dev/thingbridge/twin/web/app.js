// thingbridge twin console. Everything shown comes from the twin's event stream and is put into the page as
// text (textContent, attribute values), never as markup: thing names, shadow documents and job documents are
// user input.
'use strict';

(function () {
  const state = {
    things: new Map(),            // thingName -> thing
    shadows: new Map(),           // thingName \u0000 shadowName -> {thingName, shadowName, shadow}
    jobs: new Map(),              // jobId -> job
    executions: new Map(),        // thingName \u0000 jobId -> execution
    commands: new Map(),          // commandId -> command
    commandExecutions: new Map(), // executionId -> execution
    ota: new Map(),               // otaUpdateId -> ota update
    truncated: false,
  };
  const SEP = '\u0000';
  const openDocuments = new Set(); // jobs whose document the user opened, kept open across re-renders
  const dirty = new Set();
  let frame = 0;

  // ---- DOM helpers ---------------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name.startsWith('data-')) node.setAttribute(name, String(value));
      else if (name === 'text') node.textContent = String(value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function json(value) {
    return el('pre', { class: 'json' }, value === undefined ? '' : JSON.stringify(value, null, 2));
  }

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleTimeString();
  }

  function status(value) {
    return el('span', { class: 'status status-' + String(value).toLowerCase().replace(/[^a-z_]/g, '') }, value);
  }

  function details(map) {
    const entries = Object.entries(map || {});
    if (entries.length === 0) return '';
    return el('dl', { class: 'details' }, entries.map(([k, v]) => [el('dt', null, k), el('dd', null, v)]));
  }

  function replaceChildren(container, nodes) {
    container.replaceChildren(...nodes);
    const empty = document.querySelector('[data-empty-for="' + container.dataset.emptyKey + '"]');
    if (empty) empty.hidden = nodes.length > 0;
  }

  function byName(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // ---- rendering -----------------------------------------------------------------------------------------

  function renderThings() {
    const body = document.querySelector('#things tbody');
    body.dataset.emptyKey = 'things';
    const names = [...state.things.keys()].sort(byName);
    replaceChildren(body, names.map((name) => {
      const t = state.things.get(name);
      const attrs = Object.entries(t.attributes || {}).map(([k, v]) => k + '=' + v).join(', ');
      return el('tr', { 'data-thing': name }, el('td', { class: 'name' }, name), el('td', null, t.thingTypeName || ''),
        el('td', null, attrs), el('td', null, t.version));
    }));
    document.getElementById('truncated').hidden = !state.truncated;
    const list = document.getElementById('thing-names');
    list.replaceChildren(...names.map((n) => el('option', { value: n })));
    renderTargets(names);
  }

  function renderTargets(names) {
    const box = document.getElementById('job-targets');
    const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
    const legend = el('legend', null, 'Targets');
    if (names.length === 0) {
      box.replaceChildren(legend, el('span', { class: 'note' }, 'Register a thing first.'));
      return;
    }
    box.replaceChildren(legend, ...names.map((n) => el('label', { class: 'target' },
      el('input', { type: 'checkbox', name: 'target', value: n, checked: checked.has(n) }), n)));
  }

  function renderShadows() {
    const box = document.getElementById('shadows');
    box.dataset.emptyKey = 'shadows';
    const keys = [...state.shadows.keys()].sort(byName);
    replaceChildren(box, keys.map((key) => {
      const s = state.shadows.get(key);
      const doc = s.shadow || {};
      const st = doc.state || {};
      const delta = st.delta;
      const card = el('article', { class: 'card shadow' + (delta ? ' has-delta' : ''), 'data-thing': s.thingName,
        'data-shadow': s.shadowName },
        el('header', null,
          el('span', { class: 'name' }, s.thingName),
          el('span', { class: 'shadow-name' }, s.shadowName === '' ? 'classic' : s.shadowName),
          el('span', { class: 'version' }, 'v' + (doc.version === undefined ? '?' : doc.version)),
          el('button', { type: 'button', class: 'edit' }, 'Edit desired')),
        delta ? el('div', { class: 'delta' }, el('h4', null, 'Pending delta'), json(delta)) : null,
        el('div', { class: 'sections' },
          el('div', { class: 'desired' }, el('h4', null, 'Desired'), json(st.desired)),
          el('div', { class: 'reported' }, el('h4', null, 'Reported'), json(st.reported))));
      card.querySelector('button.edit').addEventListener('click', () => {
        document.getElementById('desired-thing').value = s.thingName;
        document.getElementById('desired-shadow').value = s.shadowName;
        document.getElementById('desired-json').value = JSON.stringify(st.desired || {}, null, 2);
        document.getElementById('desired-json').focus();
      });
      return card;
    }));
  }

  function executionsOf(jobId) {
    return [...state.executions.values()].filter((e) => e.jobId === jobId)
      .sort((a, b) => byName(a.thingName, b.thingName));
  }

  function renderJobs() {
    const box = document.getElementById('jobs');
    box.dataset.emptyKey = 'jobs';
    const jobIds = new Set([...state.jobs.keys(), ...[...state.executions.values()].map((e) => e.jobId)]);
    const sorted = [...jobIds].sort((a, b) => {
      const ja = state.jobs.get(a), jb = state.jobs.get(b);
      return byName((jb && jb.createdAt) || '', (ja && ja.createdAt) || '') || byName(a, b);
    });
    replaceChildren(box, sorted.map((jobId) => {
      const job = state.jobs.get(jobId) || { jobId, status: '?' };
      const rows = executionsOf(jobId).map((e) => el('tr', { class: 'execution', 'data-thing': e.thingName,
        'data-job': e.jobId },
        el('td', { class: 'name' }, e.thingName), el('td', { class: 'exec-status' }, status(e.status)),
        el('td', null, details(e.statusDetails)), el('td', null, e.versionNumber), el('td', null, time(e.lastUpdatedAt))));
      return el('article', { class: 'card job', 'data-job': jobId },
        el('header', null, el('span', { class: 'name' }, jobId), el('span', { class: 'job-status' }, status(job.status)),
          job.ota ? el('span', { class: 'tag' }, 'OTA') : null, el('span', { class: 'when' }, time(job.createdAt))),
        job.description ? el('p', { class: 'description' }, job.description) : null,
        documentDetails(jobId, job.document),
        el('table', { class: 'executions' },
          el('thead', null, el('tr', null, ['Thing', 'Status', 'Details', 'Version', 'Updated'].map((h) => el('th', null, h)))),
          el('tbody', null, rows)));
    }));
  }

  function documentDetails(jobId, text) {
    const node = el('details', { open: openDocuments.has(jobId) }, el('summary', null, 'Document'),
      el('pre', { class: 'json' }, pretty(text)));
    node.addEventListener('toggle', () => {
      if (node.open) openDocuments.add(jobId);
      else openDocuments.delete(jobId);
    });
    return node;
  }

  function pretty(text) {
    if (typeof text !== 'string') return '';
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      return text;
    }
  }

  /** "received/total" (OTA blocks) or a percentage, from an execution's statusDetails. */
  function progressOf(details) {
    const d = details || {};
    const m = /^(\d+)\/(\d+)$/.exec(d.progress || '');
    if (m && Number(m[2]) > 0) return { value: Number(m[1]), max: Number(m[2]), label: m[1] + '/' + m[2] };
    const pct = Number(d.percent);
    if (d.percent !== undefined && isFinite(pct)) return { value: pct, max: 100, label: pct + '%' };
    return null;
  }

  function progressRow(e) {
    const p = progressOf(e.statusDetails);
    const d = e.statusDetails || {};
    return el('tr', { class: 'progress-row', 'data-thing': e.thingName, 'data-job': e.jobId },
      el('td', { class: 'name' }, e.thingName), el('td', null, status(e.status)),
      el('td', null, p ? [el('progress', { max: p.max, value: p.value }), ' ', p.label] : ''),
      el('td', null, [d.self_test ? 'self test: ' + d.self_test : '', d.step ? 'step: ' + d.step : '',
        d.reason ? 'reason: ' + d.reason : ''].filter(Boolean).join('; ')));
  }

  function renderOta() {
    const box = document.getElementById('ota');
    box.dataset.emptyKey = 'ota';
    const cards = [];
    const otaJobs = new Set();
    const updates = [...state.ota.values()].sort((a, b) => byName(b.createdAt || '', a.createdAt || ''));
    for (const u of updates) {
      otaJobs.add(u.jobId);
      cards.push(el('article', { class: 'card ota', 'data-ota': u.otaUpdateId },
        el('header', null, el('span', { class: 'name' }, u.otaUpdateId), status(u.status),
          el('span', { class: 'when' }, 'job ' + u.jobId)),
        el('p', { class: 'note' }, 'files: ' + (u.files || []).join(', ') + ' · over ' + (u.protocols || []).join(', ')),
        progressTable(executionsOf(u.jobId))));
    }
    // Any other job whose device reports progress (a flash of an MCU, a download): shown the same way.
    const others = [...state.executions.values()].filter((e) => !otaJobs.has(e.jobId) && progressOf(e.statusDetails));
    const byJob = new Map();
    for (const e of others) {
      if (!byJob.has(e.jobId)) byJob.set(e.jobId, []);
      byJob.get(e.jobId).push(e);
    }
    for (const [jobId, list] of byJob) {
      cards.push(el('article', { class: 'card ota', 'data-job': jobId },
        el('header', null, el('span', { class: 'name' }, jobId), el('span', { class: 'tag' }, 'job')),
        progressTable(list)));
    }
    replaceChildren(box, cards);
  }

  function progressTable(list) {
    return el('table', { class: 'executions' },
      el('thead', null, el('tr', null, ['Thing', 'Status', 'Progress', 'Details'].map((h) => el('th', null, h)))),
      el('tbody', null, list.map(progressRow)));
  }

  function renderCommands() {
    const body = document.querySelector('#command-executions tbody');
    body.dataset.emptyKey = 'commands';
    const list = [...state.commandExecutions.values()].sort((a, b) => byName(b.createdAt || '', a.createdAt || ''));
    replaceChildren(body, list.map((e) => el('tr', { 'data-execution': e.executionId, 'data-command': e.commandId },
      el('td', { class: 'name' }, e.commandId), el('td', null, e.target), el('td', null, status(e.status)),
      el('td', null, [e.reasonCode, e.reasonDescription].filter(Boolean).join(': ')),
      el('td', null, details(e.result)), el('td', null, time(e.createdAt)))));
    const names = [...state.commands.keys()].sort(byName);
    document.getElementById('command-list').textContent = names.length ? 'Commands defined: ' + names.join(', ') : '';
  }

  const renderers = { things: renderThings, shadows: renderShadows, jobs: renderJobs, ota: renderOta,
    commands: renderCommands };

  function invalidate(...sections) {
    sections.forEach((s) => dirty.add(s));
    if (!frame) frame = requestAnimationFrame(flush);
  }

  function flush() {
    frame = 0;
    for (const s of dirty) renderers[s]();
    dirty.clear();
  }

  // ---- events --------------------------------------------------------------------------------------------

  function put(map, key, value) {
    if (value === null || value === undefined) map.delete(key);
    else map.set(key, value);
  }

  const handlers = {
    snapshot(d) {
      for (const m of [state.things, state.shadows, state.jobs, state.executions, state.commands,
        state.commandExecutions, state.ota]) m.clear();
      d.things.forEach((t) => state.things.set(t.thingName, t));
      d.shadows.forEach((s) => state.shadows.set(s.thingName + SEP + s.shadowName, s));
      d.jobs.forEach((j) => state.jobs.set(j.jobId, j));
      d.executions.forEach((e) => state.executions.set(e.thingName + SEP + e.jobId, e));
      d.commands.forEach((c) => state.commands.set(c.commandId, c));
      d.commandExecutions.forEach((e) => state.commandExecutions.set(e.executionId, e));
      d.otaUpdates.forEach((u) => state.ota.set(u.otaUpdateId, u));
      state.truncated = !!d.truncated;
      invalidate('things', 'shadows', 'jobs', 'ota', 'commands');
    },
    thing(d) {
      put(state.things, d.thingName, d.thing);
      invalidate('things');
    },
    shadow(d) {
      put(state.shadows, d.thingName + SEP + d.shadowName, d.shadow ? d : null);
      invalidate('shadows');
    },
    job(d) {
      put(state.jobs, d.jobId, d.job);
      invalidate('jobs', 'ota');
    },
    execution(d) {
      put(state.executions, d.thingName + SEP + d.jobId, d.execution);
      invalidate('jobs', 'ota');
    },
    command(d) {
      put(state.commands, d.commandId, d.command);
      invalidate('commands');
    },
    commandExecution(d) {
      put(state.commandExecutions, d.executionId, d.execution);
      invalidate('commands');
    },
    ota(d) {
      put(state.ota, d.otaUpdateId, d.ota);
      invalidate('ota');
    },
  };

  function connect() {
    const badge = document.getElementById('connection');
    const source = new EventSource('/console/events');
    source.addEventListener('open', () => {
      badge.dataset.state = 'live';
      badge.textContent = 'live';
    });
    source.addEventListener('error', () => {
      badge.dataset.state = 'reconnecting';
      badge.textContent = 'reconnecting…';
    });
    for (const [type, handle] of Object.entries(handlers)) {
      source.addEventListener(type, (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        handle(data);
      });
    }
  }

  // ---- writes, through the twin's AWS-compatible API -----------------------------------------------------

  async function call(method, path, body) {
    const response = await fetch(path, { method, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body) });
    let reply = {};
    try {
      reply = await response.json();
    } catch (e) {
      reply = {};
    }
    if (!response.ok) {
      const type = response.headers.get('x-amzn-ErrorType') || ('HTTP ' + response.status);
      throw new Error(type + ': ' + (reply.message || response.statusText));
    }
    return reply;
  }

  function report(output, ok, text) {
    output.dataset.state = ok ? 'ok' : 'error';
    output.textContent = text;
  }

  function parseObject(text, what) {
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(what + ' is not valid JSON: ' + e.message);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(what + ' must be a JSON object');
    }
    return value;
  }

  function setUpForms() {
    document.getElementById('desired-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const output = document.getElementById('desired-result');
      const thing = document.getElementById('desired-thing').value.trim();
      const shadow = document.getElementById('desired-shadow').value.trim();
      try {
        const desired = parseObject(document.getElementById('desired-json').value, 'Desired');
        const path = '/things/' + encodeURIComponent(thing) + '/shadow'
          + (shadow ? '?name=' + encodeURIComponent(shadow) : '');
        const reply = await call('POST', path, { state: { desired } });
        report(output, true, 'Accepted: ' + thing + ' ' + (shadow || 'classic') + ' is at version ' + reply.version);
      } catch (e) {
        report(output, false, e.message);
      }
    });
    document.getElementById('job-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const output = document.getElementById('job-result');
      const jobId = document.getElementById('job-id').value.trim();
      const description = document.getElementById('job-description').value.trim();
      const names = [...document.querySelectorAll('#job-targets input:checked')].map((i) => i.value);
      try {
        if (names.length === 0) throw new Error('Choose at least one target thing');
        const documentText = document.getElementById('job-document').value;
        parseObject(documentText, 'The job document');
        const targets = names.map((n) => (state.things.get(n) || {}).thingArn).filter(Boolean);
        const body = { targets, document: documentText };
        if (description) body.description = description;
        await call('PUT', '/jobs/' + encodeURIComponent(jobId), body);
        report(output, true, 'Created job ' + jobId + ' for ' + names.join(', '));
      } catch (e) {
        report(output, false, e.message);
      }
    });
  }

  setUpForms();
  renderThings();
  ['shadows', 'jobs', 'ota', 'commands'].forEach((s) => renderers[s]());
  connect();
})();
