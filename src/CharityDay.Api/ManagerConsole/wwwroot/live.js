// One campaign, live (SPEC §8): totals from the public snapshot, each pool from the admin read
// (read-your-writes), refreshed every second; rates from the deltas between refreshes.
import { api, listAll } from './api.js';
import { h, yuan, show, duration, action, describeError } from './ui.js';
import { lineChart, legend } from './chart.js';
import { poolPanel } from './pool-actions.js';
import { projectForm, poolForm, campaignForm } from './catalog-forms.js';
import { t } from './i18n.js';

export const REFRESH_MS = 1000;
const HISTORY_SECONDS = 300; // the chart keeps the last five minutes…
const MIN_WINDOW_SECONDS = 60; // …and shows at least one, so a fresh view is not a sliver at the right edge
const RATE_WINDOW_SECONDS = 10; // rates average over this much history, so one slow refresh does not spike them

const enc = encodeURIComponent;

// Per campaign, kept while the page is open: switching language or page and back keeps the chart.
const histories = new Map();

export function campaignView(main, campaignId) {
  if (!histories.has(campaignId)) histories.set(campaignId, []);
  const samples = histories.get(campaignId); // {at, donationCount, poolViews, pools: {poolId: {matched, remaining}}}
  const rows = new Map();
  let panel = null;
  let stopped = false;
  let timer = null;
  let running = false;
  let again = false;
  let pendingOpen = null; // a pool just created opens once a refresh has read it

  const title = h('h1', { text: t('live.title', { campaign: campaignId }) });
  const totals = h('dl', { class: 'totals' },
    ['raised', 'matched', 'rate', 'donationCount', 'projectCount'].map(key => h('div', {},
      h('dt', { text: t(`live.${key}`) }), h('dd', { 'data-total': key, text: '—' }))));
  const freshness = h('p', { class: 'muted', 'data-freshness': '', text: t('live.waiting') });
  const charts = h('div', { class: 'charts' });
  const poolBody = h('tbody', {});
  const poolTable = h('table', { class: 'pools' },
    h('caption', { class: 'visually-hidden', text: t('live.pools') }),
    h('thead', {}, h('tr', {}, ['pool', 'sponsor', 'budget', 'remaining', 'matched', 'matchedToday', 'spendRate', 'emptyIn', 'state', 'actions']
      .map(c => h('th', { scope: 'col', text: t(`live.col.${c}`) })))),
    poolBody);
  const panelSlot = h('div', {});
  const projectsBody = h('tbody', {});
  const projects = projectForm(campaignId, () => loadProjects());
  const pools = poolForm(campaignId, id => { pendingOpen = id; tick(); });

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/campaigns', text: t('nav.back') }), ' · ',
      h('a', { href: `#/audit?campaignId=${enc(campaignId)}`, text: t('live.auditLink') })),
    title, freshness, totals,
    h('section', { 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title', text: t('live.charts') }), charts),
    h('section', { 'aria-labelledby': 'pools-title' }, h('h2', { id: 'pools-title', text: t('live.pools') }), poolTable, panelSlot),
    h('section', { 'aria-labelledby': 'pool-form-title' }, h('h2', { id: 'pool-form-title', text: t('pool.formTitle') }), pools.element),
    h('section', { 'aria-labelledby': 'projects-title' }, h('h2', { id: 'projects-title', text: t('project.title') }),
      h('table', {}, h('thead', {}, h('tr', {}, ['id', 'name', 'organization', 'status', 'goal', ''].map(c => h('th', { scope: 'col', text: c ? t(`project.${c}`) : '' })))), projectsBody),
      h('h3', { text: t('project.formTitle') }), projects.element),
    h('section', { 'aria-labelledby': 'campaign-form-title' }, h('h2', { id: 'campaign-form-title', text: t('campaign.editTitle') }), h('div', { 'data-campaign-form': '' })));

  async function loadCampaign() {
    try {
      const { body } = await api('GET', `/v1/admin/campaigns/${enc(campaignId)}`);
      title.textContent = t('live.title', { campaign: `${body.name} (${campaignId})` });
      // The manager may have left the page while the read was on its way.
      main.querySelector('[data-campaign-form]')?.replaceChildren(campaignForm(() => loadCampaign(), body));
    } catch (e) {
      freshness.textContent = describeError(e);
    }
  }

  async function loadProjects() {
    try {
      const items = await listAll(`/v1/admin/campaigns/${enc(campaignId)}/projects`);
      projectsBody.replaceChildren(...items.map(p => h('tr', { 'data-project': p.projectId },
        h('td', { text: p.projectId }), h('td', { text: p.name }), h('td', { text: show(p.organization) }),
        h('td', { text: t(`project.${p.status}`) }), h('td', { text: p.goal === null ? '—' : yuan(p.goal) }),
        h('td', { class: 'row-actions' }, action('form.edit', () => projects.edit(p)), ' ',
          h('a', { href: `#/projects/${enc(p.projectId)}/reports`, 'data-action': 'reports', 'aria-label': t('project.reportsOf', { project: p.projectId }), text: t('project.reports') })))));
    } catch (e) {
      projectsBody.replaceChildren(h('tr', {}, h('td', { colspan: 6, text: describeError(e) })));
    }
  }

  function open(poolId) {
    const latest = samples.at(-1)?.poolViews?.[poolId];
    if (!latest) return;
    panel = poolPanel(latest, () => tick());
    panel.element.append(h('p', {}, action('pool.editAll', () => pools.edit(samples.at(-1).poolViews[poolId] ?? latest), { 'data-action': 'edit-pool' })));
    panelSlot.replaceChildren(panel.element);
    panel.element.focus();
  }

  function rateOf(pick) {
    const last = samples.at(-1);
    const first = samples.find(s => last.at - s.at <= RATE_WINDOW_SECONDS) ?? last;
    const seconds = last.at - first.at;
    if (seconds <= 0) return null;
    const a = pick(first);
    const b = pick(last);
    return a === undefined || b === undefined ? null : Math.max(0, (b - a) / seconds);
  }

  function row(pool) {
    let tr = rows.get(pool.poolId);
    if (!tr) {
      const manage = h('button', { type: 'button', 'data-action': 'manage', text: t('live.manage'), onclick: () => open(pool.poolId) });
      manage.setAttribute('aria-label', t('live.managePool', { pool: pool.poolId }));
      tr = h('tr', { 'data-pool': pool.poolId },
        ['pool', 'sponsor', 'budget', 'remaining', 'matched', 'matchedToday', 'spendRate', 'emptyIn', 'state'].map(c => h('td', { 'data-col': c })),
        h('td', {}, manage));
      rows.set(pool.poolId, tr);
      poolBody.append(tr);
    }
    return tr;
  }

  function render(publicView) {
    const last = samples.at(-1);
    if (publicView) {
      totals.querySelector('[data-total="raised"]').textContent = yuan(publicView.raised);
      totals.querySelector('[data-total="matched"]').textContent = yuan(publicView.matched);
      totals.querySelector('[data-total="donationCount"]').textContent = String(publicView.donationCount);
      totals.querySelector('[data-total="projectCount"]').textContent = String(publicView.projectCount);
      const rate = rateOf(s => s.donationCount);
      totals.querySelector('[data-total="rate"]').textContent = rate === null ? '—' : rate.toFixed(1);
      freshness.textContent = t('live.updated', { time: new Date().toLocaleTimeString() });
    } else {
      freshness.textContent = t('live.noSnapshot');
    }
    for (const pool of Object.values(last.poolViews)) {
      const tr = row(pool);
      const spend = rateOf(s => s.pools[pool.poolId]?.matched);
      const cells = {
        pool: pool.poolId, sponsor: pool.sponsor, budget: yuan(pool.budget), remaining: yuan(pool.remaining),
        matched: yuan(pool.matched), matchedToday: yuan(pool.matchedToday),
        spendRate: spend === null ? '—' : `${yuan(Math.round(spend))}/s`,
        emptyIn: pool.remaining === 0 ? t('live.emptyNow') : spend ? duration(pool.remaining / spend) : '—',
        state: t(pool.paused ? 'pool.state.paused' : 'pool.state.active'),
      };
      for (const [c, text] of Object.entries(cells)) tr.querySelector(`[data-col="${c}"]`).textContent = text;
    }
    if (pendingOpen && last.poolViews[pendingOpen]) {
      const id = pendingOpen;
      pendingOpen = null;
      open(id);
    }
    if (panel) {
      const current = last.poolViews[panel.element.dataset.poolPanel];
      if (current) panel.update(current);
    }
    drawCharts(last.at);
  }

  function drawCharts(now) {
    const rate = [];
    for (let i = 1; i < samples.length; i++) {
      const [a, b] = [samples[i - 1], samples[i]];
      if (a.donationCount !== undefined && b.donationCount !== undefined && b.at > a.at) {
        rate.push([b.at, Math.max(0, (b.donationCount - a.donationCount) / (b.at - a.at))]);
      }
    }
    const windowSeconds = Math.min(HISTORY_SECONDS, Math.max(MIN_WINDOW_SECONDS, now - samples[0].at));
    const poolIds = Object.keys(samples.at(-1).poolViews);
    const remaining = poolIds.map(id => ({ name: id, points: samples.filter(s => s.pools[id]).map(s => [s.at, s.pools[id].remaining]) }));
    charts.replaceChildren(
      h('figure', {}, h('figcaption', { text: t('live.chartRate') }),
        lineChart({ title: t('live.chartRate'), series: [{ name: 'donations/s', points: rate }], now, windowSeconds, format: v => v.toFixed(1) })),
      h('figure', {}, h('figcaption', { text: t('live.chartRemaining') }),
        lineChart({ title: t('live.chartRemaining'), series: remaining, now, windowSeconds, format: v => yuan(Math.round(v)) }),
        legend(poolIds)));
  }

  /** One refresh at a time: a write asking for one while another runs gets the next straight after. */
  async function tick() {
    if (running) { again = true; return; }
    running = true;
    clearTimeout(timer);
    try {
      const at = performance.now() / 1000;
      const [publicView, poolList] = await Promise.all([
        api('GET', `/v1/campaigns/${enc(campaignId)}`).then(r => r.body, e => (e.status === 404 ? null : Promise.reject(e))),
        listAll(`/v1/admin/campaigns/${enc(campaignId)}/pools`),
      ]);
      const reads = await Promise.all(poolList.map(p => api('GET', `/v1/admin/pools/${enc(p.poolId)}`).then(r => r.body)));
      if (stopped) return;
      const poolViews = Object.fromEntries(reads.map(p => [p.poolId, p]));
      samples.push({
        at, poolViews, donationCount: publicView?.donationCount,
        pools: Object.fromEntries(reads.map(p => [p.poolId, { matched: p.matched, remaining: p.remaining }])),
      });
      while (samples.length > 1 && at - samples[0].at > HISTORY_SECONDS) samples.shift();
      render(publicView);
    } catch (e) {
      freshness.textContent = t('live.error', { error: `${e.status ?? ''} ${e.problem?.title ?? e}` });
    } finally {
      running = false;
      if (!stopped) timer = setTimeout(tick, again ? 0 : REFRESH_MS);
      again = false;
    }
  }

  loadCampaign();
  loadProjects();
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}
