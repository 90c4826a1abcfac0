// Service worker of the offline certificate check: caches the page and its scripts so that
// /verify/offline works with no network once visited. Key version: {{ version }}
const CACHE = "lms-verify-{{ version }}";
const ASSETS = {{ assets|tojson }};
const PAGE = ASSETS[0];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll(ASSETS.map((url) => new Request(url, { credentials: "omit" })))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("lms-verify-") && name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname === PAGE || url.pathname.endsWith("/revoked.json")) {
    // The page and the revocation list: fresh when online, cached when not.
    // Fetched without cookies, so the cached copy never holds a logged-in user's name.
    event.respondWith(fetch(new Request(url.pathname, { credentials: "omit" })).then((response) => {
      if (response.ok) { const copy = response.clone(); caches.open(CACHE).then((cache) => cache.put(url.pathname, copy)); }
      return response;
    }).catch(() => caches.match(url.pathname)));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(event.request)));
  }
});
