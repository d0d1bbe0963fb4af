// The search page: POST /v1/search, then each hit's image through GET /v1/images/..., fetched with
// the bearer token when the server needs one (kept in sessionStorage) and shown from a blob URL.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const status = (text, isError) => {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : 'muted';
  };
  const headers = (extra) => {
    const h = Object.assign({}, extra || {});
    const t = sessionStorage.getItem('tbps-token');
    if (t) h['Authorization'] = 'Bearer ' + t;
    return h;
  };
  const needToken = () => { $('auth').hidden = false; $('token').focus(); };
  let shown = [];

  async function info() {
    const r = await fetch('/v1/info', { headers: headers() });
    if (r.status === 401) { needToken(); return; }
    if (!r.ok) return;
    const i = await r.json();
    $('info').textContent = i.size + ' images indexed, model ' + (i.model || '') +
        ' (' + String(i.model_sha256 || '').slice(0, 12) + ')';
  }

  async function search(ev) {
    ev.preventDefault();
    const query = $('q').value.trim();
    if (!query) { status('Type a description first.', true); return; }
    const k = parseInt($('k').value, 10) || 20;
    status('Searching…');
    let r;
    try {
      r = await fetch('/v1/search', {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json' }),
        body: JSON.stringify({ query: query, k: k, exact: $('exact').checked })
      });
    } catch (e) { status('The server did not answer: ' + e, true); return; }
    const body = await r.json().catch(() => null);
    if (r.status === 401) { needToken(); status('This server needs its token.', true); return; }
    if (!r.ok) { status((body && body.error && body.error.message) || ('HTTP ' + r.status), true); return; }
    shown.forEach((u) => URL.revokeObjectURL(u));
    shown = [];
    const results = $('results');
    results.replaceChildren();
    for (const h of body.hits) {
      const fig = document.createElement('figure');
      fig.className = 'hit';
      fig.dataset.path = h.path;
      fig.dataset.id = h.id === null ? '' : String(h.id);
      fig.dataset.rank = String(h.rank);
      const img = document.createElement('img');
      img.alt = h.path;
      img.title = 'score ' + h.score.toFixed(4) + '\n' + h.path + (h.id === null ? '' : '\nid ' + h.id);
      const cap = document.createElement('figcaption');
      cap.textContent = h.rank + '. ' + h.score.toFixed(3);
      cap.title = img.title;
      fig.append(img, cap);
      results.append(fig);
      fetch(h.image, { headers: headers() })
        .then((ir) => ir.ok ? ir.blob() : Promise.reject(ir.status))
        .then((b) => { const u = URL.createObjectURL(b); shown.push(u); img.src = u; })
        .catch(() => { img.alt = 'image unavailable'; });
    }
    status(body.hits.length + ' results in ' + body.took_ms.toFixed(1) + ' ms (' + body.mode + ')');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('form').addEventListener('submit', search);
    $('save-token').addEventListener('click', () => {
      sessionStorage.setItem('tbps-token', $('token').value.trim());
      $('auth').hidden = true;
      info();
    });
    info();
  });
})();
