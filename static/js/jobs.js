// Polls a background job's status and updates the progress bar; shows the download link when done.
(() => {
  const root = document.getElementById("job");
  if (!root) return;
  const bar = document.getElementById("job-progress");
  const message = document.getElementById("job-message");
  const download = document.getElementById("job-download");
  const poll = async () => {
    const response = await fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const job = await response.json();
    bar.value = job.progress;
    bar.textContent = `${job.progress}%`;
    if (job.status === "done") {
      message.textContent = root.dataset.doneLabel;
      download.href = job.download_url;
      download.classList.remove("d-none");
      download.focus();
      return;
    }
    if (job.status === "failed") {
      message.textContent = root.dataset.failedLabel;
      return;
    }
    message.textContent = `${job.status_label}${job.message ? " · " + job.message : ""}`;
    setTimeout(poll, 1000);
  };
  poll();
})();
