// SPEC §4 lists, a page at a time ({items, next}); "previous" replays the cursors seen, so it needs no server state.
import { api } from './api.js';
import { h, describeError } from './ui.js';
import { t } from './i18n.js';

/** `url(after)` names a page; `render(items, page)` draws it; `onError(e)` shows a refusal (default: in the pager's own line). */
export function pager({ url, render, onError, empty = 'list.empty' }) {
  const cursors = [null];
  const message = h('p', { class: 'muted', role: 'status' });
  const prev = h('button', { type: 'button', 'data-action': 'previous-page', text: t('page.previous'), onclick: () => { cursors.pop(); load(); } });
  const next = h('button', { type: 'button', 'data-action': 'next-page', text: t('page.next'), onclick: () => { cursors.push(next.dataset.after); load(); } });
  async function load({ reset = false } = {}) {
    if (reset) cursors.length = 1;
    try {
      const { body } = await api('GET', url(cursors.at(-1)));
      render(body.items, body);
      message.textContent = body.items.length ? '' : t(empty);
      prev.disabled = cursors.length <= 1;
      next.disabled = !body.next;
      next.dataset.after = body.next ?? '';
    } catch (e) {
      if (onError) onError(e);
      else message.textContent = describeError(e);
    }
  }
  return { load, controls: h('div', {}, message, h('div', { class: 'buttons' }, prev, next)) };
}

/** `path?limit=N&after=…` for the simple lists. */
export function pageUrl(path, limit) {
  return after => `${path}?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
}
