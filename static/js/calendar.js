// Calendar keyboard navigation (progressive enhancement): arrow keys move between days of the month grid,
// Enter follows the first meeting of the focused day; PageUp/PageDown go to the previous/next period.
document.addEventListener("DOMContentLoaded", () => {
  const grid = document.getElementById("calendar-grid");
  if (grid) {
    const cells = Array.from(grid.querySelectorAll("td.calendar-day"));
    cells.forEach((cell, i) => {
      cell.tabIndex = cell.classList.contains("today") || (i === 0 && !grid.querySelector("td.today")) ? 0 : -1;
      cell.addEventListener("keydown", (event) => {
        const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
        if (event.target !== cell) return;
        if (event.key in moves) {
          const next = cells[i + moves[event.key]];
          if (next) {
            event.preventDefault();
            cell.tabIndex = -1;
            next.tabIndex = 0;
            next.focus();
          }
        } else if (event.key === "Enter") {
          const link = cell.querySelector("a");
          if (link) link.click();
        }
      });
    });
  }
  document.addEventListener("keydown", (event) => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName)) return;
    const rel = event.key === "PageUp" ? "prev" : event.key === "PageDown" ? "next" : null;
    const link = rel && document.querySelector(`a[rel="${rel}"]`);
    if (link) {
      event.preventDefault();
      link.click();
    }
  });
});
