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
