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

// SPEC §3 and §7: every field of a pool's PUT the form shows (randomRatioBps apart, as a min–max pair).
// A pool's other settings (ones the server adds later) are kept from the read, as for every PUT.
export const POOL_FIELDS = ['sponsor', 'budget', 'ratioBps', 'perDonationCap', 'perDonorDailyCap', 'perDonorDailyCount', 'perDonorMinuteCount',
  'perProjectCap', 'dailyBudget', 'dailyOpensAt', 'minDonation', 'projectIds', 'startsAt', 'endsAt', 'priority', 'paused',
  'pledgesOnly', 'firstChargeOnly', 'merchantGifts', 'pointsProgram', 'fenPer1000Points'];
const POOL_NUMBERS = ['budget', 'ratioBps', 'perDonationCap', 'perDonorDailyCap', 'perDonorDailyCount', 'perDonorMinuteCount',
  'perProjectCap', 'dailyBudget', 'minDonation', 'priority', 'fenPer1000Points'];
const POOL_CHECKS = ['paused', 'pledgesOnly', 'firstChargeOnly', 'merchantGifts'];
const POOL_HINTS = {
  projectIds: 'hint.projectIds', startsAt: 'hint.instant', endsAt: 'hint.instant',
  pointsProgram: 'hint.pointsProgram', fenPer1000Points: 'hint.fenPer1000Points',
};
const RANDOM = 'randomRatioBps';
const POOL_USAGE = ['poolId', 'matched', 'remaining', 'matchedToday', 'matchCount'];

/** The random ratio as two inputs whose names are the API's (randomRatioBps.min, .max), so its errors land at them. */
function randomRatioField() {
  return h('fieldset', { class: 'range', 'data-range': RANDOM },
    h('legend', { text: t('pool.randomRatioBps') }),
    field(`${RANDOM}.min`, 'pool.randomMin'),
    field(`${RANDOM}.max`, 'pool.randomMax'),
    h('small', { class: 'hint', text: t('hint.randomRatio') }),
    h('p', { class: 'field-error', 'data-error-for': RANDOM, hidden: true }));
}

/** {min, max} when either is typed (integers as numbers, the rest as typed for the API to judge); else nothing. */
function typedRange(form) {
  const all = values(form);
  const min = all[`${RANDOM}.min`];
  const max = all[`${RANDOM}.max`];
  if (min === '' && max === '') return {};
  const range = {};
  if (min !== '') range.min = integerOrText(min);
  if (max !== '') range.max = integerOrText(max);
  return { [RANDOM]: range };
}

export function poolForm(campaignId, onSaved) {
  const form = h('form', { class: 'grid', 'data-form': 'pool', onsubmit: e => e.preventDefault() },
    field('poolId', 'pool.id'),
    POOL_FIELDS.flatMap(name => [
      field(name, `pool.${name}`, { type: POOL_CHECKS.includes(name) ? 'checkbox' : 'text', hint: POOL_HINTS[name] }),
      name === 'ratioBps' ? randomRatioField() : null,
    ]),
    h('div', { class: 'buttons' }, action('form.review', save, { 'data-action': 'save-pool' })),
    formError());
  async function save() {
    const id = values(form).poolId;
    const result = await reviewPut(form, {
      path: `/v1/admin/pools/${enc(id)}`, drop: POOL_USAGE, title: 'pool.confirmPut',
      // The form shows the ratio both ways: what is typed replaces both (the API takes one or the other).
      change: current => JSON.parse(JSON.stringify({
        ...merged(current, [...POOL_FIELDS, RANDOM], { ...typed(form, POOL_FIELDS, { numbers: POOL_NUMBERS, lists: ['projectIds'] }), ...typedRange(form) }),
        campaignId,
      })),
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
    form.elements[`${RANDOM}.min`].value = pool[RANDOM]?.min ?? '';
    form.elements[`${RANDOM}.max`].value = pool[RANDOM]?.max ?? '';
    form.elements.poolId.focus();
  }
  return { element: form, edit };
}
