// Batch printing: poll the job's JSON progress and move the bar until the PDF can be downloaded.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-bar");
  function show(state) {
    bar.style.width = state.percent + "%";
    bar.textContent = state.percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", state.percent);
    document.getElementById("job-label").textContent = state.label;
    document.getElementById("job-done").textContent = state.done;
    var error = document.getElementById("job-error");
    error.textContent = state.error || "";
    error.hidden = !state.error;
    var running = state.status === "queued" || state.status === "running";
    document.getElementById("job-hint").hidden = !running;
    bar.classList.toggle("progress-bar-animated", running);
    if (state.download) {
      var link = document.getElementById("job-download");
      link.href = state.download;
      link.hidden = false;
      var resume = document.getElementById("job-resume");
      if (resume) { resume.hidden = true; }
    }
    return running;
  }
  function poll() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) { if (show(state)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.dataset.status === "queued" || box.dataset.status === "running") { window.setTimeout(poll, 500); }
})();
