// The phone attendance sheet: one tap per status change, live counts, and QR / student-number sign-in.
// Used by the server's sheet (templates/teaching/attendance.html) and by 我的课's offline sheet
// (static/js/offline-sheet.js), which calls window.LmsAttendance.init after drawing its sheet.
(function () {
  "use strict";
  var jsqrLoading = null;

  // The scanner library (jsQR, ~250 KB) loads only when the camera is opened; the service worker keeps it.
  function loadJsQR(url) {
    if (window.jsQR) { return Promise.resolve(); }
    if (!jsqrLoading) {
      jsqrLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = url;
        tag.onload = resolve;
        tag.onerror = function () { jsqrLoading = null; reject(new Error("jsQR")); };
        document.head.appendChild(tag);
      });
    }
    return jsqrLoading;
  }

  function rowStatus(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "present";
  }

  // The marks of a sheet as the phone keeps them: {learner id: {status, minutes typed or null}}.
  function readMarks(sheet, crediting) {
    var marks = {};
    sheet.querySelectorAll(".sheet-row").forEach(function (row) {
      var status = rowStatus(row), raw = (row.querySelector(".hours-input").value || "").trim();
      var minutes = null;
      if (crediting[status] && raw !== "" && !isNaN(parseFloat(raw))) { minutes = Math.round(parseFloat(raw) * 60); }
      marks[row.getAttribute("data-learner")] = { status: status, minutes: minutes };
    });
    return marks;
  }

  function init(sheet) {
    var fullHours = sheet.getAttribute("data-session-hours");
    var crediting = {};   // the statuses that earn hours, as lms.rules.crediting says (data-crediting)
    sheet.getAttribute("data-crediting").split(" ").forEach(function (code) { crediting[code] = true; });
    var scanned = {};

    function refreshSummary() {
      var counts = { present: 0, late: 0, leave: 0, absent: 0 };
      sheet.querySelectorAll(".sheet-row").forEach(function (row) { counts[rowStatus(row)] += 1; });
      Object.keys(counts).forEach(function (code) {
        var badge = document.querySelector('[data-count="' + code + '"] span');
        if (badge) { badge.textContent = counts[code]; }
      });
    }

    function applyStatus(row, status) {
      row.className = row.className.replace(/\bis-\w+/g, "").trim() + " is-" + status;
      var hours = row.querySelector(".hours-input");
      if (!crediting[status]) { hours.value = "0"; }
      else if (hours.value === "0" || hours.value === "") { hours.value = fullHours; }
    }

    sheet.addEventListener("change", function (event) {
      if (event.target.type !== "radio") { return; }
      applyStatus(event.target.closest(".sheet-row"), event.target.value);
      refreshSummary();
    });

    function setStatus(row, status) {
      var radio = row.querySelector('input[type=radio][value="' + status + '"]');
      radio.checked = true;
      applyStatus(row, status);
    }

    var message = document.getElementById("scan-message");
    function say(text, ok) {
      message.textContent = text;
      message.className = "small mt-1 " + (ok ? "text-success" : "text-danger");
    }

    // A new 学员证's QR code holds its 我的学习 link, then "#" and the student number; older cards the bare number.
    function studentNumberOf(text) {
      var value = (text || "").trim();
      var hash = value.lastIndexOf("#");
      return /^https?:\/\//i.test(value) && hash >= 0 ? value.slice(hash + 1).trim() : value;
    }

    function signIn(studentNumber) {
      var number = studentNumberOf(studentNumber);
      if (!number) { return; }
      var row = sheet.querySelector('.sheet-row[data-student="' + number.replace(/"/g, "") + '"]');
      if (!row) { say("学号 " + number + " 不在本课次名单中", false); return; }
      if (navigator.vibrate) { navigator.vibrate(80); }
      scanned[number] = true;
      setStatus(row, "present");
      row.classList.add("just-scanned");
      window.setTimeout(function () { row.classList.remove("just-scanned"); }, 1500);
      say("已签到：" + row.getAttribute("data-name"), true);
      refreshSummary();
    }

    var input = document.getElementById("scan-input");
    document.getElementById("scan-submit").onclick = function () {
      signIn(input.value); input.value = ""; input.focus();
    };
    input.onkeydown = function (event) {
      if (event.key === "Enter") { event.preventDefault(); signIn(input.value); input.value = ""; }
    };
    document.getElementById("absent-unscanned").onclick = function () {
      sheet.querySelectorAll(".sheet-row").forEach(function (row) {
        if (!scanned[row.getAttribute("data-student")]) { setStatus(row, "absent"); }
      });
      refreshSummary();
    };

    // Camera scanning: needs a secure context (HTTPS or localhost) for getUserMedia.
    var video = document.getElementById("camera");
    var canvas = document.getElementById("camera-frame");
    var lastCode = "", lastAt = 0;
    function scanFrame() {
      if (!document.body.contains(sheet)) { return; }
      if (video.hidden || video.readyState < 2) { window.setTimeout(scanFrame, 250); return; }
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR ? window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" }) : null;
      var now = Date.now();
      if (code && code.data && (code.data !== lastCode || now - lastAt > 3000)) {
        lastCode = code.data; lastAt = now; signIn(code.data);
      }
      window.setTimeout(scanFrame, 200);
    }
    document.getElementById("camera-start").onclick = function () {
      if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say("此页面不是通过 HTTPS 或 localhost 打开，浏览器不允许使用摄像头；请输入学号签到。", false);
        return;
      }
      var jsqr = document.getElementById("scanner").getAttribute("data-jsqr");
      loadJsQR(jsqr).then(function () {
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play(); scanFrame();
        say("请将学员证二维码对准摄像头", true);
      }).catch(function () { say("无法打开摄像头（可能未授权）；请输入学号签到。", false); });
    };

    refreshSummary();
    return { marks: function () { return readMarks(sheet, crediting); } };
  }

  window.LmsAttendance = { init: init, loadJsQR: loadJsQR };

  var sheet = document.getElementById("sheet");
  if (!sheet || sheet.hasAttribute("data-offline-sheet")) { return; }
  var page = init(sheet);
  // No signal: the sheet is kept on the phone (static/js/offline-store.js) instead of the browser's error page.
  sheet.addEventListener("submit", function (event) {
    if (navigator.onLine || !window.LmsOffline || !sheet.getAttribute("data-session")) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var id = sheet.getAttribute("data-session");
    window.LmsOffline.saveSheet({
      key: "s:" + id, session_id: Number(id), new_session: null, title: sheet.getAttribute("data-title"),
      base_version: Number(sheet.querySelector("input[name=version]").value), marks: page.marks()
    }).then(function () { window.location.href = sheet.getAttribute("data-offline-url") + "#kept"; });
  }, true);
})();
