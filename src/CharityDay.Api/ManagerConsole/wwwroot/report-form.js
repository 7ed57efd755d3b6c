// A manager files a use-of-funds report (SPEC §6): typed in yuan, sent in fen, confirmed as the
// project's spent before → after, then POSTed once (idempotent by reportId, and by Idempotency-Key).
import { api, newIdempotencyKey } from './api.js';
import { h, field, values, integerOrText, formError, action, yuan, show, fenFromYuan, clearErrors } from './ui.js';
import { send } from './writes.js';
import { t } from './i18n.js';

const ITEM_PARTS = ['description', 'quantity', 'unit'];

/** A report id nobody has used: the manager may keep it or type their own (a retry with the same id is a replay). */
export function freshReportId() {
  return `report-${newIdempotencyKey()}`;
}

/** Now, as RFC 3339 with the browser's own offset (e.g. 2026-12-03T18:30:00+08:00): the API wants an offset. */
export function nowWithOffset(date = new Date()) {
  const pad = n => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
    + `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/**
 * The form for `projectId`. `readProject()` answers the project's public totals now (null while the
 * public read does not know it yet); `onFiled(answer)` gets the API's answer ({report, spent}).
 */
export function reportForm(projectId, { readProject, onFiled }) {
  const itemRows = h('div', { class: 'items', 'data-items': '' });
  let rows = [];

  const form = h('form', { class: 'grid', 'data-form': 'report', onsubmit: e => e.preventDefault() },
    field('reportId', 'report.reportId', { value: freshReportId(), hint: 'report.reportIdHint' }),
    field('at', 'report.at', { value: nowWithOffset(), hint: 'hint.instant' }),
    field('title', 'report.title'),
    field('spent', 'report.spentYuan', { hint: 'report.spentHint' }),
    field('evidenceUrl', 'report.evidenceUrl', { hint: 'report.evidenceHint' }),
    h('fieldset', { class: 'items-set' },
      h('legend', { text: t('report.items') }),
      h('p', { class: 'field-error', 'data-error-for': 'items', hidden: true }),
      itemRows,
      h('button', { type: 'button', 'data-action': 'add-item', text: t('report.addItem'), onclick: () => addItem() })),
    h('div', { class: 'buttons' }, action('report.review', review, { 'data-action': 'review-report' })),
    formError());

  /** The rows as typed; each row's inputs carry the API's names (items[0].quantity…) so an error lands at its input. */
  function typedRows() {
    return rows.map((_, i) => Object.fromEntries(ITEM_PARTS.map(part => [part, form.elements[`items[${i}].${part}`].value.trim()])));
  }

  function drawRows(typed) {
    rows = typed;
    itemRows.replaceChildren(...typed.map((row, i) => h('div', { class: 'item-row', 'data-item-row': i },
      ITEM_PARTS.map(part => field(`items[${i}].${part}`, `report.item.${part}`, { value: row[part] })),
      h('button', {
        type: 'button', class: 'secondary', 'data-action': 'remove-item', 'aria-label': t('report.removeItemN', { n: i + 1 }),
        text: t('report.removeItem'), onclick: () => removeItem(i),
      }))));
  }

  function addItem() {
    drawRows([...typedRows(), { description: '', quantity: '', unit: '' }]);
    form.elements[`items[${rows.length - 1}].description`].focus();
  }

  function removeItem(index) {
    const typed = typedRows();
    typed.splice(index, 1);
    drawRows(typed);
    // Focus stays nearby: the row that took this one's place, else the add button.
    const next = itemRows.querySelectorAll('[data-action=remove-item]')[Math.min(index, rows.length - 1)];
    (next ?? form.querySelector('[data-action=add-item]')).focus();
  }

  /** The request as typed: empty boxes are left out (the API says what is required), integers as numbers. */
  function body() {
    const v = values(form);
    const out = { reportId: v.reportId, at: v.at, title: v.title };
    if (v.spent !== '') out.spent = fenFromYuan(v.spent) ?? v.spent;
    const items = typedRows()
      .filter(row => ITEM_PARTS.some(part => row[part] !== ''))
      .map(row => Object.fromEntries(ITEM_PARTS.filter(part => row[part] !== '')
        .map(part => [part, part === 'quantity' ? integerOrText(row[part]) : row[part]])));
    if (items.length) out.items = items;
    if (v.evidenceUrl !== '') out.evidenceUrl = v.evidenceUrl;
    return out;
  }

  async function review() {
    clearErrors(form);
    const request = body();
    let project = null;
    try { project = await readProject(); } catch { project = null; }
    const amount = typeof request.spent === 'number' ? request.spent : null;
    const before = project ? project.spent : null;
    const after = before !== null && amount !== null ? yuan(before + amount) : '?';
    const result = await send(form, {
      title: t('report.confirm', { project: projectId }),
      rows: [
        [t('report.projectSpent'), before === null ? '—' : yuan(before), after],
        [t('report.reported'), '—', amount === null ? show(request.spent) : yuan(amount)],
        [t('report.bound'), project ? yuan(project.raised + project.matched) : '—', project ? yuan(project.raised + project.matched) : '—'],
        ['reportId', '—', show(request.reportId)],
        ['at', '—', show(request.at)],
        ['title', '—', show(request.title)],
        ['items', '—', request.items ? request.items.map(i => `${show(i.description)} × ${show(i.quantity)} ${show(i.unit)}`).join('; ') : '—'],
        ['evidenceUrl', '—', show(request.evidenceUrl)],
      ],
      request: () => api('POST', `/v1/admin/projects/${encodeURIComponent(projectId)}/reports`, { body: request, idempotencyKey: newIdempotencyKey() }),
    });
    if (!result) return;
    onFiled(result.body, result.status === 200);
    form.reset();
    form.elements.reportId.value = freshReportId();
    form.elements.at.value = nowWithOffset();
    drawRows([]);
  }

  drawRows([]);
  return form;
}
