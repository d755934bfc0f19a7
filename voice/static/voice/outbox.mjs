// The phone's outbox: voice notes and typed visit drafts made with no signal wait here (IndexedDB) and go to the
// server in the order they were made. Shared by the pages (outbox-page.mjs, recorder.mjs) and the service worker,
// which holds this file's text inline (voice.views.service_worker), so it uses no DOM and no imports, and names
// what it shares in the one export line at the end.
//
// Each entry: clientId (made here: the note's id, sent so a resend is stored once), seq (the order it was made),
// visitKey (the visit's idempotency key, shared by every entry for one visit), visitId once known, visit (typed
// fields, when the entry carries any), basedOn (the visit's version the page showed), audio, and, when the server
// refused it, refused (the reason). A refused entry stays until the worker discards it or tries again; later
// entries for the same visit wait behind it, so changes to one visit never arrive out of order. Other visits go on.

const DB_NAME = "hearth";
const ENTRIES = "outbox";
const META = "meta";
const REQUEST_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 180_000; // a long note on a weak signal
const NOT_FIELDS = new Set(["child", "idempotency_key"]);

// --- The store ----------------------------------------------------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      // Version 1 had the entries only; what waited then keeps waiting (ordered by when it was made).
      const db = request.result;
      if (!db.objectStoreNames.contains(ENTRIES)) db.createObjectStore(ENTRIES, { keyPath: "clientId" });
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: "key" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStores(mode, action) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction([ENTRIES, META], mode);
    let result;
    action(tx.objectStore(ENTRIES), tx.objectStore(META), (value) => (result = value));
    tx.oncomplete = () => {
      db.close();
      resolve(result);
    };
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const read = (store, key) => inStores("readonly", (entries, meta, give) => {
  const request = (store === META ? meta : entries).get(key);
  request.onsuccess = () => give(store === META ? request.result?.value : request.result);
});
const putEntry = (entry) => inStores("readwrite", (entries) => entries.put(entry));
const deleteEntry = (clientId) => inStores("readwrite", (entries) => entries.delete(clientId));
const putMeta = (key, value) => inStores("readwrite", (entries, meta) => meta.put({ key, value }));

/** Every entry, in the order it was made (entries from before the sequence existed first, by time). */
async function entriesInOrder() {
  const all = await inStores("readonly", (entries, meta, give) => {
    const request = entries.getAll();
    request.onsuccess = () => give(request.result);
  });
  return all.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || String(a.createdAt).localeCompare(String(b.createdAt)));
}

/** Keep an entry, numbered in one transaction so that two pages saving at once still get an order. */
async function enqueue(entry) {
  const earlier = (await entriesInOrder()).some((e) => e.visit && visitKeyOf(e) === entry.visitKey);
  return inStores("readwrite", (entries, meta, give) => {
    const counter = meta.get("seq");
    counter.onsuccess = () => {
      const seq = (counter.result?.value ?? 0) + 1;
      meta.put({ key: "seq", value: seq });
      // A draft typed over the phone's own unsent draft is based on that one, not on the page's older version.
      const kept = { ...entry, seq, createdAt: new Date().toISOString(), chained: Boolean(entry.visit) && earlier };
      entries.put(kept);
      give(kept);
    };
  });
}

const visitKeyOf = (entry) => entry.visitKey ?? entry.visit?.idempotency_key ?? `visit-${entry.visitId}`;

// --- Sending ------------------------------------------------------------------------------------

/** The server refused the entry: sending it again unchanged will not help. */
class Refused extends Error {
  constructor(message, { currentVersion = null } = {}) {
    super(message);
    this.currentVersion = currentVersion;
  }
}

async function call(path, { method, json, form, csrf, timeout = REQUEST_TIMEOUT_MS }) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  let response;
  try {
    response = await fetch(`/api/v1/${path}`, {
      method,
      credentials: "same-origin",
      signal: abort.signal,
      headers: { "X-CSRFToken": csrf ?? "", Accept: "application/json", ...(json ? { "Content-Type": "application/json" } : {}) },
      body: json ? JSON.stringify(json) : form,
    });
  } catch {
    throw new Error(abort.signal.aborted ? "The server took too long to answer." : "No connection to Hearth.");
  } finally {
    clearTimeout(timer);
  }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json().catch(() => ({})) : {};
  if (response.ok) return body;
  throw answerProblem(response.status, body);
}

function answerProblem(status, body) {
  const words = describe(body) || `The server answered ${status}.`;
  if (status === 401 || (status === 403 && /^(CSRF Failed|Authentication credentials)/.test(body?.detail ?? ""))) {
    return new Error("Sign in to Hearth to send it.");
  }
  if (status === 409) return new Refused(words, { currentVersion: body.updated_at ?? null });
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return new Refused(words);
  return new Error(words); // the server is busy or broken: try again later
}

function describe(body) {
  if (typeof body?.detail === "string") return body.detail;
  return Object.values(body || {}).flat().filter((v) => typeof v === "string").join(" ");
}

/** The typed fields as the server holds them, to know whether a change is already there. */
function sameFields(visit, fields) {
  return Object.entries(fields).every(([name, value]) => {
    if (NOT_FIELDS.has(name)) return true;
    if (name === "visited_at") return new Date(visit.visited_at).getTime() === new Date(value).getTime();
    if (typeof value === "boolean") return visit[name] === value;
    return String(visit[name] ?? "").trim() === String(value ?? "").trim();
  });
}

const changesOnly = (fields) => Object.fromEntries(Object.entries(fields).filter(([name]) => !NOT_FIELDS.has(name)));

async function rememberVisit(key, visit) {
  await putMeta(`visit:${key}`, { id: visit.id, version: visit.updated_at, visit });
}

/** Make the visit, or apply the typed fields to it as a change with the version they were based on. */
async function sendFields(entry, csrf) {
  const key = visitKeyOf(entry);
  const known = (await read(META, `visit:${key}`)) ?? (entry.visitId ? { id: entry.visitId, version: null } : null);
  const onPhonesOwn = entry.chained || !entry.basedOn; // typed over what this phone itself sent, not a page's version
  if (onPhonesOwn && known?.visit && sameFields(known.visit, entry.visit)) return known.visit; // nothing new typed
  let visit = null;
  if (!known) {
    visit = await call("visits/", { method: "POST", json: entry.visit, csrf });
    await rememberVisit(key, visit);
    if (sameFields(visit, entry.visit)) return visit; // made from this entry (or already changed by it)
  }
  const version = (entry.chained && known?.version) || entry.basedOn || known?.version || visit?.updated_at;
  const changed = await call(`visits/${known?.id ?? visit.id}/`, {
    method: "PATCH",
    json: { ...changesOnly(entry.visit), version },
    csrf,
  });
  await rememberVisit(key, changed);
  return changed;
}

async function deliver(entry, csrf) {
  if (entry.visit && !entry.fieldsSent) {
    const visit = await sendFields(entry, csrf);
    Object.assign(entry, { visitId: visit.id, fieldsSent: true });
    await putEntry(entry); // a lost answer to the upload below must not send the fields again
  }
  if (entry.audio) {
    const form = new FormData();
    form.append("client_id", entry.clientId);
    form.append("audio", entry.audio, `voice-note.${entry.extension}`);
    entry.recording = await call(`visits/${entry.visitId}/recordings/`, { method: "POST", form, csrf, timeout: UPLOAD_TIMEOUT_MS });
  }
  await deleteEntry(entry.clientId);
}

/** Send what waits, oldest first. Returns what was sent and, if sending stopped, why (to try again later).

`session` is {csrf, worker}: entries kept by another worker who used this phone wait for them to sign in. */
async function sendWaiting(session, onProgress = () => {}) {
  const run = () => sendInOrder(session, onProgress);
  return globalThis.navigator?.locks ? navigator.locks.request("hearth-outbox", run) : run();
}

async function sendInOrder({ csrf, worker }, onProgress) {
  const held = new Set();
  const result = { sent: [], refused: [], stopped: null };
  for (const entry of await entriesInOrder()) {
    const key = visitKeyOf(entry);
    if (entry.refused || held.has(key) || (entry.worker && worker && String(entry.worker) !== String(worker))) {
      held.add(key); // later changes to this visit wait behind it
      continue;
    }
    onProgress(entry);
    try {
      await deliver(entry, csrf);
      result.sent.push(entry);
    } catch (error) {
      if (!(error instanceof Refused)) {
        result.stopped = error.message; // no signal, or the server is not answering: keep the order, try again
        break;
      }
      Object.assign(entry, { refused: error.message, currentVersion: error.currentVersion });
      await putEntry(entry);
      result.refused.push(entry);
      held.add(key);
    }
  }
  return result;
}

/** The worker has read why an entry was refused and asks to send it again. After a conflict, their text goes
over the version now on the server: they have been told who changed it and decided. */
async function tryAgain(clientId) {
  const entry = await read(ENTRIES, clientId);
  if (!entry) return;
  if (entry.currentVersion) Object.assign(entry, { basedOn: entry.currentVersion, chained: false });
  delete entry.refused;
  delete entry.currentVersion;
  await putEntry(entry);
}

const discard = (clientId) => deleteEntry(clientId);
const saveSession = (session) => putMeta("session", session);
const readSession = () => read(META, "session");

export { discard, enqueue, entriesInOrder, readSession, saveSession, sendWaiting, tryAgain, visitKeyOf };
