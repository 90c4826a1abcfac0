// Certificate pages: a "select all" box for the eligible-learner lists.
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll('input[name="' + box.dataset.checkAll + '"]').forEach(function (item) {
        item.checked = box.checked;
      });
    });
  });
})();
