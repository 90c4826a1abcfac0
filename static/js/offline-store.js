// Attendance kept on the phone (issue 15), on every page of a user who takes attendance: the storage
// (IndexedDB, or localStorage where there is none), the 未上传 N 份考勤 badge, uploading by itself when the
// phone is online (and 立即上传), the expiry of the offline copy, and clearing it all at logout.
(function () {
  "use strict";
  var script = document.currentScript;
  var USER = script ? script.getAttribute("data-user") : "";
  var PREFIX = "lms-offline:";
  var DAY = 24 * 3600 * 1000;
  var dbPromise = null;

  function openDb() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve) {
      var request;
      try { request = window.indexedDB.open("lms-offline", 1); } catch (e) { resolve(null); return; }
      request.onupgradeneeded = function () { request.result.createObjectStore("kv"); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };       // e.g. a private window: localStorage instead
    });
    return dbPromise;
  }

  function run(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("kv", mode);
        var request = work(transaction.objectStore("kv"));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function localKeys() {
    var keys = [];
    for (var i = 0; i < window.localStorage.length; i += 1) {
      var key = window.localStorage.key(i);
      if (key.indexOf(PREFIX) === 0) { keys.push(key.slice(PREFIX.length)); }
    }
    return keys;
  }

  var store = {
    get: function (key) {
      return openDb().then(function (db) {
        if (db) { return run("readonly", function (s) { return s.get(key); }); }
        var raw = window.localStorage.getItem(PREFIX + key);
        return raw ? JSON.parse(raw) : undefined;
      });
    },
    put: function (key, value) {
      return openDb().then(function (db) {
        if (db) { return run("readwrite", function (s) { return s.put(value, key); }); }
        window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
      });
    },
    remove: function (key) {
      return openDb().then(function (db) {
        if (db) { return run("readwrite", function (s) { return s.delete(key); }); }
        window.localStorage.removeItem(PREFIX + key);
      });
    },
    all: function (prefix) {
      return openDb().then(function (db) {
        if (db) {
          return run("readonly", function (s) { return s.getAll(IDBKeyRange.bound(prefix, prefix + "\uffff")); });
        }
        return localKeys().filter(function (key) { return key.indexOf(prefix) === 0; })
          .map(function (key) { return JSON.parse(window.localStorage.getItem(PREFIX + key)); });
      });
    },
    clear: function () {
      return openDb().then(function (db) {
        localKeys().forEach(function (key) { window.localStorage.removeItem(PREFIX + key); });
        if (db) { return run("readwrite", function (s) { return s.clear(); }); }
      });
    }
  };

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function phoneToday() {
    var now = new Date();
    return now.getFullYear() + "-" + ("0" + (now.getMonth() + 1)).slice(-2) + "-" + ("0" + now.getDate()).slice(-2);
  }

  function sheets() {
    return store.all("sheet:").then(function (list) {
      return (list || []).filter(function (entry) { return String(entry.user) === String(USER); })
        .sort(function (a, b) { return a.saved_at - b.saved_at; });
    });
  }

  function unsent(list) { return list.filter(function (entry) { return entry.state !== "saved"; }); }

  function changed() {
    return sheets().then(function (list) {
      var count = unsent(list).length;
      var badge = document.getElementById("offline-badge");
      if (badge) {
        badge.hidden = count === 0;
        badge.querySelector("[data-unsent]").textContent = count;
      }
      document.dispatchEvent(new CustomEvent("lms-offline-changed", { detail: { unsent: count, sheets: list } }));
      return list;
    });
  }

  // The sheet is on the phone at once; it goes up when the phone is online.
  function saveSheet(entry) {
    entry.client_id = uuid();
    entry.saved_at = Date.now();
    entry.state = "pending";
    entry.answer = null;
    entry.user = USER;
    return store.put("sheet:" + entry.key, entry).then(changed).then(function () {
      if (navigator.onLine) { syncAll(); }        // not awaited: the sheet is kept whatever the link does
      return entry;
    });
  }

  function refreshBundle() {
    return fetch("/offline/bundle.json", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
        if (response.redirected || !json) { throw new Error("请先登录，再上传考勤。"); }
        if (!response.ok) { throw new Error("服务器暂时不能接收（" + response.status + "），稍后自动重试。"); }
        return response.json();
      })
      .then(function (bundle) {
        bundle.fetched_at = Date.now();
        return store.put("bundle", bundle).then(function () {
          document.dispatchEvent(new CustomEvent("lms-offline-bundle", { detail: bundle }));
          return bundle;
        });
      });
  }

  function send(entry, token) {
    var body = { client_id: entry.client_id, base_version: entry.base_version, marks: entry.marks };
    if (entry.session_id) { body.session_id = entry.session_id; } else { body.new_session = entry.new_session; }
    return fetch("/offline/sync", {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) { throw new Error("服务器暂时不能接收，稍后自动重试。"); }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          answer = { outcome: "refused", label: "需处理", problems: [],
                     message: answer.error || answer.message || ("服务器拒绝了这份考勤（" + response.status + "）。") };
        }
        entry.answer = answer;
        entry.state = answer.outcome;
        entry.answered_at = Date.now();
        if (answer.session_id) { entry.session_id = answer.session_id; }
        return store.put("sheet:" + entry.key, entry);
      });
    });
  }

  var syncing = null;
  // Upload every sheet not yet sent, one by one; a failed link stops here and the rest wait for the next try.
  function syncAll() {
    if (syncing) { return syncing; }
    syncing = sheets().then(function (list) {
      var pending = list.filter(function (entry) { return entry.state === "pending"; });
      return refreshBundle().then(function (bundle) {
        var chain = Promise.resolve();
        pending.forEach(function (entry) { chain = chain.then(function () { return send(entry, bundle.csrf_token); }); });
        return chain.then(function () { return pending.length ? refreshBundle() : bundle; });
      }).then(function () { return { sent: pending.length }; });
    }).catch(function (error) {
      // fetch() itself failing is a TypeError: no network. Our own errors carry a Chinese message.
      return error instanceof TypeError ? { error: "没有网络，联网后自动上传。", offline: true } : { error: error.message };
    }).then(function (result) {
      syncing = null;
      window.LmsOffline.lastSync = result;
      return changed().then(function () {
        document.dispatchEvent(new CustomEvent("lms-offline-synced", { detail: result }));
        return result;
      });
    });
    return syncing;
  }

  function clearCaches() {
    if (!window.caches) { return Promise.resolve(); }
    return window.caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return window.caches.delete(name); }));
    });
  }

  // Logging out clears the phone's copy, after offering to upload what is not sent yet.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-logout]") || form.getAttribute("data-cleared")) { return; }
    event.preventDefault();
    sheets().then(function (list) {
      var count = unsent(list).length;
      var first = count && window.confirm("手机上还有 " + count + " 份考勤未上传。先上传再退出吗？");
      // A background upload may be under way (and failing): wait for it, then upload afresh, so the
      // teacher's "yes" is a real attempt and not the answer of the attempt that was already running.
      var upload = function () { return (syncing || Promise.resolve()).then(syncAll); };
      return (first ? upload() : Promise.resolve()).then(sheets).then(function (after) {
        var left = unsent(after).length;
        if (left && !window.confirm("仍有 " + left + " 份考勤没有上传，退出后手机上的这些考勤将被删除。确定退出吗？")) {
          return false;
        }
        return store.clear().then(clearCaches).then(function () { return true; });
      });
    }).then(function (leave) {
      if (leave) { form.setAttribute("data-cleared", "1"); form.submit(); }
    });
  }, true);

  // The offline copy of classes and learners expires: a warning two days before, then it is deleted.
  function checkExpiry() {
    return store.get("bundle").then(function (bundle) {
      if (!bundle) { return null; }
      var keep = (bundle.keep_days || 14) * DAY, age = Date.now() - bundle.fetched_at;
      if (String(bundle.user_id) !== String(USER) || age > keep) {
        return store.remove("bundle").then(function () {
          return String(bundle.user_id) === String(USER)
            ? "手机上保存的班级和名单已超过 " + bundle.keep_days + " 天未更新，已删除；请联网后打开“我的课”。" : null;
        });
      }
      if (age > keep - 2 * DAY) {
        return "手机上保存的班级和名单将在 " + Math.max(1, Math.ceil((keep - age) / DAY)) + " 天后过期，请联网打开“我的课”更新。";
      }
      return null;
    }).then(function (warning) {
      var box = document.getElementById("offline-warning");
      if (box) { box.hidden = !warning; box.textContent = warning || ""; }
      return warning;
    });
  }

  window.LmsOffline = {
    store: store, uuid: uuid, today: phoneToday, sheets: sheets, unsent: unsent, saveSheet: saveSheet,
    syncAll: syncAll, refreshBundle: refreshBundle, changed: changed, checkExpiry: checkExpiry, user: USER
  };

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-sync-now]")) { syncAll(); }
  });
  window.addEventListener("online", function () { syncAll(); });
  // Kept sheets are retried every 15 seconds while any waits: `online` is not fired on every phone (a weak
  // signal says online and is not), and without a service worker this is the retry.
  window.setInterval(function () {
    sheets().then(function (list) {
      if (list.some(function (e) { return e.state === "pending"; })) { syncAll(); }
    });
  }, 15000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* drafts still kept */ });
  }
  checkExpiry().then(changed).then(function (list) {
    if (list.some(function (e) { return e.state === "pending"; })) { syncAll(); }
  });
})();
