// The console's shell: sign-in, navigation, language, and a hash router over the views.
import { session, probeRole, whenUnauthorized } from './api.js';
import { h, field, values, formError, showProblem, status } from './ui.js';
import { t, language, setLanguage, LANGUAGES } from './i18n.js';
import { campaignsView } from './campaigns.js';
import { campaignView } from './live.js';
import { reportsView } from './reports.js';
import { auditView } from './audit.js';
import { partnersView, keysView } from './access.js';

const main = document.getElementById('view');
let stopView = () => {};

function signInView() {
  const form = h('form', { class: 'grid narrow', 'data-form': 'signin', onsubmit: signIn },
    field('key', 'signin.key', { type: 'password', hint: 'signin.hint' }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', text: t('signin.submit') })),
    formError());
  async function signIn(event) {
    event.preventDefault();
    const key = values(form).key;
    try {
      const role = await probeRole(key);
      session.signIn(key, role);
      location.hash = '#/campaigns';
      render();
    } catch (e) {
      // A 401 or 403 here is about the key the manager typed: show it at the key field.
      if (e.status === 401 || e.status === 403) e.problem = { ...e.problem, field: 'key', errors: { key: [t(e.status === 401 ? 'signin.badKey' : 'signin.notManager')] } };
      showProblem(form, e);
    }
  }
  main.replaceChildren(h('h1', { text: t('signin.title') }), h('p', { text: t('signin.intro') }), form);
  form.elements.key.focus();
}

function renderNav() {
  const nav = document.getElementById('nav');
  const signedIn = Boolean(session.key);
  const links = signedIn
    ? [['#/campaigns', 'nav.campaigns'], ['#/audit', 'nav.audit'], ['#/partners', 'nav.partners'], ['#/keys', 'nav.keys']]
    : [];
  const current = location.hash.split('?')[0];
  nav.replaceChildren(
    h('ul', {}, links.map(([href, key]) => h('li', {}, h('a', { href, 'aria-current': current.startsWith(href) || (href === '#/campaigns' && current.startsWith('#/projects')) ? 'page' : undefined, text: t(key) })))),
    h('div', { class: 'session' },
      signedIn ? h('span', { class: `role ${session.role}`, 'data-role': session.role, text: t(`role.${session.role}`) }) : null,
      signedIn && !session.canAct ? h('span', { class: 'muted', text: t('viewer.readOnly') }) : null,
      h('label', { for: 'lang', class: 'visually-hidden', text: t('nav.language') }),
      h('select', { id: 'lang', onchange: e => { setLanguage(e.target.value); render(); } },
        LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === language(), text: name }))),
      signedIn ? h('button', { type: 'button', 'data-action': 'sign-out', text: t('nav.signOut'), onclick: () => { session.signOut(); location.hash = '#/'; render(); } }) : null));
}

export function render() {
  stopView();
  stopView = () => {};
  status('', 'info'); // a message belongs to the page it was said on
  document.documentElement.lang = language();
  document.title = t('app.title');
  document.getElementById('app-title').textContent = t('app.title');
  renderNav();
  const [path, queryText] = location.hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(queryText ?? '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (!session.key) { signInView(); return; }
  if (parts[0] === 'projects' && parts[1] && parts[2] === 'reports') stopView = reportsView(main, parts[1]);
  else if (parts[0] === 'campaigns' && parts[1]) stopView = campaignView(main, parts[1]);
  else if (parts[0] === 'audit') auditView(main, query);
  else if (parts[0] === 'partners') partnersView(main);
  else if (parts[0] === 'keys') keysView(main);
  else campaignsView(main);
}

whenUnauthorized(() => {
  // The key was revoked or is wrong: back to sign-in rather than a page of errors.
  session.signOut();
  location.hash = '#/';
  render();
});
window.addEventListener('hashchange', render);
render();
// A skip link would change the hash (the router's); a button moves focus instead.
document.getElementById('skip').addEventListener('click', () => main.focus());
