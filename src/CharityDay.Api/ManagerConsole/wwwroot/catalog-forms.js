// Create or edit campaigns, projects and pools with PUT (SPEC §4), each reviewed before it is sent.
import { h, field, values, integerOrText, formError, action } from './ui.js';
import { reviewPut } from './writes.js';
import { t } from './i18n.js';

const enc = encodeURIComponent;

/** Only what was typed: an empty box is "not given" (the PUT's default), never an empty string. */
function typed(form, names, { numbers = [], lists = [] } = {}) {
  const all = values(form);
  const out = {};
  for (const name of names) {
    const v = all[name];
    if (typeof v === 'boolean') out[name] = v;
    else if (v === '') continue;
    else if (lists.includes(name)) out[name] = v.split(',').map(x => x.trim()).filter(Boolean);
    else out[name] = numbers.includes(name) ? integerOrText(v) : v;
  }
  return out;
}

/** Replaces the form's shown fields with what was typed; settings it does not show stay as they are. */
function merged(current, shown, given) {
  const out = { ...current };
  for (const name of shown) delete out[name];
  return { ...out, ...given };
}

export function campaignForm(onSaved, campaign = {}) {
  const shown = ['name', 'timeZone', 'startsAt', 'endsAt'];
  const form = h('form', { class: 'grid', 'data-form': 'campaign', onsubmit: e => e.preventDefault() },
    field('campaignId', 'campaign.id', { value: campaign.campaignId ?? '' }),
    field('name', 'campaign.name', { value: campaign.name ?? '' }),
    field('timeZone', 'campaign.timeZone', { value: campaign.timeZone ?? 'Asia/Shanghai' }),
    field('startsAt', 'campaign.startsAt', { value: campaign.startsAt ?? '', hint: 'hint.instant' }),
    field('endsAt', 'campaign.endsAt', { value: campaign.endsAt ?? '', hint: 'hint.instant' }),
    h('div', { class: 'buttons' }, action('form.review', save, { 'data-action': 'save-campaign' })),
    formError());
  async function save() {
    const id = values(form).campaignId;
    const result = await reviewPut(form, {
      path: `/v1/admin/campaigns/${enc(id)}`, drop: ['campaignId'], title: 'campaign.confirm',
      change: current => merged(current, shown, typed(form, shown)),
    });
    if (result) onSaved(id);
  }
  return form;
}

export function projectForm(campaignId, onSaved) {
  const shown = ['name', 'organization', 'parentProjectId', 'goal', 'status'];
  const form = h('form', { class: 'grid', 'data-form': 'project', onsubmit: e => e.preventDefault() },
    field('projectId', 'project.id'),
    field('name', 'project.name'),
    field('organization', 'project.organization'),
    field('parentProjectId', 'project.parent'),
    field('goal', 'project.goal'),
    field('status', 'project.status', { options: [['open', 'project.open'], ['closed', 'project.closed']], value: 'open' }),
    h('div', { class: 'buttons' }, action('form.review', save, { 'data-action': 'save-project' })),
    formError());
  async function save() {
    const id = values(form).projectId;
    const result = await reviewPut(form, {
      path: `/v1/admin/projects/${enc(id)}`, drop: ['projectId'], title: 'project.confirm',
      change: current => ({ ...merged(current, shown, typed(form, shown, { numbers: ['goal'] })), campaignId }),
    });
    if (result) onSaved();
  }
  function edit(project) {
    for (const name of ['projectId', ...shown]) form.elements[name].value = project[name] ?? '';
    form.elements.projectId.focus();
  }
  return { element: form, edit };
}

export const POOL_FIELDS = ['sponsor', 'budget', 'ratioBps', 'perDonationCap', 'perDonorDailyCap', 'perDonorDailyCount', 'perDonorMinuteCount',
  'perProjectCap', 'dailyBudget', 'dailyOpensAt', 'minDonation', 'projectIds', 'startsAt', 'endsAt', 'priority', 'paused'];
const POOL_NUMBERS = ['budget', 'ratioBps', 'perDonationCap', 'perDonorDailyCap', 'perDonorDailyCount', 'perDonorMinuteCount',
  'perProjectCap', 'dailyBudget', 'minDonation', 'priority'];
const POOL_USAGE = ['poolId', 'matched', 'remaining', 'matchedToday', 'matchCount'];

export function poolForm(campaignId, onSaved) {
  const form = h('form', { class: 'grid', 'data-form': 'pool', onsubmit: e => e.preventDefault() },
    field('poolId', 'pool.id'),
    POOL_FIELDS.map(name => field(name, `pool.${name}`, {
      type: name === 'paused' ? 'checkbox' : 'text',
      hint: name === 'projectIds' ? 'hint.projectIds' : name.endsWith('At') && name !== 'dailyOpensAt' ? 'hint.instant' : undefined,
    })),
    h('div', { class: 'buttons' }, action('form.review', save, { 'data-action': 'save-pool' })),
    formError());
  async function save() {
    const id = values(form).poolId;
    const result = await reviewPut(form, {
      path: `/v1/admin/pools/${enc(id)}`, drop: POOL_USAGE, title: 'pool.confirmPut',
      change: current => {
        const given = typed(form, POOL_FIELDS, { numbers: POOL_NUMBERS, lists: ['projectIds'] });
        // A fixed ratio typed here replaces a random one (the API takes one or the other).
        const base = given.ratioBps !== undefined ? { ...current, randomRatioBps: undefined } : current;
        return JSON.parse(JSON.stringify({ ...merged(base, POOL_FIELDS, given), campaignId }));
      },
    });
    if (result) onSaved(id);
  }
  function edit(pool) {
    form.elements.poolId.value = pool.poolId;
    for (const name of POOL_FIELDS) {
      const input = form.elements[name];
      if (input.type === 'checkbox') input.checked = Boolean(pool[name]);
      else input.value = Array.isArray(pool[name]) ? pool[name].join(', ') : pool[name] ?? '';
    }
    form.elements.poolId.focus();
  }
  return { element: form, edit };
}
