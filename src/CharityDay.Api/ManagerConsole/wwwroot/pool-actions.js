// The live controls of one pool (SPEC §8): top up, cut, pause, resume, ratio and caps, clawback.
import { api, newIdempotencyKey } from './api.js';
import { h, field, values, integerOrText, formError, action, yuan, show, clearErrors, showProblem, diffRows } from './ui.js';
import { send } from './writes.js';
import { t } from './i18n.js';

export const LIVE_FIELDS = ['ratioBps', 'perDonationCap', 'perDonorDailyCap', 'perDonorDailyCount', 'perProjectCap', 'dailyBudget', 'minDonation'];

/** A fresh read of the pool for the confirmation: its settings now, and the ETag the change is checked against. */
async function readPool(form, poolId) {
  try {
    return await api('GET', `/v1/admin/pools/${encodeURIComponent(poolId)}`);
  } catch (e) {
    showProblem(form, e);
    return null;
  }
}

function patch(poolId, body, etag) {
  return api('PATCH', `/v1/admin/pools/${encodeURIComponent(poolId)}`, { body, etag, idempotencyKey: newIdempotencyKey() });
}

/** The panel for `poolId`; `refresh()` is called after every write so the live view shows it at once. */
export function poolPanel(pool, refresh) {
  const poolId = pool.poolId;
  const summary = h('p', { class: 'pool-summary', 'data-pool-summary': poolId });

  const budgetForm = h('form', { class: 'inline', 'data-form': 'budget', onsubmit: e => e.preventDefault() },
    field('budgetDelta', 'pool.amountFen', { hint: 'pool.amountHint' }),
    h('div', { class: 'buttons' },
      action('pool.topUp', () => changeBudget(+1), { 'data-action': 'top-up' }),
      action('pool.cut', () => changeBudget(-1), { 'data-action': 'cut' })),
    formError());

  async function changeBudget(sign) {
    const text = values(budgetForm).budgetDelta;
    const magnitude = integerOrText(text);
    const delta = typeof magnitude === 'number' ? sign * magnitude : (sign < 0 && text ? `-${text}` : text);
    const read = await readPool(budgetForm, poolId);
    if (!read) return;
    const before = read.body;
    const after = typeof delta === 'number';
    const result = await send(budgetForm, {
      title: t(sign > 0 ? 'pool.confirmTopUp' : 'pool.confirmCut', { pool: poolId }),
      rows: [
        ['budget', yuan(before.budget), after ? yuan(before.budget + delta) : `${yuan(before.budget)} + ${text}`],
        ['remaining', yuan(before.remaining), after ? yuan(Math.max(0, before.budget + delta - before.matched)) : '?'],
      ],
      request: () => patch(poolId, { budgetDelta: delta }, read.etag),
    });
    if (result) { budgetForm.reset(); refresh(); }
  }

  const pauseForm = h('form', { class: 'inline', 'data-form': 'pause', onsubmit: e => e.preventDefault() },
    h('input', { type: 'hidden', name: 'paused' }),
    h('p', { class: 'field-error', 'data-error-for': 'paused', hidden: true }),
    h('div', { class: 'buttons' }, action('pool.pause', togglePause, { 'data-action': 'pause-toggle' })),
    formError());
  const pauseButton = pauseForm.querySelector('[data-action="pause-toggle"]');

  async function togglePause() {
    const read = await readPool(pauseForm, poolId);
    if (!read) return;
    const paused = !read.body.paused;
    const result = await send(pauseForm, {
      title: t(paused ? 'pool.confirmPause' : 'pool.confirmResume', { pool: poolId }),
      rows: [['paused', String(read.body.paused), String(paused)]],
      request: () => patch(poolId, { paused }, read.etag),
    });
    if (result) refresh();
  }

  const settingsForm = h('form', { class: 'grid', 'data-form': 'settings', onsubmit: e => e.preventDefault() },
    LIVE_FIELDS.map(name => field(name, `pool.${name}`, { value: pool[name] ?? '' })),
    h('div', { class: 'buttons' }, action('pool.reviewSettings', changeSettings, { 'data-action': 'settings' })),
    formError());

  async function changeSettings() {
    const read = await readPool(settingsForm, poolId);
    if (!read) return;
    const current = read.body;
    const typed = values(settingsForm);
    const body = {};
    for (const name of LIVE_FIELDS) {
      const now = current[name] === null || current[name] === undefined ? '' : String(current[name]);
      if (typed[name] !== now) body[name] = typed[name] === '' ? null : integerOrText(typed[name]);
    }
    const before = Object.fromEntries(Object.keys(body).map(k => [k, current[k] ?? null]));
    await send(settingsForm, {
      title: t('pool.confirmSettings', { pool: poolId }),
      rows: diffRows(before, body),
      request: () => patch(poolId, body, read.etag),
    }) && refresh();
  }

  const clawbackForm = h('form', { class: 'grid', 'data-form': 'clawback', onsubmit: e => e.preventDefault() },
    field('donorId', 'clawback.donorId'),
    field('partnerId', 'clawback.partnerId', { hint: 'clawback.partnerHint' }),
    field('reason', 'clawback.reason'),
    h('div', { class: 'buttons' }, action('clawback.review', clawback, { 'data-action': 'clawback' })),
    formError());

  async function clawback() {
    clearErrors(clawbackForm);
    const typed = values(clawbackForm);
    const body = { donorId: typed.donorId, reason: typed.reason };
    if (typed.partnerId) body.partnerId = typed.partnerId;
    const result = await send(clawbackForm, {
      title: t('clawback.confirm', { pool: poolId }),
      rows: [['donorId', '—', show(body.donorId)], ['partnerId', '—', body.partnerId ?? t('clawback.everyPartner')], ['reason', '—', show(body.reason)]],
      request: () => api('POST', `/v1/admin/pools/${encodeURIComponent(poolId)}/clawback`, { body, idempotencyKey: newIdempotencyKey() }),
    });
    if (result) { clawbackForm.reset(); refresh(); }
  }

  const panel = h('section', { class: 'panel', id: 'pool-panel', 'data-pool-panel': poolId, 'aria-labelledby': 'pool-panel-title', tabindex: '-1' },
    h('h3', { id: 'pool-panel-title', text: t('pool.panelTitle', { pool: poolId }) }),
    summary,
    h('h4', { text: t('pool.budgetSection') }), budgetForm,
    h('h4', { text: t('pool.pauseResume') }), pauseForm,
    h('h4', { text: t('pool.ratioAndCaps') }), settingsForm,
    h('h4', { text: t('clawback.title') }), clawbackForm);

  /** Called on every refresh with the pool's latest admin read: only text changes, so typing and focus survive. */
  function update(current) {
    summary.textContent = t('pool.summary', {
      budget: yuan(current.budget), remaining: yuan(current.remaining), matched: yuan(current.matched),
      ratio: show(current.ratioBps ?? current.randomRatioBps), state: t(current.paused ? 'pool.state.paused' : 'pool.state.active'),
    });
    pauseButton.textContent = t(current.paused ? 'pool.resume' : 'pool.pause');
  }
  update(pool);
  return { element: panel, update };
}
