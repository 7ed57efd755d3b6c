// The tamper-evident audit log (SPEC §4), oldest first, a page at a time.
import { api } from './api.js';
import { h, show, field, values, formError, showProblem, clearErrors } from './ui.js';
import { t } from './i18n.js';

export function auditView(main, query) {
  const cursors = [null];
  const body = h('tbody', {});
  const form = h('form', { class: 'inline', 'data-form': 'audit', onsubmit: e => { e.preventDefault(); cursors.length = 1; load(); } },
    field('campaignId', 'audit.campaign', { value: query.get('campaignId') ?? '' }),
    field('limit', 'audit.limit', { value: query.get('limit') ?? '50' }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', text: t('audit.show') })),
    formError());
  const prev = h('button', { type: 'button', text: t('page.previous'), onclick: () => { cursors.pop(); load(); } });
  const next = h('button', { type: 'button', text: t('page.next'), 'data-action': 'next-page', onclick: () => { cursors.push(next.dataset.after); load(); } });
  const where = h('p', { class: 'muted', role: 'status' });

  async function load() {
    clearErrors(form);
    const { campaignId, limit } = values(form);
    const params = new URLSearchParams();
    if (campaignId) params.set('campaignId', campaignId);
    if (limit) params.set('limit', limit);
    if (cursors.at(-1)) params.set('after', cursors.at(-1));
    try {
      const { body: page } = await api('GET', `/v1/admin/audit?${params}`);
      body.replaceChildren(...page.items.map(e => h('tr', { 'data-seq': e.seq, 'data-audit-action': e.action },
        h('td', { text: e.seq }), h('td', { text: e.at }), h('td', { text: e.keyId }), h('td', { text: e.action }),
        h('td', { text: e.target }), h('td', { text: show(e.campaignId) }),
        h('td', {}, h('details', {}, h('summary', { text: t('audit.changes') }),
          h('pre', { text: `${t('confirm.before')}: ${JSON.stringify(e.before, null, 1)}\n${t('confirm.after')}: ${JSON.stringify(e.after, null, 1)}` }))),
        h('td', { class: 'hash', title: e.hash, text: e.hash.slice(0, 12) }))));
      where.textContent = page.items.length ? t('audit.showing', { first: page.items[0].seq, last: page.items.at(-1).seq }) : t('audit.none');
      prev.disabled = cursors.length <= 1;
      next.disabled = !page.next;
      next.dataset.after = page.next ?? '';
    } catch (e) {
      showProblem(form, e);
    }
  }

  main.replaceChildren(
    h('h1', { text: t('audit.title') }), form,
    h('table', { class: 'audit' }, h('thead', {}, h('tr', {}, ['seq', 'at', 'keyId', 'action', 'target', 'campaignId', 'changes', 'hash']
      .map(c => h('th', { scope: 'col', text: t(`audit.col.${c}`) })))), body),
    where, h('div', { class: 'buttons' }, prev, next));
  load();
}
