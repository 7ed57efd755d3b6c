// The one way the console changes anything: read the current settings and their ETag, show
// before/after, confirm, then send with an Idempotency-Key and If-Match (SPEC §4 "Safe administration").
import { api, newIdempotencyKey } from './api.js';
import { confirmChange, diffRows, showProblem, clearErrors, status } from './ui.js';
import { t } from './i18n.js';

/** Settings as the PUT takes them: without the id in the path, running totals, or nulls (absent = default). */
export function putBody(settings, drop) {
  const out = {};
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (!drop.includes(k) && v !== null && v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Create or replace at `path`: the current resource (404 = a new one) gives "before" and the ETag;
 * `change(current)` builds the body from it, so settings the form does not show are kept.
 */
export async function reviewPut(form, { path, drop, change, title }) {
  clearErrors(form);
  let before = null;
  let etag = null;
  try {
    const read = await api('GET', path);
    before = putBody(read.body, drop);
    etag = read.etag;
  } catch (e) {
    if (e.status !== 404) { showProblem(form, e); return false; }
  }
  const body = change(before ?? {});
  return send(form, {
    title: t(title),
    rows: diffRows(before, body),
    request: () => api('PUT', path, { body, etag, idempotencyKey: newIdempotencyKey() }),
  });
}

/** Shows the confirmation, sends on confirm; the API's error lands on the form's fields. */
export async function send(form, { title, rows, request }) {
  const outcome = await confirmChange({ title, rows, send: request });
  if (!outcome.confirmed) { status(t('status.cancelled'), 'info'); return false; }
  if (outcome.error) { showProblem(form, outcome.error); status(t('status.refused'), 'error'); return false; }
  clearErrors(form);
  status(t('status.saved'), 'ok');
  return outcome.result;
}
