// Offline certificate check: verifies the Ed25519 signature in a certificate's QR code in the browser,
// with only the school's public key (embedded in the page). No network is needed: a service worker
// caches this page and its scripts, and the revocation list last seen online is kept in localStorage.
// The payload format mirrors lms/certificates/signing.py: URL#<base64url(body)>.<base64url(signature)>,
// body = UTF-8 JSON [version, type code, number, masked name, specialty, YYYYMMDD, school].
(function () {
  "use strict";
  var root = document.getElementById("verifier");
  if (!root) { return; }
  var TYPES = { "1": "毕业证书", "2": "结业证书", "3": "写实性学习证明" };
  var PAYLOAD = /([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{86})\s*$/;
  var STORE = "lms-revoked";
  var result = document.getElementById("result");

  function decode(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    // Unused low bits set: not what the school prints, so not accepted either (same as the server).
    if (btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") !== text) {
      throw new Error("non-canonical base64url");
    }
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  var publicKey = decode(root.dataset.publicKey);

  function revocations() {
    try { return JSON.parse(window.localStorage.getItem(STORE)) || null; } catch (e) { return null; }
  }

  function refreshRevocations() {
    fetch(root.dataset.revokedUrl, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { window.localStorage.setItem(STORE, JSON.stringify(data)); } noteRevocations(); })
      .catch(noteRevocations);
  }

  // The list's day in China (UTC+8, no daylight saving): `on` from the server, or — for a list cached by an
  // older page, which sent only a UTC `as_of` — that instant moved to China's calendar.
  function listDay(list) {
    var day = list.on || new Date(Date.parse(list.as_of) + 8 * 3600 * 1000).toISOString().slice(0, 10);
    return day.slice(0, 4) + "年" + Number(day.slice(5, 7)) + "月" + Number(day.slice(8, 10)) + "日";
  }

  function noteRevocations() {
    var list = revocations();
    document.getElementById("revocation-note").textContent = list
      ? "撤销名单更新于 " + listDay(list) + "。" : "尚未取得撤销名单（联网打开本页一次即可）。";
  }

  // Returns {ok, message, facts}; never throws.
  function check(text) {
    text = (text || "").trim();
    var fragment = text.indexOf("#") >= 0 ? text.slice(text.lastIndexOf("#") + 1) : text;
    var match = PAYLOAD.exec(fragment);
    if (!match) { return { ok: false, message: "不是本系统证书的二维码内容（找不到签名数据）" }; }
    var body, signature;
    try { body = decode(match[1]); signature = decode(match[2]); } catch (e) {
      return { ok: false, message: "二维码内容已损坏，无法解码" };
    }
    if (signature.length !== 64 || !nacl.sign.detached.verify(body, signature, publicKey)) {
      return { ok: false, message: "签名无效：二维码内容被篡改，或不是本校签发的证书" };
    }
    var fields;
    try { fields = JSON.parse(new TextDecoder("utf-8").decode(body)); } catch (e) { fields = null; }
    if (!fields || fields[0] !== 1 || fields.length !== 7) {
      return { ok: false, message: "签名有效，但内容格式无法识别（可能需要更新核验页面）" };
    }
    var date = fields[5];
    return { ok: true, message: "签名有效：本证书由学校签发，内容未被改动", facts: {
      type: TYPES[fields[1]] || "未知类型", number: fields[2], name: fields[3], specialty: fields[4],
      issued: date.slice(0, 4) + "年" + Number(date.slice(4, 6)) + "月" + Number(date.slice(6, 8)) + "日",
      school: fields[6] } };
  }

  function show(outcome) {
    result.textContent = "";
    var alert = document.createElement("div");
    var revoked = outcome.ok && revocations() && revocations().numbers.indexOf(outcome.facts.number) >= 0;
    alert.className = "alert " + (outcome.ok && !revoked ? "alert-success" : "alert-danger");
    alert.setAttribute("data-ok", outcome.ok && !revoked ? "true" : "false");
    var title = document.createElement("div");
    title.className = "fw-bold";
    title.textContent = revoked ? "签名有效，但该证书已被撤销" : outcome.message;
    alert.appendChild(title);
    if (outcome.ok) {
      var list = document.createElement("dl");
      list.className = "row mb-0 mt-2 small";
      [["证书类型", outcome.facts.type], ["证书编号", outcome.facts.number], ["姓名", outcome.facts.name],
       ["专业", outcome.facts.specialty], ["发证日期", outcome.facts.issued], ["发证学校", outcome.facts.school]]
        .forEach(function (pair) {
          var term = document.createElement("dt"); term.className = "col-4"; term.textContent = pair[0];
          var value = document.createElement("dd"); value.className = "col-8"; value.textContent = pair[1];
          list.appendChild(term); list.appendChild(value);
        });
      alert.appendChild(list);
      var note = document.createElement("div");
      note.className = "small mt-2";
      var list_ = revocations();
      note.textContent = revoked ? "依据 " + listDay(list_) + " 的撤销名单。"
        : "请核对证书上的姓名与编号。" + (list_ ? "截至 " + listDay(list_) + " 的撤销名单中没有此证书；"
          : "") + "之后是否被撤销，请在有网络时扫码打开在线核验页面确认。";
      alert.appendChild(note);
    }
    result.appendChild(alert);
  }

  function checkText(text) {
    document.getElementById("qr-text").value = text;
    show(check(text));
  }

  function decodeImage(source, width, height) {
    var canvas = document.createElement("canvas");
    canvas.width = width; canvas.height = height;
    var context = canvas.getContext("2d");
    context.drawImage(source, 0, 0, width, height);
    var code = jsQR(context.getImageData(0, 0, width, height).data, width, height);
    return code ? code.data : null;
  }

  document.getElementById("check").addEventListener("click", function () {
    show(check(document.getElementById("qr-text").value));
  });

  document.getElementById("scan-photo").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) { return; }
    var image = new Image();
    image.onload = function () {
      var scale = Math.min(1, 1600 / Math.max(image.width, image.height));
      var text = decodeImage(image, Math.round(image.width * scale), Math.round(image.height * scale));
      URL.revokeObjectURL(image.src);
      if (text) { checkText(text); } else { show({ ok: false, message: "图片中没有识别到二维码，请靠近一些重新拍摄" }); }
    };
    image.src = URL.createObjectURL(file);
  });

  document.getElementById("scan-camera").addEventListener("click", function () {
    var video = document.getElementById("camera");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      show({ ok: false, message: "此浏览器不能使用摄像头，请改用“拍照/选图片识别”" });
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      function tick() {
        if (video.readyState === video.HAVE_ENOUGH_DATA) {
          var text = decodeImage(video, video.videoWidth, video.videoHeight);
          if (text) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            video.hidden = true;
            checkText(text);
            return;
          }
        }
        window.requestAnimationFrame(tick);
      }
      window.requestAnimationFrame(tick);
    }).catch(function () {
      show({ ok: false, message: "无法打开摄像头（未授权或没有摄像头），请改用“拍照/选图片识别”" });
    });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl).catch(function () { /* still works online */ });
  }
  refreshRevocations();
  window.lmsOfflineCheck = check;   // for tests and the curious
})();
