// Registry pages: filters that apply on change, and the enrolment form's class choice, which offers
// only the classes of the chosen teaching point and specialty. (No inline handlers: the CSP forbids them.)
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  var form = document.getElementById("enrol-form");
  if (!form) { return; }
  var point = form.querySelector("[name=teaching_point_id]");
  var specialty = form.querySelector("[name=specialty_id]");
  var klass = form.querySelector("[name=class_id]");
  function filterClasses() {
    Array.prototype.forEach.call(klass.options, function (option) {
      if (!option.dataset.point) { return; }            // 暂不分班 is always offered
      var fits = option.dataset.point === point.value && option.dataset.specialty === specialty.value;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) { klass.value = "0"; }
    });
  }
  point.addEventListener("change", filterClasses);
  specialty.addEventListener("change", filterClasses);
  filterClasses();
})();
