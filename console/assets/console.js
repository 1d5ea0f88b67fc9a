// cellarhand console: the little script the server-rendered pages need. It keeps the page live
// (re-reads its live parts every few seconds, swapping them only when they changed), asks for
// confirmation where a button says so, posts each request with the page's CSRF token, and shows
// the order's answer. No framework, no build step; served from /console/assets.
(() => {
  'use strict';

  /** The inbox and an open order show changes within this plus the server's short cache (< 5 s). */
  const POLL_MS = 2500;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  /** The container naming the URL of the page's live parts (`data-live-part` elements inside it). */
  const live = document.querySelector('[data-live]');
  const dialog = document.getElementById('action-dialog');
  /** Buttons whose request is on its way, by id: they stay disabled when the live part is redrawn. */
  const inFlight = new Set();

  // ---- live updates ----
  let etag = null;
  let polling = false;

  async function refresh() {
    if (!live || polling || document.hidden) return;
    polling = true;
    try {
      const headers = { accept: 'text/html', 'x-requested-with': 'console' };
      if (etag) headers['if-none-match'] = etag;
      const res = await fetch(live.dataset.live, { headers, cache: 'no-store', credentials: 'same-origin' });
      if (res.status === 401) return signedOut();
      if (res.status === 304) return liveState(true);
      if (!res.ok) return liveState(false);
      etag = res.headers.get('etag');
      swap(await res.text());
      liveState(true);
    } catch {
      liveState(false);
    } finally {
      polling = false;
    }
  }

  /** Replaces each live part with its new version, keeping keyboard focus where it was and in-flight buttons disabled. */
  function swap(markup) {
    const focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.id : null;
    const incoming = document.createElement('template');
    incoming.innerHTML = markup;
    for (const part of incoming.content.children) {
      const target = live.querySelector(`[data-live-part="${part.dataset.part}"]`);
      if (target) target.replaceChildren(...part.childNodes);
    }
    for (const id of inFlight) {
      const button = document.getElementById(id);
      if (button) button.disabled = true;
    }
    if (focused) document.getElementById(focused)?.focus();
  }

  function liveState(ok) {
    let note = document.getElementById('live-note');
    if (ok) {
      note?.remove();
      return;
    }
    if (!note) {
      note = document.createElement('p');
      note.id = 'live-note';
      note.className = 'banner';
      note.setAttribute('role', 'status');
      live.before(note);
    }
    note.textContent = 'Live updates paused: cellarhand did not answer. Trying again…';
  }

  function signedOut() {
    if (document.getElementById('signed-out')) return;
    const note = document.createElement('p');
    note.id = 'signed-out';
    note.className = 'banner problem';
    note.setAttribute('role', 'alert');
    const link = document.createElement('a');
    link.href = `/console/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`;
    link.textContent = 'Sign in again';
    note.append('Your session has ended. ', link);
    document.getElementById('main')?.prepend(note);
  }

  if (live) {
    setInterval(refresh, POLL_MS);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) void refresh();
    });
  }

  // ---- actions ----
  /** One id per opened dialog or click: the same form sent twice is one request to the order. */
  function newRequestId() {
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.action') : null;
    if (!button || button.disabled) return;
    event.preventDefault();
    if (button.dataset.confirmTitle) openDialog(button);
    else void send(button, { requestId: newRequestId() });
  });

  let pending = null;
  const part = (id) => document.getElementById(id);

  function openDialog(button) {
    if (!dialog) return;
    pending = { button, requestId: newRequestId() };
    const field = button.dataset.field;
    part('action-dialog-title').textContent = button.dataset.confirmTitle;
    part('action-dialog-text').textContent = button.dataset.confirmText ?? '';
    const confirm = part('action-dialog-confirm');
    confirm.textContent = button.dataset.confirmButton ?? 'Confirm';
    confirm.classList.toggle('danger', 'danger' in button.dataset);
    confirm.disabled = false;
    const text = part('action-dialog-field');
    text.value = '';
    text.required = Boolean(field);
    text.closest('.field').hidden = !field;
    dialog.querySelector('label[for="action-dialog-field"]').textContent = button.dataset.fieldLabel ?? '';
    dialog.showModal();
    (field ? text : confirm).focus();
  }

  dialog?.querySelector('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const confirm = part('action-dialog-confirm');
    // The second click of a double click finds the button disabled: one request, once.
    if (!pending || confirm.disabled) return;
    confirm.disabled = true;
    confirm.textContent = 'Working…';
    const { button, requestId } = pending;
    const field = button.dataset.field;
    const body = { requestId };
    if (field) body[field] = part('action-dialog-field').value.trim();
    await send(button, body);
    pending = null;
    dialog.close();
  });
  part('action-dialog-cancel')?.addEventListener('click', () => {
    pending = null;
    dialog.close();
  });

  async function send(button, extra) {
    const result = document.querySelector(button.dataset.result);
    const label = button.textContent.replace('…', '').trim();
    const body = { ...(button.dataset.body ? JSON.parse(button.dataset.body) : {}), ...extra };
    inFlight.add(button.id);
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    show(result, 'waiting', `${label}: asking…`);
    try {
      const res = await fetch(button.dataset.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
      if (res.status === 401) signedOut();
      const answer = await res.json().catch(() => ({ summary: `cellarhand answered HTTP ${res.status}.`, tone: 'refused' }));
      show(result, answer.tone ?? (res.ok ? 'ok' : 'refused'), answer.summary ?? answer.error ?? `HTTP ${res.status}`, answer.lines);
    } catch {
      show(result, 'refused', `${label}: no answer from cellarhand (is the network down?). Look at the order before trying again.`);
    } finally {
      inFlight.delete(button.id);
      const current = document.getElementById(button.id) ?? button;
      current.disabled = false;
      current.removeAttribute('aria-busy');
      etag = null;
      void refresh();
    }
  }

  function show(region, tone, summary, lines) {
    if (!region) return;
    region.className = `result tone-${tone}`;
    const head = document.createElement('p');
    head.textContent = summary;
    region.replaceChildren(head);
    if (Array.isArray(lines) && lines.length) {
      const list = document.createElement('ul');
      for (const line of lines) {
        const item = document.createElement('li');
        item.textContent = line;
        list.append(item);
      }
      region.append(list);
    }
  }
})();
