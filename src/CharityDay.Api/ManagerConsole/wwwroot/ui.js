// Small DOM helpers. Text from the API only ever goes in as text nodes (never innerHTML).
import { t } from './i18n.js';
import { session } from './api.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Fen as yuan with integer arithmetic only (SPEC §1: no floating point touches money). */
export function yuan(fen) {
  if (fen === null || fen === undefined) return '—';
  const negative = fen < 0;
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  const cents = String(abs % 100).padStart(2, '0');
  return `${negative ? '−' : ''}¥${whole}.${cents}`;
}

/**
 * Yuan as typed ("12", "12.5", "-0.30", "¥1234.56") to integer fen by splitting the text at the point,
 * never by multiplying a float (0.29 * 100 is 28.999999999999996). Anything else, or beyond 2^53 fen,
 * is null: the caller sends the text as typed and the API names the field.
 */
export function fenFromYuan(text) {
  const m = /^(-?)¥?(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim());
  if (!m) return null;
  const fen = Number(`${m[2]}${(m[3] ?? '').padEnd(2, '0')}`);
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] && fen !== 0 ? -fen : fen;
}

export function show(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

let ids = 0;

/**
 * A labelled input with a place for the API's message about it: problem+json names the field
 * (`field`, and `errors: {field: [messages]}`), and the message appears right under the input.
 */
export function field(name, labelKey, { value = '', type = 'text', hint, options, required } = {}) {
  const id = `f${++ids}-${name}`;
  const errorId = `${id}-error`;
  let input;
  if (options) {
    input = h('select', { id, name, 'aria-describedby': errorId },
      options.map(([v, key]) => h('option', { value: v, selected: String(v) === String(value) }, t(key))));
  } else if (type === 'checkbox') {
    input = h('input', { id, name, type, checked: Boolean(value), 'aria-describedby': errorId });
  } else {
    input = h('input', { id, name, type, value: value ?? '', required, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': errorId });
  }
  return h('div', { class: `field${type === 'checkbox' ? ' check' : ''}` },
    h('label', { for: id, text: t(labelKey) }),
    input,
    hint ? h('small', { class: 'hint', text: t(hint) }) : null,
    h('p', { class: 'field-error', id: errorId, 'data-error-for': name, hidden: true }));
}

/** The form's values: numbers where the text is an integer, so the API judges anything else and names the field. */
export function values(form) {
  const out = {};
  for (const el of form.querySelectorAll('input[name], select[name]')) {
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else out[el.name] = el.value.trim();
  }
  return out;
}

export function integerOrText(text) {
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const summary = form.querySelector('.form-error');
  if (summary) { summary.hidden = true; summary.textContent = ''; }
}

/** Shows an API error: each message at the field it names, the rest (and the title) above the buttons. */
export function showProblem(form, error) {
  clearErrors(form);
  const problem = error.problem ?? { title: String(error) };
  const errors = problem.errors && typeof problem.errors === 'object' ? { ...problem.errors } : {};
  if (problem.field && !errors[problem.field]) errors[problem.field] = [problem.detail ?? problem.title];
  const unplaced = [];
  let first = null;
  for (const [name, messages] of Object.entries(errors)) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    const text = `${name}: ${[].concat(messages).join('; ')}`;
    if (!slot) { unplaced.push(text); continue; }
    slot.textContent = text;
    slot.hidden = false;
    const input = slot.parentElement.querySelector('input, select');
    if (input) { input.setAttribute('aria-invalid', 'true'); first ??= input; }
  }
  const summary = form.querySelector('.form-error');
  if (summary) {
    const status = error.status ? `${error.status} ` : '';
    summary.textContent = [`${status}${problem.title ?? ''}`, ...(unplaced.length ? unplaced : [problem.detail].filter(Boolean)), hintFor(error.status)]
      .filter(Boolean).join(' — ');
    summary.hidden = false;
  }
  (first ?? summary)?.focus?.();
}

function hintFor(status) {
  if (status === 412) return t('error.stale');
  if (status === 403) return t('error.forbidden');
  return '';
}

export function formError() {
  return h('p', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
}

/** Manager-only controls: a viewer sees them disabled, and the API would refuse them anyway. */
export function action(labelKey, onclick, attrs = {}) {
  // One review at a time per control: a second Enter while the first is still reading is ignored
  // (disabling the button instead would throw a keyboard user's focus away).
  let busy = false;
  const run = async event => {
    if (busy) return;
    busy = true;
    button.setAttribute('aria-busy', 'true');
    try { await onclick(event); } finally { busy = false; button.removeAttribute('aria-busy'); }
  };
  const button = h('button', { type: 'button', ...attrs, onclick: run, disabled: !session.canAct, text: t(labelKey) });
  if (!session.canAct) button.title = t('viewer.readOnly');
  return button;
}

/**
 * Before/after, then confirm: nothing is sent until the manager confirms. `send` runs the write;
 * its error goes back to the caller's form (so it shows at the field), the dialog closes either way.
 */
export function confirmChange({ title, rows, send }) {
  const dialog = document.getElementById('confirm');
  const table = h('table', { class: 'diff' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('confirm.field') }), h('th', { scope: 'col', text: t('confirm.before') }), h('th', { scope: 'col', text: t('confirm.after') }))),
    h('tbody', {}, rows.map(([name, before, after]) =>
      h('tr', {}, h('th', { scope: 'row', text: name }), h('td', { text: before }), h('td', { text: after })))));
  return new Promise(resolve => {
    const cancel = h('button', { type: 'button', class: 'secondary', 'data-confirm': 'cancel', text: t('confirm.cancel') });
    const ok = h('button', { type: 'button', class: 'primary', 'data-confirm': 'ok', text: t('confirm.ok') });
    dialog.replaceChildren(
      h('h2', { id: 'confirm-title', text: title }),
      rows.length ? table : h('p', { text: t('confirm.noChange') }),
      h('div', { class: 'buttons' }, cancel, ok));
    dialog.setAttribute('aria-labelledby', 'confirm-title');
    let settled = false;
    const finish = value => { if (settled) return; settled = true; if (dialog.open) dialog.close(); resolve(value); };
    cancel.addEventListener('click', () => finish({ confirmed: false }));
    dialog.addEventListener('cancel', () => finish({ confirmed: false }), { once: true });
    ok.addEventListener('click', async () => {
      ok.disabled = true; cancel.disabled = true;
      try { finish({ confirmed: true, result: await send() }); }
      catch (error) { finish({ confirmed: true, error }); }
    });
    dialog.showModal();
    cancel.focus();
  });
}

/** Rows for the fields whose value differs between two objects. */
export function diffRows(before, after, format = show) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return keys
    .filter(k => JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after?.[k] ?? null))
    .map(k => [k, before ? format(before[k], k) : '—', format(after?.[k], k)]);
}

/** One line for a failed read: the API's problem, or what went wrong before an answer came (a network error, a page left mid-way). */
export function describeError(e) {
  return [e?.status || '', e?.problem?.title ?? e?.message ?? String(e), e?.problem?.detail ?? ''].filter(Boolean).join(' ');
}

export function status(message, kind = 'ok') {
  const region = document.getElementById('status');
  region.className = `status ${kind}`;
  region.textContent = message;
}

export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  const hours = Math.floor(s / 3600);
  return hours >= 48 ? `${Math.floor(hours / 24)}d ${hours % 24}h` : `${hours}h ${Math.floor((s % 3600) / 60)}m`;
}
