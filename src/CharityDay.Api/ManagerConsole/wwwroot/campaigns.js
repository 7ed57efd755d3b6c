// The campaigns a key may see, a page at a time, and a form to create one.
import { api } from './api.js';
import { h, show } from './ui.js';
import { campaignForm } from './catalog-forms.js';
import { t } from './i18n.js';

const PAGE = 20;

export function campaignsView(main) {
  const cursors = [null]; // the `after` of each page seen, so "previous" needs no server state
  const body = h('tbody', {});
  const message = h('p', { class: 'muted', role: 'status' });
  const prev = h('button', { type: 'button', text: t('page.previous'), onclick: () => { cursors.pop(); load(); } });
  const next = h('button', { type: 'button', text: t('page.next'), onclick: () => { cursors.push(next.dataset.after); load(); } });

  async function load() {
    const after = cursors.at(-1);
    try {
      const { body: page } = await api('GET', `/v1/admin/campaigns?limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      body.replaceChildren(...page.items.map(c => h('tr', { 'data-campaign': c.campaignId },
        h('td', {}, h('a', { href: `#/campaigns/${encodeURIComponent(c.campaignId)}`, text: c.campaignId })),
        h('td', { text: c.name }), h('td', { text: c.timeZone }), h('td', { text: show(c.startsAt) }), h('td', { text: show(c.endsAt) }))));
      message.textContent = page.items.length ? '' : t('campaigns.none');
      prev.disabled = cursors.length <= 1;
      next.disabled = !page.next;
      next.dataset.after = page.next ?? '';
    } catch (e) {
      message.textContent = `${e.status} ${e.problem.title} ${e.problem.detail ?? ''}`;
    }
  }

  main.replaceChildren(
    h('h1', { text: t('campaigns.title') }),
    h('table', {}, h('thead', {}, h('tr', {}, ['id', 'name', 'timeZone', 'startsAt', 'endsAt'].map(c => h('th', { scope: 'col', text: t(`campaign.${c}`) })))), body),
    message,
    h('div', { class: 'buttons' }, prev, next),
    h('section', { 'aria-labelledby': 'new-campaign' }, h('h2', { id: 'new-campaign', text: t('campaign.newTitle') }),
      campaignForm(id => { location.hash = `#/campaigns/${encodeURIComponent(id)}`; })));
  load();
}
