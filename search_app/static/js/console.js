// Live progress of a queued job on /editor/jobs/<id>: polls the job's JSON until it ends.
(function () {
  "use strict";
  function update(box, job) {
    box.dataset.state = job.state;
    var set = function (name, text, show) {
      var el = box.querySelector('[data-field="' + name + '"]');
      if (!el) return;
      el.textContent = text;
      if (show !== undefined) el.hidden = !show;
    };
    set("state_label", job.state_label);
    var p = job.progress || {};
    set("progress_text", (p.message || "") + " " + (p.done != null ? p.done : "") + (p.total ? " из " + p.total : ""));
    set("result", job.result || "", !!job.result);
    set("error", job.error || "", !!job.error);
    var bar = box.querySelector('[data-field="percent"]');
    if (bar) {
      if (job.percent != null) bar.value = job.percent;
      else if (job.state === "done") bar.value = 100;
    }
  }
  function poll(box) {
    if (box.dataset.state === "done" || box.dataset.state === "failed") return;
    fetch(box.dataset.jobUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (job) update(box, job);
        setTimeout(function () { poll(box); }, parseInt(box.dataset.poll, 10) || 2000);
      })
      .catch(function () { setTimeout(function () { poll(box); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-url]").forEach(poll);
  });
})();
