// Hearth's service worker: lets a worker open the record-a-visit page with no signal, and sends what waits on
// the phone (Background Sync) when no Hearth page is open. Only the visit pages and static files are kept on the
// phone; the API is never cached, and signing out empties the cache. Drafts and voice notes wait in IndexedDB.
//
// voice.views.service_worker fills in the cache's name (a hash of everything it holds, so a new version of any
// file makes a new cache and the old one is dropped on activate), the files, and the outbox's code (outbox.mjs).

const CACHE = "__CACHE__";
const CACHE_PREFIX = "hearth-offline-";
const ASSETS = [__ASSETS__];
const OFFLINE_PAGES = [/^\/children\/\d+\/visits\/new\/$/, /^\/visits\/\d+\/edit\/$/];
const SYNC_TAG = "hearth-outbox";

/* __OUTBOX__ */

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(dropCaches((name) => name !== CACHE).then(() => self.clients.claim()));
});

function dropCaches(which) {
  return caches.keys().then((names) => Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && which(name)).map((name) => caches.delete(name))));
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(sendFromHere());
});

async function sendFromHere() {
  const session = await readSession();
  if (!session) return;
  const result = await sendWaiting(session);
  if (result.sent.length || result.refused.length) new BroadcastChannel("hearth-outbox").postMessage("changed");
  if (result.stopped) throw new Error(result.stopped); // the browser tries the sync again later
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname === "/sign-in/") {
    event.waitUntil(dropCaches(() => true)); // signed out: nothing about children stays on the phone
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
    return;
  }
  if (event.request.mode === "navigate" && OFFLINE_PAGES.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkThenCache(event.request));
  }
});

async function networkThenCache(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) cache.put(request, response.clone());
    return response;
  } catch {
    return (await cache.match(request)) || new Response("You are offline and this page is not saved on this phone.", { status: 503 });
  }
}
