// Kept tiny: the portal works without JavaScript; this only adds conveniences.
document.addEventListener("htmx:afterSwap", (event) => {
  const status = document.getElementById("zoekstatus");
  if (status && event.detail.target.id === "zoekresultaten") {
    status.textContent = event.detail.target.dataset.summary || "";
  }
});
