// The phone attendance sheet: one tap per status change, live counts, and QR / student-number sign-in.
(function () {
  "use strict";
  var sheet = document.getElementById("sheet");
  if (!sheet) { return; }
  var fullHours = sheet.getAttribute("data-session-hours");
  var crediting = {};   // the statuses that earn hours, as lms.rules.crediting says (data-crediting)
  sheet.getAttribute("data-crediting").split(" ").forEach(function (code) { crediting[code] = true; });
  var scanned = {};

  function rowStatus(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "present";
  }

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
  document.getElementById("scan-submit").addEventListener("click", function () {
    signIn(input.value); input.value = ""; input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); signIn(input.value); input.value = ""; }
  });
  document.getElementById("absent-unscanned").addEventListener("click", function () {
    sheet.querySelectorAll(".sheet-row").forEach(function (row) {
      if (!scanned[row.getAttribute("data-student")]) { setStatus(row, "absent"); }
    });
    refreshSummary();
  });

  // Camera scanning: needs a secure context (HTTPS or localhost) for getUserMedia.
  var video = document.getElementById("camera");
  var canvas = document.getElementById("camera-frame");
  var lastCode = "", lastAt = 0;
  function scanFrame() {
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
  document.getElementById("camera-start").addEventListener("click", function () {
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say("此页面不是通过 HTTPS 或 localhost 打开，浏览器不允许使用摄像头；请输入学号签到。", false);
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play(); scanFrame();
        say("请将学员证二维码对准摄像头", true);
      })
      .catch(function () { say("无法打开摄像头（可能未授权）；请输入学号签到。", false); });
  });

  refreshSummary();
})();
