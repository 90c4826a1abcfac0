// The recognition application form: show only the fieldsets that fit the chosen evidence type.
(function () {
  "use strict";
  var form = document.getElementById("recognition-form");
  if (!form) { return; }
  var select = form.querySelector("#evidence_type");
  function key(value) { return value.indexOf("证书") >= 0 ? "证书" : value; }
  function update() {
    var chosen = key(select.value);
    form.querySelectorAll("[data-for]").forEach(function (part) {
      part.hidden = part.getAttribute("data-for").split(" ").indexOf(chosen) < 0;
    });
  }
  select.addEventListener("change", update);
  update();
})();
