// Every call the console makes goes through here: the same API and rules as curl (SPEC §4, §8).
// The key lives in sessionStorage only: gone when the tab closes, never in localStorage or a cookie.

const KEY_ITEM = 'charityday.console.key';
const ROLE_ITEM = 'charityday.console.role';

export const session = {
  get key() { return sessionStorage.getItem(KEY_ITEM); },
  get role() { return sessionStorage.getItem(ROLE_ITEM); },
  get canAct() { return sessionStorage.getItem(ROLE_ITEM) === 'manager'; },
  signIn(key, role) {
    sessionStorage.setItem(KEY_ITEM, key);
    sessionStorage.setItem(ROLE_ITEM, role);
  },
  signOut() {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(ROLE_ITEM);
  },
};

/** An answer other than 2xx, carrying the RFC 9457 problem the API sent (or one made up from the status). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

/**
 * One request. Writes may carry an Idempotency-Key (a retry then applies once) and If-Match with
 * the ETag the change was reviewed against (another manager's change in between is a 412).
 */
export async function api(method, path, { body, etag, idempotencyKey, key } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const bearer = key ?? session.key;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-Match'] = etag;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { title: 'network', detail: String(e) });
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!response.ok) {
    const problem = json && typeof json === 'object' ? json : { status: response.status, title: response.statusText, detail: text };
    if (response.status === 401 && !key) onUnauthorized();
    throw new ApiError(response.status, problem);
  }
  return { status: response.status, body: json, etag: response.headers.get('ETag') };
}

/** Every item of a paged admin list ({items, next}), a bounded number of pages. */
export async function listAll(path, maxPages = 20) {
  const items = [];
  let after = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const { body } = await api('GET', `${path}${sep}limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...body.items);
    if (!body.next) break;
    after = body.next;
  }
  return items;
}

/** A fresh Idempotency-Key; randomUUID needs a secure context, so plain http on a LAN falls back to getRandomValues. */
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Which role a key has, without a who-am-I call (SPEC §4 has none) and without changing anything:
 * an admin read tells a manager or viewer from anything else, and a PATCH of a pool whose id can
 * never exist ("!" is not an identifier) is refused 403 for a viewer before the id is even read,
 * and 400 for a manager. Neither answer leaves a trace.
 */
export async function probeRole(key) {
  await api('GET', '/v1/admin/campaigns?limit=1', { key }); // 401 bad key, 403 partner key
  try {
    await api('PATCH', '/v1/admin/pools/!', { key, body: {} });
  } catch (e) {
    if (e.status === 403) return 'viewer';
    if (e.status === 400) return 'manager';
    throw e;
  }
  throw new ApiError(500, { title: 'unexpected answer to the role probe' });
}
