// Partners and API keys (SPEC §4): list, create or edit partners; create keys (the secret is shown
// once, here, and kept nowhere) and revoke them.
import { api, newIdempotencyKey } from './api.js';
import { pager, pageUrl } from './pager.js';
import { h, show, field, values, integerOrText, formError, action } from './ui.js';
import { reviewPut, send } from './writes.js';
import { t } from './i18n.js';

export function partnersView(main) {
  const body = h('tbody', {});
  const list = pager({ url: pageUrl('/v1/admin/partners', 50), render: items => body.replaceChildren(...items.map(p => h('tr', { 'data-partner': p.partnerId },
    h('td', { text: p.partnerId }), h('td', { text: p.name }), h('td', { text: show(p.rateLimit) }),
    h('td', {}, action('form.edit', () => { form.elements.partnerId.value = p.partnerId; form.elements.name.value = p.name; form.elements.rateLimit.value = p.rateLimit ?? ''; form.elements.partnerId.focus(); }))))) });
  const form = h('form', { class: 'grid', 'data-form': 'partner', onsubmit: e => e.preventDefault() },
    field('partnerId', 'partner.id'), field('name', 'partner.name'), field('rateLimit', 'partner.rateLimit', { hint: 'partner.rateHint' }),
    h('div', { class: 'buttons' }, action('form.review', save, { 'data-action': 'save-partner' })),
    formError());
  async function save() {
    const v = values(form);
    const result = await reviewPut(form, {
      path: `/v1/admin/partners/${encodeURIComponent(v.partnerId)}`, drop: ['partnerId'], title: 'partner.confirm',
      change: current => {
        const body = { ...current, name: v.name };
        delete body.rateLimit;
        if (v.rateLimit !== '') body.rateLimit = integerOrText(v.rateLimit);
        return body;
      },
    });
    if (result) { form.reset(); list.load(); }
  }
  main.replaceChildren(h('h1', { text: t('partners.title') }),
    h('table', {}, h('thead', {}, h('tr', {}, ['id', 'name', 'rateLimit', ''].map(c => h('th', { scope: 'col', text: c ? t(`partner.${c}`) : '' })))), body),
    list.controls,
    h('section', { 'aria-labelledby': 'partner-form' }, h('h2', { id: 'partner-form', text: t('partner.formTitle') }), form));
  list.load();
}

export function keysView(main) {
  const body = h('tbody', {});
  const list = pager({ url: pageUrl('/v1/admin/keys', 50), render: items => body.replaceChildren(...items.map(k => h('tr', { 'data-key': k.keyId },
    h('td', { text: k.keyId }), h('td', { text: k.role }), h('td', { text: show(k.partnerId) }), h('td', { text: show(k.campaignIds) }),
    h('td', { text: show(k.createdAt) }), h('td', { text: show(k.lastUsedAt) }), h('td', { text: t(k.revoked ? 'key.revoked' : 'key.active') }),
    h('td', {}, k.revoked ? '' : action('key.revoke', () => revoke(k), { 'data-action': 'revoke' }))))) });
  const secret = h('div', { class: 'secret', 'data-secret': '', hidden: true, role: 'status', tabindex: '-1' });
  const form = h('form', { class: 'grid', 'data-form': 'key', onsubmit: e => e.preventDefault() },
    field('role', 'key.role', { options: [['manager', 'role.manager'], ['viewer', 'role.viewer'], ['partner', 'role.partner']], value: 'viewer' }),
    field('partnerId', 'key.partnerId', { hint: 'key.partnerHint' }),
    field('campaignIds', 'key.campaignIds', { hint: 'key.campaignHint' }),
    h('div', { class: 'buttons' }, action('form.review', create, { 'data-action': 'create-key' })),
    formError());
  async function create() {
    const v = values(form);
    const request = { role: v.role };
    if (v.partnerId) request.partnerId = v.partnerId;
    if (v.campaignIds) request.campaignIds = v.campaignIds.split(',').map(x => x.trim()).filter(Boolean);
    secret.hidden = true;
    const result = await send(form, {
      title: t('key.confirmCreate'),
      rows: Object.entries(request).map(([k, x]) => [k, '—', show(x)]),
      request: () => api('POST', '/v1/admin/keys', { body: request, idempotencyKey: newIdempotencyKey() }),
    });
    if (!result) return;
    // Shown once: this answer is the only place the secret ever appears.
    secret.replaceChildren(h('p', { text: t('key.secretOnce', { key: result.body.keyId }) }), h('code', { 'data-secret-value': '', text: result.body.secret }));
    secret.hidden = false;
    secret.focus();
    form.reset();
    list.load();
  }
  async function revoke(k) {
    const result = await send(form, {
      title: t('key.confirmRevoke', { key: k.keyId }),
      rows: [['revoked', 'false', 'true']],
      request: () => api('DELETE', `/v1/admin/keys/${encodeURIComponent(k.keyId)}`, { idempotencyKey: newIdempotencyKey() }),
    });
    if (result) list.load();
  }
  main.replaceChildren(h('h1', { text: t('keys.title') }),
    h('table', {}, h('thead', {}, h('tr', {}, ['id', 'role', 'partnerId', 'campaignIds', 'createdAt', 'lastUsedAt', 'state', ''].map(c => h('th', { scope: 'col', text: c ? t(`key.${c}`) : '' })))), body),
    list.controls,
    h('section', { 'aria-labelledby': 'key-form' }, h('h2', { id: 'key-form', text: t('key.formTitle') }), form, secret));
  list.load();
}

