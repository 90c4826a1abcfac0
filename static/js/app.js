// Shared behaviour: show a progress overlay while a slow form submits or a slow link loads (data-busy="message").
(function () {
  "use strict";
  function showBusy(message) {
    var overlay = document.getElementById("busy");
    document.getElementById("busy-text").textContent = message || "正在处理，请稍候…";
    overlay.hidden = false;
    window.addEventListener("pageshow", function () { overlay.hidden = true; }, { once: true });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-busy") || event.defaultPrevented) { return; }
    showBusy(form.getAttribute("data-busy"));
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-busy]") : null;
    if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    showBusy(link.getAttribute("data-busy"));
  });
})();
