// Hearth's service worker: lets a worker open the record-a-visit page with no signal.
// Only the visit pages and static files are kept on the phone; the API is never cached,
// and signing out empties the cache. Drafts and voice notes wait in IndexedDB (recorder.mjs).

const CACHE = "hearth-offline-v1";
const ASSETS = [__ASSETS__];
const OFFLINE_PAGES = [/^\/children\/\d+\/visits\/new\/$/, /^\/visits\/\d+\/edit\/$/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname === "/sign-in/") {
    event.waitUntil(caches.delete(CACHE)); // signed out: nothing about children stays on the phone
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
