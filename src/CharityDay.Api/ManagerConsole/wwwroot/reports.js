// One project's use of funds (SPEC §6): raised, matched and spent side by side, its reports a page at a
// time (the public list, oldest first), and for a manager the form to file another.
import { api, session } from './api.js';
import { h, yuan, status, describeError } from './ui.js';
import { pager, pageUrl } from './pager.js';
import { reportForm } from './report-form.js';
import { t } from './i18n.js';

const enc = encodeURIComponent;
const PAGE = 20;
export const TOTALS_REFRESH_MS = 1000;
/** How long a filing's own answer outranks the public read that has not caught up with it (snapshots lag ≤ 1 s). */
const OWN_ANSWER_MS = 5000;

/** The evidence as a link only when it is https (the API accepts nothing else); anything else stays text. */
function evidence(url) {
  if (!url) return '—';
  let https = false;
  try { https = new URL(url).protocol === 'https:'; } catch { https = false; }
  return https ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank', class: 'evidence', text: url }) : url;
}

function reportRow(r) {
  return h('tr', { 'data-report': r.reportId },
    h('td', { text: r.at }),
    h('td', {}, h('span', { text: r.title }), h('br'), h('small', { class: 'muted', text: r.reportId })),
    h('td', { 'data-col': 'spent', text: yuan(r.spent) }),
    h('td', {}, r.items?.length
      ? h('ul', { class: 'report-items' }, r.items.map(i => h('li', { text: `${i.description} × ${i.quantity} ${i.unit}` })))
      : '—'),
    h('td', {}, evidence(r.evidenceUrl)));
}

export function reportsView(main, projectId) {
  let stopped = false;
  let timer = null;
  let own = null; // {spent, minCount, until}: a filing's answer, shown until the public read has it

  const title = h('h1', { text: t('reports.title', { project: projectId }) });
  const back = h('p', {}, h('a', { href: '#/campaigns', text: t('nav.back') }));
  const totals = h('dl', { class: 'totals' },
    ['raised', 'matched', 'spent', 'available', 'reportCount'].map(key => h('div', {},
      h('dt', { text: t(`reports.${key}`) }), h('dd', { 'data-total': key, text: '—' }))));
  const freshness = h('p', { class: 'muted', 'data-freshness': '', text: t('live.waiting') });
  const body = h('tbody', {});
  const list = pager({ url: pageUrl(`/v1/projects/${enc(projectId)}/reports`, PAGE), empty: 'reports.none', render: items => body.replaceChildren(...items.map(reportRow)) });
  let latest = null;

  const formSlot = session.canAct
    ? h('section', { 'aria-labelledby': 'report-form-title' },
      h('h2', { id: 'report-form-title', text: t('report.formTitle') }),
      reportForm(projectId, { readProject, onFiled }))
    : h('p', { class: 'muted', 'data-read-only': '', text: t('reports.viewerNote') });

  main.replaceChildren(back, title, h('p', { class: 'muted', text: t('reports.intro') }), freshness, totals,
    h('section', { 'aria-labelledby': 'reports-list-title' },
      h('h2', { id: 'reports-list-title', text: t('reports.listTitle') }),
      h('table', { class: 'reports' },
        h('thead', {}, h('tr', {}, ['at', 'title', 'spent', 'items', 'evidence'].map(c => h('th', { scope: 'col', text: t(`reports.col.${c}`) })))),
        body),
      list.controls),
    formSlot);

  /** The project's public totals (raised, matched, spent, reportCount); null while the public read does not know it yet. */
  async function readProject() {
    try {
      return (await api('GET', `/v1/projects/${enc(projectId)}`)).body;
    } catch (e) {
      if (e.status === 404) return null;
      throw e;
    }
  }

  function showTotals(project) {
    latest = project;
    let spent = project.spent;
    let count = project.reportCount;
    if (own && (project.reportCount < own.minCount && Date.now() < own.until)) {
      spent = own.spent;
      count = own.minCount;
    } else {
      own = null;
    }
    const cells = {
      raised: yuan(project.raised), matched: yuan(project.matched), spent: yuan(spent),
      available: yuan(project.raised + project.matched - spent), reportCount: String(count),
    };
    for (const [key, text] of Object.entries(cells)) totals.querySelector(`[data-total="${key}"]`).textContent = text;
  }

  function onFiled(answer, replayed) {
    status(t(replayed ? 'report.replayed' : 'report.filed', { spent: yuan(answer.spent) }), 'ok');
    // A new report is in the ledger now; the public totals show it within a second.
    if (!replayed && latest) {
      own = { spent: answer.spent, minCount: latest.reportCount + 1, until: Date.now() + OWN_ANSWER_MS };
      showTotals(latest);
    }
    list.load();
  }

  async function loadSettings() {
    try {
      const { body: p } = await api('GET', `/v1/admin/projects/${enc(projectId)}`);
      title.textContent = t('reports.title', { project: `${p.name} (${projectId})` });
      back.replaceChildren(h('a', { href: `#/campaigns/${enc(p.campaignId)}`, text: t('reports.back', { campaign: p.campaignId }) }));
    } catch (e) {
      freshness.textContent = describeError(e);
    }
  }

  async function tick() {
    try {
      const project = await readProject();
      if (stopped) return;
      if (project) {
        showTotals(project);
        freshness.textContent = t('live.updated', { time: new Date().toLocaleTimeString() });
      } else {
        freshness.textContent = t('reports.noSnapshot');
      }
    } catch (e) {
      freshness.textContent = t('live.error', { error: `${e.status ?? ''} ${e.problem?.title ?? e}` });
    } finally {
      if (!stopped) timer = setTimeout(tick, TOTALS_REFRESH_MS);
    }
  }

  loadSettings();
  list.load();
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}
