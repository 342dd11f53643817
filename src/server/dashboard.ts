/**
 * The dashboard: one page, no build step, served by the print service itself. It trades the
 * token in its URL's fragment (never sent to the server or its logs) for the session cookie,
 * then follows the spool live over server-sent events.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root { --ok:#1b7f3b; --warn:#a86b00; --bad:#b3261e; --mute:#666; --line:#ddd; font-family: system-ui, sans-serif; }
body { margin:0; background:#f6f6f4; color:#222; }
header { display:flex; align-items:center; gap:1rem; padding:.75rem 1rem; background:#222; color:#fff; }
header h1 { font-size:1.1rem; margin:0; flex:1; }
#live { font-size:.85rem; }
main { padding:1rem; display:grid; gap:1rem; max-width:1200px; margin:auto; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.75rem 1rem; }
h2 { font-size:1rem; margin:.25rem 0 .75rem; }
#printers { display:grid; grid-template-columns:repeat(auto-fill,minmax(210px,1fr)); gap:.75rem; }
.printer { border:2px solid var(--line); border-radius:8px; padding:.6rem .8rem; }
.printer[data-ready=true] { border-color:var(--ok); }
.printer[data-ready=false] { border-color:var(--bad); }
.printer[data-reason="paper near end"] { border-color:var(--warn); }
.printer b { display:block; font-size:1.05rem; }
.reason { font-weight:600; }
.age { color:var(--mute); font-size:.8rem; }
table { width:100%; border-collapse:collapse; font-size:.95rem; }
th, td { text-align:left; padding:.45rem .4rem; border-bottom:1px solid var(--line); }
tr.job { cursor:pointer; }
tr.job:hover { background:#f0f4ff; }
.state { font-weight:600; }
.state-needs-attention, .state-failed { color:var(--bad); }
.state-retrying, .state-queued, .state-sending, .state-confirming { color:var(--warn); }
.state-printed { color:var(--ok); }
#detail[hidden] { display:none; }
#detail .cols { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,320px); gap:1rem; }
#detail img { max-width:100%; border:1px solid var(--line); background:#fff; }
.actions { display:flex; flex-wrap:wrap; gap:.5rem; margin:.5rem 0; }
button { font-size:1rem; padding:.55rem .9rem; border-radius:6px; border:1px solid #888; background:#fff; cursor:pointer; min-height:44px; }
button.primary { background:#222; color:#fff; }
dialog { border:1px solid #888; border-radius:8px; max-width:420px; width:90vw; }
dialog label { display:block; margin:.5rem 0; }
dialog input { width:100%; font-size:1rem; padding:.45rem; box-sizing:border-box; }
#message { min-height:1.2em; color:var(--bad); }
@media (max-width:700px) { #detail .cols { grid-template-columns:1fr; } .hide-narrow { display:none; } }
`;

const SCRIPT = `
const OWED = ['queued','sending','confirming','retrying','needs-attention','failed'];
const $ = (s) => document.querySelector(s);
let selected = null;

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, credentials: 'same-origin',
    headers: { 'x-receipt-spool': '1', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers || {}) } });
  if (response.status === 401) { showLogin(); throw new Error('not signed in'); }
  if (!response.ok) { const p = await response.json().catch(() => ({})); throw new Error(p.detail || response.statusText); }
  return response.status === 204 ? null : response.json();
}

async function signIn() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return;
  history.replaceState(null, '', location.pathname);
  const response = await fetch('/api/session', { method: 'POST', credentials: 'same-origin', headers: { authorization: 'Bearer ' + token } });
  if (!response.ok) $('#message').textContent = 'The token in the link was refused.';
}

function showLogin() { $('#message').textContent = 'Not signed in: open the link that receipt-spool serve printed (it carries the token).'; }

const text = (value) => value === null || value === undefined ? '' : String(value);
function cell(row, value, cls) { const td = row.insertCell(); td.textContent = text(value); if (cls) td.className = cls; return td; }
function ago(ms) { if (!ms) return 'never'; const s = Math.max(0, Math.round((Date.now() - ms) / 1000)); return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s/60) + ' min ago' : Math.round(s/3600) + ' h ago'; }
function time(ms) { return ms ? new Date(ms).toLocaleString() : ''; }

async function refresh() {
  const [{ printers }, owed, recent] = await Promise.all([
    api('/api/printers'), api('/api/receipts?state=' + OWED.join(',') + '&limit=200'), api('/api/receipts?state=printed&limit=25')]);
  const grid = $('#printers'); grid.replaceChildren();
  for (const p of printers) {
    const card = document.createElement('div'); card.className = 'printer';
    card.dataset.ready = String(p.ready); card.dataset.reason = p.reason; card.dataset.printer = p.printer;
    const name = document.createElement('b'); name.textContent = p.printer;
    const reason = document.createElement('div'); reason.className = 'reason'; reason.textContent = p.ready ? (p.reason === 'ok' ? 'ready' : 'ready: ' + p.reason) : p.reason;
    const age = document.createElement('div'); age.className = 'age'; age.textContent = 'seen ' + ago(p.observedAt);
    card.append(name, reason, age); grid.append(card);
  }
  if (printers.length === 0) grid.textContent = 'No printer has reported yet.';
  fill($('#owed tbody'), owed.jobs, 'Every authorised transaction has its receipt.');
  fill($('#recent tbody'), recent.jobs, 'Nothing printed yet.');
  if (selected) await showJob(selected);
}

function fill(body, jobs, empty) {
  body.replaceChildren();
  for (const job of jobs) {
    const row = body.insertRow(); row.className = 'job'; row.dataset.transaction = job.transactionId;
    cell(row, job.transactionId); cell(row, job.state, 'state state-' + job.state); cell(row, job.printer);
    cell(row, job.lastErrorMessage || job.guarantee, 'hide-narrow'); cell(row, ago(job.updatedAt), 'hide-narrow');
    row.onclick = () => showJob(job.transactionId);
  }
  if (jobs.length === 0) { const row = body.insertRow(); const td = cell(row, empty); td.colSpan = 5; }
}

async function showJob(transactionId) {
  selected = transactionId;
  const { job, history, reprints } = await api('/api/receipts/' + encodeURIComponent(transactionId));
  $('#detail').hidden = false;
  $('#detail h2').textContent = 'Transaction ' + job.transactionId + ' — ' + job.state + (job.kind === 'reprint' ? ' (copy)' : '');
  const body = $('#history tbody'); body.replaceChildren();
  for (const h of history) { const row = body.insertRow(); cell(row, time(h.at)); cell(row, (h.fromState || '—') + ' → ' + h.toState); cell(row, h.errorCode || h.guarantee); cell(row, h.message); }
  const list = $('#reprints'); list.replaceChildren();
  for (const r of reprints) { const li = document.createElement('li'); li.textContent = time(r.at) + ': ' + r.by + ' — ' + r.reason; list.append(li); }
  const image = $('#receipt-image'); image.src = '/api/receipts/' + encodeURIComponent(transactionId) + '/image.png?at=' + job.updatedAt;
}

function ask(title, fields) {
  const dialog = $('#ask'); $('#ask h3').textContent = title;
  const form = $('#ask form'); form.querySelectorAll('label.extra').forEach((l) => l.remove());
  for (const field of fields) { const label = document.createElement('label'); label.className = 'extra'; label.textContent = field.label; const input = document.createElement('input'); input.name = field.name; input.required = true; label.append(input); $('#ask .fields').append(label); }
  dialog.showModal();
  return new Promise((resolve) => { dialog.onclose = () => resolve(dialog.returnValue === 'ok' ? Object.fromEntries(new FormData(form)) : null); });
}

async function act(action) {
  if (!selected) return;
  const extra = action === 'move' ? [{ name: 'to', label: 'Move to printer' }] : [];
  const answer = await ask(action[0].toUpperCase() + action.slice(1) + ' ' + selected, extra);
  if (!answer) return;
  try {
    await api('/api/receipts/' + encodeURIComponent(selected) + '/' + action, { method: 'POST', body: JSON.stringify(answer) });
    $('#message').textContent = '';
    await refresh();
  } catch (error) { $('#message').textContent = action + ' failed: ' + error.message; }
}

function follow() {
  const events = new EventSource('/api/events');
  events.onopen = () => { $('#live').textContent = '● live'; };
  const update = () => refresh().catch(() => {});
  events.addEventListener('change', update);
  events.addEventListener('printers', update);
  events.onerror = () => { $('#live').textContent = '○ reconnecting…'; };
}

document.querySelectorAll('[data-action]').forEach((b) => b.addEventListener('click', () => act(b.dataset.action)));
$('#ask form').addEventListener('submit', (e) => { e.preventDefault(); $('#ask').close('ok'); });
$('#ask [value=cancel]').addEventListener('click', () => $('#ask').close('cancel'));
signIn().then(refresh).then(follow).catch((error) => { if (error.message !== 'not signed in') $('#message').textContent = error.message; });
`;

/** Only this page's own script and style run: an injected `<script>` in a receipt's data would not. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src '${hash(SCRIPT)}'`,
  `style-src '${hash(STYLE)}'`,
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function hash(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>receipt-spool</title><style>${STYLE}</style></head>
<body>
<header><h1>receipt-spool</h1><span id="live">○ connecting…</span></header>
<main>
<div id="message" role="alert"></div>
<section><h2>Printers</h2><div id="printers"></div></section>
<section><h2>Receipts owed (paid, not yet printed)</h2>
<table id="owed"><thead><tr><th>Transaction</th><th>State</th><th>Printer</th><th class="hide-narrow">Last error</th><th class="hide-narrow">Updated</th></tr></thead><tbody></tbody></table></section>
<section id="detail" hidden><h2></h2>
<div class="actions"><button data-action="reprint" class="primary">Reprint</button><button data-action="retry">Retry</button><button data-action="cancel">Cancel</button><button data-action="move">Move…</button></div>
<div class="cols"><div><table id="history"><thead><tr><th>When</th><th>Change</th><th>Code</th><th>Detail</th></tr></thead><tbody></tbody></table>
<h3>Reprints</h3><ul id="reprints"></ul></div>
<div><img id="receipt-image" alt="the receipt as the printer prints it"></div></div></section>
<section><h2>Recently printed</h2>
<table id="recent"><thead><tr><th>Transaction</th><th>State</th><th>Printer</th><th class="hide-narrow">Guarantee</th><th class="hide-narrow">Updated</th></tr></thead><tbody></tbody></table></section>
</main>
<dialog id="ask"><form method="dialog"><h3></h3><div class="fields">
<label>Your name <input name="by" required autocomplete="name"></label>
<label>Why <input name="reason" required></label></div>
<div class="actions"><button value="ok" class="primary">Confirm</button><button value="cancel" formnovalidate>Cancel</button></div></form></dialog>
<script>${SCRIPT}</script>
</body></html>`;
}
