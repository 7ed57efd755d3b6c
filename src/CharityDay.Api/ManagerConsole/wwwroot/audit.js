// The tamper-evident audit log (SPEC §4), oldest first, a page at a time.
import { pager } from './pager.js';
import { h, show, field, values, formError, showProblem, clearErrors } from './ui.js';
import { t } from './i18n.js';

export function auditView(main, query) {
  const body = h('tbody', {});
  const where = h('p', { class: 'muted', role: 'status' });
  const form = h('form', { class: 'inline', 'data-form': 'audit', onsubmit: e => { e.preventDefault(); list.load({ reset: true }); } },
    field('campaignId', 'audit.campaign', { value: query.get('campaignId') ?? '' }),
    field('limit', 'audit.limit', { value: query.get('limit') ?? '50' }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', text: t('audit.show') })),
    formError());
  const list = pager({
    empty: 'audit.none',
    url: after => {
      clearErrors(form);
      const { campaignId, limit } = values(form);
      const params = new URLSearchParams();
      if (campaignId) params.set('campaignId', campaignId);
      if (limit) params.set('limit', limit);
      if (after) params.set('after', after);
      return `/v1/admin/audit?${params}`;
    },
    render: items => {
      body.replaceChildren(...items.map(e => h('tr', { 'data-seq': e.seq, 'data-audit-action': e.action },
        h('td', { text: e.seq }), h('td', { text: e.at }), h('td', { text: e.keyId }), h('td', { text: e.action }),
        h('td', { text: e.target }), h('td', { text: show(e.campaignId) }),
        h('td', {}, h('details', {}, h('summary', { text: t('audit.changes') }),
          h('pre', { text: `${t('confirm.before')}: ${JSON.stringify(e.before, null, 1)}\n${t('confirm.after')}: ${JSON.stringify(e.after, null, 1)}` }))),
        h('td', { class: 'hash', title: e.hash, text: e.hash.slice(0, 12) }))));
      where.textContent = items.length ? t('audit.showing', { first: items[0].seq, last: items.at(-1).seq }) : '';
    },
    // A refused filter (a bad campaign id or limit) is shown at its field.
    onError: e => showProblem(form, e),
  });

  main.replaceChildren(
    h('h1', { text: t('audit.title') }), form,
    h('table', { class: 'audit' }, h('thead', {}, h('tr', {}, ['seq', 'at', 'keyId', 'action', 'target', 'campaignId', 'changes', 'hash']
      .map(c => h('th', { scope: 'col', text: t(`audit.col.${c}`) })))), body),
    where, list.controls);
  list.load();
}
