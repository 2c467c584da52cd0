// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit selects marked data-autosubmit (filters), keeping a submit button for keyboard users.
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form && el.form.requestSubmit());
  });

  // A table wider than the screen scrolls inside its container: that container then takes the focus (Tab), so the
  // arrow keys scroll it, and is a region named by the table's caption.
  let captions = 0;
  const reachScrollingTables = () => {
    document.querySelectorAll(".table-responsive").forEach((box) => {
      if (box.scrollWidth > box.clientWidth) {
        const caption = box.querySelector("caption");
        if (caption) {
          caption.id = caption.id || `table-caption-${++captions}`;
          box.setAttribute("role", "region");
          box.setAttribute("aria-labelledby", caption.id);
        }
        box.tabIndex = 0;
      } else if (box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-labelledby");
      }
    });
  };
  reachScrollingTables();
  let resizing;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(reachScrollingTables, 200);
  });
});
