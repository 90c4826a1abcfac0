// Shared behaviour: show a progress overlay while a slow form submits (data-busy="message").
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-busy") || event.defaultPrevented) { return; }
    var overlay = document.getElementById("busy");
    document.getElementById("busy-text").textContent = form.getAttribute("data-busy") || "正在处理,请稍候…";
    overlay.hidden = false;
    window.addEventListener("pageshow", function () { overlay.hidden = true; }, { once: true });
  });
})();
