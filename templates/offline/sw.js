// The service worker (issue 15): keeps the app shell so 我的课 opens with no signal; the teacher's classes,
// learners and unsent sheets live in IndexedDB (static/js/offline-store.js), never in this cache.
// Rendered by lms.teaching.views.offline.service_worker: the cache's name changes with the files it holds.
"use strict";
var SHELL = "lms-shell-{{ version }}";
var PAGES = "lms-pages";
var SHELL_URLS = {{ shell_urls|tojson }};
var OFFLINE_PAGE = {{ offline_page|tojson }};
// Pages kept for reading without signal (the latest copy the phone opened): 我的课, the home page, sheets.
var KEEP_PAGES = [/^\/$/, /^\/offline$/, /^\/sessions\/\d+\/attendance$/];

self.addEventListener("install", function (event) {
  // 我的课 itself goes with the pages (it names the user: cleared at logout with the rest).
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
    .then(function () { return caches.open(PAGES); })
    .then(function (cache) { return cache.add(new Request(OFFLINE_PAGE, { credentials: "same-origin" })); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("lms-shell-") === 0 && name !== SHELL; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepable(url) {
  return url.origin === self.location.origin && KEEP_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

// A sheet posted by the server's attendance page when the link drops half-way: kept on the phone as
// 我的课 keeps its own (IndexedDB "lms-offline", see static/js/offline-store.js), then 我的课 is shown.
function idb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open("lms-offline", 1);
    request.onupgradeneeded = function () { request.result.createObjectStore("kv"); };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function idbDo(db, mode, work) {
  return new Promise(function (resolve, reject) {
    var transaction = db.transaction("kv", mode), request = work(transaction.objectStore("kv"));
    transaction.oncomplete = function () { resolve(request.result); };
    transaction.onerror = function () { reject(transaction.error); };
  });
}

function keepPostedSheet(request) {
  var match = new URL(request.url).pathname.match(/^\/sessions\/(\d+)\/attendance$/);
  if (!match) { return Promise.reject(new Error("not a sheet")); }
  var id = Number(match[1]);
  return Promise.all([request.formData(), idb()]).then(function (both) {
    var form = both[0], db = both[1];
    return idbDo(db, "readonly", function (store) { return store.get("bundle"); }).then(function (bundle) {
      if (!bundle) { throw new Error("no copy of the teacher's data"); }
      var marks = {}, session = bundle.sessions.filter(function (s) { return s.id === id; })[0];
      form.forEach(function (value, name) {
        var learner = name.match(/^status-(\d+)$/);
        if (!learner) { return; }
        var raw = String(form.get("hours-" + learner[1]) || "").trim();
        var typed = bundle.crediting.indexOf(value) >= 0 && raw !== "" && !isNaN(parseFloat(raw));
        marks[learner[1]] = { status: value, minutes: typed ? Math.round(parseFloat(raw) * 60) : null };
      });
      var day = session ? Number(session.held_on.slice(5, 7)) + "月" + Number(session.held_on.slice(8)) + "日 " : "";
      var entry = { key: "s:" + id, session_id: id, new_session: null, base_version: Number(form.get("version")),
                    marks: marks, title: session ? day + session.course : "课次 #" + id, course: session ? session.course : "",
                    learners: Object.keys(marks).map(Number), client_id: self.crypto.randomUUID(),
                    saved_at: Date.now(), state: "pending", answer: null, user: String(bundle.user_id) };
      return idbDo(db, "readwrite", function (store) { return store.put(entry, "sheet:" + entry.key); });
    });
  }).then(function () { return Response.redirect(OFFLINE_PAGE + "#kept", 303); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method === "POST" && request.mode === "navigate") {
    var copy = request.clone();
    event.respondWith(fetch(request).catch(function (error) {
      return keepPostedSheet(copy).catch(function () { throw error; });
    }));
    return;
  }
  if (request.method !== "GET") { return; }                    // uploads go straight to the server
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    // Network first; with no signal the page's last copy, else 我的课 — never the browser's "no internet" page.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected && keepable(url)) {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: PAGES }).then(function (page) {
        return page || caches.match(OFFLINE_PAGE, { cacheName: PAGES });
      }).then(function (page) {
        return page || new Response("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
          + "<p style='font:16px sans-serif;padding:1rem'>没有网络。请联网后打开“我的课”一次，以后无信号时也能点名。</p>",
          { headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/bootstrap/static/") === 0) {
    // Static files have versioned names: what is cached is right for as long as its name is used.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});
