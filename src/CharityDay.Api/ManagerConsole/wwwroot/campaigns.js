// The campaigns a key may see, a page at a time, and a form to create one.
import { pager, pageUrl } from './pager.js';
import { h, show } from './ui.js';
import { campaignForm } from './catalog-forms.js';
import { t } from './i18n.js';

const PAGE = 20;

export function campaignsView(main) {
  const body = h('tbody', {});
  const list = pager({
    url: pageUrl('/v1/admin/campaigns', PAGE), empty: 'campaigns.none',
    render: items => body.replaceChildren(...items.map(c => h('tr', { 'data-campaign': c.campaignId },
      h('td', {}, h('a', { href: `#/campaigns/${encodeURIComponent(c.campaignId)}`, text: c.campaignId })),
      h('td', { text: c.name }), h('td', { text: c.timeZone }), h('td', { text: show(c.startsAt) }), h('td', { text: show(c.endsAt) })))),
  });
  main.replaceChildren(
    h('h1', { text: t('campaigns.title') }),
    h('table', {}, h('thead', {}, h('tr', {}, ['id', 'name', 'timeZone', 'startsAt', 'endsAt'].map(c => h('th', { scope: 'col', text: t(`campaign.${c}`) })))), body),
    list.controls,
    h('section', { 'aria-labelledby': 'new-campaign' }, h('h2', { id: 'new-campaign', text: t('campaign.newTitle') }),
      campaignForm(id => { location.hash = `#/campaigns/${encodeURIComponent(id)}`; })));
  list.load();
}
