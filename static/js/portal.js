// Kept tiny: the portal works without JavaScript; this only adds conveniences.
document.addEventListener("htmx:afterSwap", (event) => {
  const status = document.getElementById("zoekstatus");
  if (status && event.detail.target.id === "zoekresultaten") {
    status.textContent = event.detail.target.dataset.summary || "";
  }
});

// A form sent back with an error: the server marked the first wrong field `autofocus`; bring it, with its
// message, to the middle of the screen (on a phone the page would otherwise open at the top). Once more when
// everything has loaded, as late styles and images move the field.
function showFirstError() {
  // Forms that do not mark one (our Bootstrap forms and Django's own) still mark every wrong field: take the first.
  const field = document.querySelector("form [autofocus][aria-invalid='true']")
    || document.querySelector("main form [aria-invalid='true'], main form .is-invalid:not([type='hidden'])");
  if (!field) return;
  const block = field.closest("fieldset, .mb-3") || field;
  if (document.activeElement !== field) field.focus({ preventScroll: true });
  block.scrollIntoView({ block: "center", behavior: "instant" });
}
document.addEventListener("DOMContentLoaded", showFirstError);
window.addEventListener("load", showFirstError);
