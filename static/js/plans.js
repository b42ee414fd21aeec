// The plan form: standard texts, adding goals, and keeping error marks in step with autosave.
// No inline scripts or handlers: the site's CSP allows only scripts from 'self'.
(function () {
  "use strict";

  function changed(field) {
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Insert a standard text into the field of the same block, at the cursor, then let autosave run.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-standard-text]");
    if (!button) return;
    var scope = button.closest("[data-insert-scope]");
    var field = scope && scope.querySelector("textarea, input[type=text]");
    if (!field || field.disabled) return;
    var text = button.getAttribute("data-standard-text");
    var start = field.selectionStart, end = field.selectionEnd;
    if (field.value.trim() === "") {
      field.value = text;
    } else if (typeof start === "number" && document.activeElement === field) {
      field.value = field.value.slice(0, start) + text + field.value.slice(end);
    } else {
      field.value = field.value.replace(/\s+$/, "") + "\n" + text;
    }
    field.focus();
    changed(field);
  });

  // Add a goal block from the template instead of posting the whole form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-goal]");
    if (!button) return;
    var template = document.getElementById("doel-sjabloon");
    var total = document.getElementById("id_goals-TOTAL_FORMS");
    var list = document.getElementById("doelen");
    if (!template || !total || !list) return;
    event.preventDefault();
    var index = parseInt(total.value, 10) || 0;
    var wrapper = document.createElement("div");
    wrapper.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var block = wrapper.firstElementChild;
    block.removeAttribute("id");
    var legend = block.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.trim() + " (" + (index + 1) + ")";
    list.appendChild(block);
    total.value = String(index + 1);
    if (window.htmx) window.htmx.process(block);
    var first = block.querySelector("input[type=text], textarea");
    if (first) first.focus();
  });

  // A goal marked for removal is dimmed; autosave removes it on the server.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[type=checkbox][name$='-DELETE']")) return;
    var block = box.closest("[data-goal]");
    if (block) block.classList.toggle("opacity-50", box.checked);
  });

  // After an autosave, mark exactly the fields that have an error.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-errors-for]").forEach(function (box) {
      var field = document.getElementById(box.getAttribute("data-errors-for"));
      if (!field || !field.classList) return;
      var invalid = box.textContent.trim() !== "";
      field.classList.toggle("is-invalid", invalid);
      if (invalid) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
    });
  });
})();
