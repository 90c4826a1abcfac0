// 我的课 (issue 15): the teacher's sessions and classes from the phone's copy, a sheet for each session (or a
// new session started on the phone), the sheets kept on the phone with the server's answer for each, and the
// side-by-side choice when a sheet changed on the server meanwhile. Storage and uploading: offline-store.js.
(function () {
  "use strict";
  var app = document.getElementById("offline-app");
  var Offline = window.LmsOffline;
  if (!app || !Offline) { return; }
  var bundle = null, kept = [];
  var COLORS = { present: "success", late: "warning", leave: "info", absent: "danger" };

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs.text; }
      else if (name === "hidden" || name === "disabled" || name === "checked") { node[name] = !!attrs[name]; }
      else { node.setAttribute(name, attrs[name]); }
    });
    for (var i = 2; i < arguments.length; i += 1) {
      if (arguments[i] != null) { node.appendChild(typeof arguments[i] === "string" ? document.createTextNode(arguments[i]) : arguments[i]); }
    }
    return node;
  }
  function hours(minutes) { return String(Number((minutes / 60).toFixed(2))); }
  function day(iso) { var p = iso.split("-"); return Number(p[1]) + "月" + Number(p[2]) + "日"; }
  function labels() { return (bundle && bundle.labels) || { present: "出勤", late: "迟到", leave: "请假", absent: "缺勤" }; }
  // The statuses in the sheet's order (JSON objects come back with their keys sorted).
  function statuses() { return (bundle && bundle.statuses) || ["present", "late", "leave", "absent"]; }
  function markText(mark) { return mark ? labels()[mark.status] + " " + hours(mark.minutes || 0) + " 学时" : "未记录"; }
  function classOf(id) { return ((bundle && bundle.classes) || []).filter(function (c) { return c.id === id; })[0]; }
  function learner(id) { return (bundle && bundle.learners[String(id)]) || { name: "学员 #" + id, student_number: "" }; }
  function entryFor(key) { return kept.filter(function (e) { return e.key === key; })[0]; }
  function show(view) {
    ["view-list", "view-sheet", "view-conflict"].forEach(function (id) { document.getElementById(id).hidden = id !== view; });
    document.getElementById("kept").hidden = view !== "view-list";
  }

  // Every session the phone knows: the server's (from the bundle) and those started on the phone, not sent yet.
  function sessions() {
    var list = ((bundle && bundle.sessions) || []).map(function (s) {
      return { key: "s:" + s.id, session_id: s.id, class_id: s.class_id, course: s.course, held_on: s.held_on,
               minutes: s.minutes, mode: s.mode, version: s.version, learners: s.learners, marks: s.marks };
    });
    var known = {};
    ((bundle && bundle.sessions) || []).forEach(function (s) { if (s.client_id) { known[s.client_id] = true; } });
    kept.forEach(function (e) {
      if (e.new_session && !known[e.new_session.client_id] && !(e.state === "saved")) {
        list.push({ key: e.key, session_id: null, new_session: e.new_session, class_id: e.new_session.class_id,
                    course: e.course, held_on: e.new_session.held_on, minutes: e.new_session.minutes,
                    mode: e.new_session.mode, version: 0, learners: e.learners, marks: {} });
      }
    });
    return list.sort(function (a, b) { return a.held_on < b.held_on ? -1 : a.held_on > b.held_on ? 1 : 0; });
  }

  function stateBadge(entry) {
    if (!entry) { return null; }
    var text = { pending: "未上传", saved: "已上传", conflict: "需处理", refused: "需处理" }[entry.state];
    var color = { pending: "secondary", saved: "success", conflict: "danger", refused: "danger" }[entry.state];
    return el("span", { "class": "badge text-bg-" + color + " ms-1", text: text });
  }

  function renderStatus() {
    var line = document.getElementById("net-status");
    var last = Offline.lastSync, offline = !navigator.onLine || (last && last.offline);
    line.textContent = (offline ? "没有网络：点名保存在手机上，联网后自动上传" : "已联网") +
      (bundle ? "。名单更新于 " + new Date(bundle.fetched_at).toLocaleString("zh-CN", { hour12: false }) : "");
    line.className = "small mb-2 " + (offline ? "text-danger fw-semibold" : "text-success");
  }

  function renderList() {
    renderStatus();
    var list = document.getElementById("session-list");
    list.textContent = "";
    if (!bundle) {
      list.appendChild(el("div", { "class": "alert alert-info small", text: "手机上还没有保存您的课次和名单。请联网后打开本页一次，之后没有信号也能点名。" }));
    } else {
      var today = Offline.today();
      var all = sessions();
      if (!all.length) { list.appendChild(el("div", { "class": "text-muted small", text: "这段时间没有课次。" })); }
      all.forEach(function (s) {
        var c = classOf(s.class_id);
        var marked = Object.keys(s.marks || {}).length;
        var link = el("a", { "class": "btn btn-outline-primary w-100 text-start mb-2 btn-touch" + (s.held_on === today ? " border-2" : ""),
                             href: "#sheet/" + s.key, "data-session-key": s.key },
          el("span", { "class": "fw-semibold", text: (s.held_on === today ? "今天 " : "") + day(s.held_on) + " " + s.course }),
          el("span", { "class": "small d-block", text: (c ? c.name : "") + " · " + hours(s.minutes) + " 学时" +
                                                      (marked ? " · 已点名 " + marked + " 人" : "") }),
          stateBadge(entryFor(s.key) || kept.filter(function (e) { return s.session_id && e.session_id === s.session_id; })[0]));
        list.appendChild(link);
      });
    }
    var classes = document.getElementById("class-list");
    classes.textContent = "";
    ((bundle && bundle.classes) || []).forEach(function (c) {
      classes.appendChild(el("div", { "class": "d-flex justify-content-between align-items-center mb-2" },
        el("span", { text: c.name + "（" + c.learners.length + " 人）" }),
        el("a", { "class": "btn btn-sm btn-primary text-nowrap", href: "#new/" + c.id, text: "今天新开课次" })));
    });
    renderKept();
  }

  function renderKept() {
    var box = document.getElementById("kept");
    box.textContent = "";
    if (!kept.length) { return; }
    box.appendChild(el("h2", { "class": "h6", text: "手机上保存的考勤" }));
    kept.slice().reverse().forEach(function (entry) {
      var card = el("div", { "class": "card mb-2 kept-sheet", "data-key": entry.key, "data-state": entry.state });
      var body = el("div", { "class": "card-body p-2" },
        el("div", { "class": "fw-semibold" }, entry.title || "", stateBadge(entry)));
      var answer = entry.answer;
      if (entry.state === "pending") {
        body.appendChild(el("div", { "class": "small text-muted", text: "已保存在手机上（" +
          new Date(entry.saved_at).toLocaleString("zh-CN", { hour12: false }) + "），联网后自动上传。" }));
      } else if (answer) {
        var problems = answer.problems || [];
        if (!problems.length) {
          body.appendChild(el("div", { "class": "small " + (entry.state === "saved" ? "text-success" : "text-danger"),
                                       text: answer.message || "" }));
        }
        problems.forEach(function (p) {        // one line per learner, with the reason
          body.appendChild(el("div", { "class": "small text-danger", text: p.reason }));
        });
      }
      var actions = el("div", { "class": "d-flex flex-wrap gap-2 mt-1" });
      if (entry.state === "conflict") {
        actions.appendChild(el("a", { "class": "btn btn-sm btn-danger", href: "#conflict/" + entry.key, text: "逐人选择保留哪一份" }));
      }
      if (entry.state === "refused") {
        actions.appendChild(el("a", { "class": "btn btn-sm btn-outline-primary", href: "#sheet/" + entry.key, text: "修改后重新上传" }));
        var named = (answer && answer.problems || []).filter(function (p) { return p.learner_id; });
        if (named.length) {
          var drop = el("button", { type: "button", "class": "btn btn-sm btn-outline-danger", text: "去掉这些学员后重新上传" });
          drop.onclick = function () {
            named.forEach(function (p) { delete entry.marks[String(p.learner_id)]; });
            Offline.saveSheet(entry);
          };
          actions.appendChild(drop);
        }
      }
      if (entry.state === "saved") {
        var done = el("button", { type: "button", "class": "btn btn-sm btn-outline-secondary", text: "知道了" });
        done.onclick = function () { Offline.store.remove("sheet:" + entry.key).then(Offline.changed); };
        actions.appendChild(done);
      }
      if (actions.childNodes.length) { body.appendChild(actions); }
      card.appendChild(body);
      box.appendChild(card);
    });
  }

  function scanner() {
    return el("details", { "class": "mb-2 scanner", id: "scanner", "data-jsqr": app.getAttribute("data-jsqr") },
      el("summary", { "class": "btn btn-sm btn-outline-primary", text: "扫码签到（学员证二维码）" }),
      el("div", { "class": "mt-2" },
        el("button", { type: "button", "class": "btn btn-sm btn-primary mb-2", id: "camera-start", text: "打开摄像头" }),
        el("video", { id: "camera", playsinline: "", muted: "", hidden: true }),
        el("canvas", { id: "camera-frame", hidden: true }),
        el("div", { "class": "input-group input-group-sm mt-1" },
          el("input", { "class": "form-control", id: "scan-input", inputmode: "numeric", placeholder: "输入学号", "aria-label": "输入学号签到" }),
          el("button", { "class": "btn btn-outline-primary", type: "button", id: "scan-submit", text: "签到" })),
        el("div", { "class": "small mt-1", id: "scan-message", "aria-live": "polite" }),
        el("button", { type: "button", "class": "btn btn-sm btn-outline-danger mt-2", id: "absent-unscanned", text: "未扫码的记为缺勤" })));
  }

  function renderSheet(info) {
    var view = document.getElementById("view-sheet");
    view.textContent = "";
    var c = classOf(info.class_id);
    var entry = entryFor(info.key);
    var open = entry && entry.state !== "saved" ? entry : null;      // the phone's own unsent marks first
    var future = info.held_on > Offline.today();
    view.appendChild(el("h1", { "class": "h5 mb-0", text: "点名 · " + day(info.held_on) + " " + info.course }));
    view.appendChild(el("div", { "class": "small text-muted mb-2", text: (c ? c.name : "") + " · " +
      ((bundle.modes || {})[info.mode] || "") + " · " + hours(info.minutes) + " 学时 · " + info.learners.length + " 人" +
      (info.session_id ? "" : " · 手机上新开的课次") }));
    if (future) { view.appendChild(el("div", { "class": "alert alert-info", text: "该课次在今天之后，到上课当天才能点名。" })); }
    if (open) { view.appendChild(el("div", { "class": "alert alert-secondary small", text: "下表是手机上保存、尚未上传的点名。" })); }
    var summary = el("div", { "class": "d-flex flex-wrap gap-2 small mb-2", id: "sheet-summary", "aria-live": "polite" });
    statuses().forEach(function (code) {
      summary.appendChild(el("span", { "class": "badge text-bg-" + COLORS[code], "data-count": code }, labels()[code] + " ", el("span", { text: "0" })));
    });
    view.appendChild(summary);
    view.appendChild(scanner());
    var form = el("form", { id: "sheet", novalidate: "", "data-offline-sheet": "", "data-session-hours": hours(info.minutes),
                            "data-crediting": (bundle.crediting || ["present", "late"]).join(" ") });
    info.learners.forEach(function (id) {
      var who = learner(id), mark = open ? open.marks[String(id)] : (info.marks || {})[String(id)];
      var status = mark ? mark.status : "present";
      var typed = mark && mark.minutes != null ? hours(mark.minutes) : hours(info.minutes);
      if (bundle.crediting.indexOf(status) < 0) { typed = "0"; }
      var group = el("div", { "class": "btn-group flex-grow-1", role: "group", "aria-label": who.name + "的考勤" });
      statuses().forEach(function (code) {
        group.appendChild(el("input", { type: "radio", "class": "btn-check", name: "status-" + id, id: "s-" + id + "-" + code,
                                        value: code, autocomplete: "off", checked: code === status }));
        group.appendChild(el("label", { "class": "btn btn-outline-" + COLORS[code], "for": "s-" + id + "-" + code, text: labels()[code] }));
      });
      form.appendChild(el("div", { "class": "sheet-row is-" + status, id: "row-" + id, "data-learner": String(id),
                                   "data-student": who.student_number, "data-name": who.name },
        el("div", { "class": "d-flex justify-content-between" }, el("span", { "class": "name", text: who.name }),
           el("span", { "class": "small text-muted", text: who.student_number })),
        el("div", { "class": "d-flex gap-2 align-items-center mt-1" }, group,
           el("input", { "class": "form-control form-control-sm hours-input", name: "hours-" + id, value: typed,
                         inputmode: "decimal", "aria-label": who.name + "的学时" }))));
    });
    if (!info.learners.length) { form.appendChild(el("div", { "class": "text-muted py-3", text: "本班没有在读学员。" })); }
    form.appendChild(el("div", { "class": "sheet-bar" }, el("button", { "class": "btn btn-primary w-100 btn-touch", type: "submit",
      disabled: future || !info.learners.length, text: "保存考勤（" + info.learners.length + " 人）" })));
    view.appendChild(form);
    view.appendChild(el("a", { "class": "btn btn-link btn-sm", href: "#", text: "返回我的课" }));
    var page = window.LmsAttendance.init(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var base = open ? open.base_version : info.version;
      if (!open && entry && entry.answer && entry.answer.version > base) { base = entry.answer.version; }
      Offline.saveSheet({
        key: info.key, session_id: info.session_id, new_session: info.session_id ? null : info.new_session,
        course: info.course, learners: info.learners, base_version: base, marks: page.marks(),
        title: day(info.held_on) + " " + info.course + " · " + (c ? c.name : "")
      }).then(function () { window.location.hash = "#kept"; });
    });
    show("view-sheet");
  }

  function renderNew(classId) {
    var c = classOf(classId), view = document.getElementById("view-sheet");
    view.textContent = "";
    if (!c) { window.location.hash = ""; return; }
    var course = el("select", { "class": "form-select", id: "new-course" });
    c.courses.forEach(function (k) { course.appendChild(el("option", { value: String(k.id), text: k.name })); });
    var mode = el("select", { "class": "form-select", id: "new-mode" });
    Object.keys(bundle.modes || { face: "面授" }).forEach(function (code) { mode.appendChild(el("option", { value: code, text: bundle.modes[code] })); });
    var length = el("input", { "class": "form-control", id: "new-hours", inputmode: "decimal", value: "4" });
    var message = el("div", { "class": "text-danger small" });
    var start = el("button", { type: "button", "class": "btn btn-primary w-100 btn-touch mt-2", text: "开始点名" });
    start.onclick = function () {
      var minutes = Math.round(parseFloat(length.value) * 60);
      if (!(minutes >= 30 && minutes <= 1440)) { message.textContent = "学时应在 0.5–24 之间。"; return; }
      var id = Offline.uuid();
      var chosen = c.courses.filter(function (k) { return String(k.id) === course.value; })[0];
      var fresh = { client_id: id, class_id: c.id, course_id: Number(course.value), held_on: Offline.today(),
                    minutes: minutes, mode: mode.value };
      renderSheet({ key: "n:" + id, session_id: null, new_session: fresh, class_id: c.id, course: chosen ? chosen.name : "",
                    held_on: fresh.held_on, minutes: minutes, mode: fresh.mode, version: 0, learners: c.learners, marks: {} });
    };
    view.appendChild(el("h1", { "class": "h5", text: "新开课次 · " + c.name }));
    view.appendChild(el("div", { "class": "small text-muted mb-2", text: "日期：今天（" + day(Offline.today()) + "）。没有信号也可以开课次，联网后随考勤一起上传。" }));
    [["课程", course], ["授课方式", mode], ["学时", length]].forEach(function (pair) {
      view.appendChild(el("label", { "class": "form-label mt-1 d-block" }, pair[0], pair[1]));
    });
    view.appendChild(message);
    view.appendChild(start);
    view.appendChild(el("a", { "class": "btn btn-link btn-sm", href: "#", text: "返回我的课" }));
    show("view-sheet");
  }

  function renderConflict(entry) {
    var view = document.getElementById("view-conflict"), answer = entry && entry.answer;
    view.textContent = "";
    if (!answer || !answer.rows) { window.location.hash = ""; return; }
    view.appendChild(el("h1", { "class": "h5", text: "需处理 · " + entry.title }));
    view.appendChild(el("div", { "class": "alert alert-warning small", text: answer.message }));
    var bulk = el("div", { "class": "d-flex gap-2 mb-2" });
    var form = el("form", { id: "conflict-form", novalidate: "" });
    var rows = answer.rows.filter(function (r) { return !r.refusal; });
    rows.sort(function (a, b) { return (a.same ? 1 : 0) - (b.same ? 1 : 0); });
    rows.forEach(function (row) {
      var name = "pick-" + row.learner_id;
      var options = el("div", { "class": "conflict-options" });
      [["server", "服务器上" + (row.by ? "（" + row.by + "）" : ""), row.server], ["mine", "我的手机", row.mine]].forEach(function (side) {
        var id = name + "-" + side[0];
        var only = !row.server || !row.mine || row.same;
        options.appendChild(el("input", { type: "radio", "class": "btn-check", name: name, id: id, value: side[0],
                                          disabled: !side[2], checked: only && !!side[2] && (side[0] === "mine" || !row.mine) }));
        options.appendChild(el("label", { "class": "btn btn-outline-" + (side[0] === "mine" ? "primary" : "secondary") + " text-start", "for": id },
          el("span", { "class": "d-block small", text: side[1] }), el("span", { "class": "fw-semibold", text: markText(side[2]) })));
      });
      form.appendChild(el("div", { "class": "sheet-row conflict-row" + (row.same ? " is-same" : ""), "data-learner": String(row.learner_id) },
        el("div", { "class": "d-flex justify-content-between" }, el("span", { "class": "name", text: row.name }),
           el("span", { "class": "small text-muted", text: row.same ? "两边相同" : row.student_number })), options));
    });
    answer.rows.filter(function (r) { return r.refusal; }).forEach(function (row) {
      form.appendChild(el("div", { "class": "small text-muted", text: "不能点名：" + row.refusal }));
    });
    [["全部用服务器上的", "server"], ["全部用我的", "mine"]].forEach(function (pair) {
      var button = el("button", { type: "button", "class": "btn btn-sm btn-outline-secondary", text: pair[0] });
      button.onclick = function () {
        form.querySelectorAll('input[value="' + pair[1] + '"]:not([disabled])').forEach(function (input) { input.checked = true; });
      };
      bulk.appendChild(button);
    });
    var message = el("div", { "class": "text-danger small", id: "conflict-message" });
    form.appendChild(message);
    form.appendChild(el("div", { "class": "sheet-bar" }, el("button", { "class": "btn btn-primary w-100 btn-touch", type: "submit", text: "按所选保存并上传" })));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var marks = {}, missing = [];
      rows.forEach(function (row) {
        var picked = form.querySelector('input[name="pick-' + row.learner_id + '"]:checked');
        if (!picked) { missing.push(row.name); return; }
        var mark = row[picked.value];
        marks[String(row.learner_id)] = { status: mark.status, minutes: mark.minutes };
      });
      if (missing.length) { message.textContent = "请为每位学员选择保留哪一份：" + missing.join("、"); return; }
      Offline.saveSheet({ key: entry.key, session_id: answer.session_id, new_session: null, course: entry.course,
                          learners: entry.learners, title: entry.title, base_version: answer.version, marks: marks })
        .then(function () { window.location.hash = "#kept"; });
    });
    view.appendChild(bulk);
    view.appendChild(form);
    view.appendChild(el("a", { "class": "btn btn-link btn-sm", href: "#", text: "返回我的课" }));
    show("view-conflict");
  }

  function route() {
    var hash = window.location.hash.slice(1), parts = hash.split("/");
    if (!bundle && parts[0] !== "" && parts[0] !== "kept") { show("view-list"); renderList(); return; }
    if (parts[0] === "sheet") {
      var key = parts.slice(1).join("/");
      var info = sessions().filter(function (s) { return s.key === key; })[0];
      if (!info) {      // a kept sheet whose session left the window: edit it from what the phone kept
        var e = entryFor(key);
        if (e) {
          info = { key: e.key, session_id: e.session_id, new_session: e.new_session, class_id: e.new_session ? e.new_session.class_id : null,
                   course: e.course || e.title, held_on: e.new_session ? e.new_session.held_on : Offline.today(),
                   minutes: e.new_session ? e.new_session.minutes : 480, mode: e.new_session ? e.new_session.mode : "face",
                   version: e.base_version, learners: e.learners || Object.keys(e.marks).map(Number), marks: {} };
        }
      }
      if (info) { renderSheet(info); return; }
    } else if (parts[0] === "new") {
      renderNew(Number(parts[1])); return;
    } else if (parts[0] === "conflict") {
      renderConflict(entryFor(parts.slice(1).join("/"))); return;
    }
    show("view-list");
    renderList();
    if (parts[0] === "kept") { document.getElementById("kept").scrollIntoView(); }
  }

  function onListView() { return !document.getElementById("view-list").hidden; }

  document.addEventListener("lms-offline-changed", function (event) {
    kept = event.detail.sheets;
    if (onListView()) { renderList(); }
  });
  document.addEventListener("lms-offline-bundle", function (event) {
    bundle = event.detail;
    if (onListView()) { renderList(); }
  });
  document.addEventListener("lms-offline-synced", function (event) {
    var line = document.getElementById("net-status");
    if (onListView()) { renderList(); }
    if (event.detail && event.detail.error && !event.detail.offline) { line.textContent += "。" + event.detail.error; }
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("online", renderStatus);
  window.addEventListener("offline", renderStatus);

  Offline.checkExpiry().then(function () { return Offline.store.get("bundle"); }).then(function (stored) {
    bundle = stored || null;
    return Offline.sheets();
  }).then(function (list) {
    kept = list;
    route();
    return Offline.refreshBundle().then(function () {
      Offline.lastSync = null;
      renderStatus();
      // Fetch the scanner library once while online: the service worker keeps it, so scanning works offline.
      fetch(app.getAttribute("data-jsqr"), { credentials: "same-origin" }).catch(function () { /* next time */ });
    }, function (error) {
      // the phone's copy stays
      Offline.lastSync = error instanceof TypeError ? { offline: true } : { error: error.message };
      renderStatus();
    });
  });
})();
