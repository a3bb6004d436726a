// Progressive enhancement for the watch-progress slider: a live label while it moves,
// and saving without a button press. Without this file the form works as a normal POST.
(function () {
  "use strict";
  var slider = document.getElementById("horizon");
  if (!slider) return;
  var output = document.getElementById("horizon-label");
  var labels = {};
  var pointerDown = false;
  var timer = null;
  document.querySelectorAll("#horizon-stops option").forEach(function (option) {
    labels[option.value] = option.label;
  });
  function showLabel() {
    var label = labels[slider.value] || "Watched through E" + slider.value;
    output.textContent = label;
    slider.setAttribute("aria-valuetext", label);
  }
  function save() { slider.form.requestSubmit(); }
  slider.addEventListener("input", showLabel);
  slider.addEventListener("pointerdown", function () { pointerDown = true; });
  slider.addEventListener("change", function () {
    clearTimeout(timer);
    if (pointerDown) { pointerDown = false; save(); return; }
    // Keyboard: arrow keys fire "change" on every step, so wait until the reader pauses.
    timer = setTimeout(save, 1200);
  });
})();

// Progress from anywhere (the header's picker, the "I have watched" buttons): the forms
// work as plain POSTs; this keeps the reader's place. The page's fragment travels with
// the picker, and the control used gets the keyboard focus back on the page it lands on.
(function () {
  "use strict";
  var KEY = "ballard-refocus";
  document.querySelectorAll("form[data-refocus]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var next = form.querySelector("input[name=next]");
      if (next && location.hash && next.value.indexOf("#") < 0) next.value += location.hash;
      try { sessionStorage.setItem(KEY, form.getAttribute("data-refocus")); } catch (e) { /* private mode */ }
    });
  });
  var id = null;
  try { id = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { return; }
  if (!id) return;
  var target = document.getElementById(id);
  if (!target) return;
  if (target.tagName === "DETAILS") target = target.querySelector("summary");
  target.focus({ preventScroll: id !== "progress-picker" ? false : true });
})();
