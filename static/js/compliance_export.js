// Polls the status of a background export and shows the download link when it is ready.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box) { return; }
  var bar = document.getElementById("export-bar");
  var message = document.getElementById("export-message");
  var download = document.getElementById("export-download");
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        message.textContent = data.status + (data.error ? ": " + data.error : "") + " (" + data.progress + " %)";
        if (data.status === "done") {
          download.hidden = false;
        } else if (data.status !== "failed") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
