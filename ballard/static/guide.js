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

// Search as you type: the header's search box lists the names and titles the typed text
// leads to (the JSON API's suggest answer, for the page's own horizon), as an ARIA 1.2
// combobox. Without this file the box is a plain search form.
(function () {
  "use strict";
  var form = document.querySelector("form.search-form[data-suggest]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[type=search]");
  var list = document.createElement("ul");
  var status = document.createElement("p");
  var active = -1, timer = null, asked = "", options = [];
  list.id = input.id + "-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");  // a live region, not a second role=status
  form.appendChild(list);
  form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function mark(index) {
    options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }
  function choose(text) {
    input.value = text;
    close();
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }
  function show(words) {
    list.textContent = "";
    options = words.map(function (word, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = word;
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { choose(word); });
      list.appendChild(li);
      return li;
    });
    status.textContent = words.length ? words.length + (words.length === 1 ? " suggestion" : " suggestions") : "";
    if (!words.length) { close(); return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    mark(-1);
  }
  function ask() {
    var text = input.value;
    if (text.trim().length < 2) { asked = ""; show([]); return; }
    if (text === asked) return;
    asked = text;
    fetch(form.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" }, credentials: "omit"
    }).then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (answer) { if (input.value === text) show(answer.suggestions || []); })
      .catch(function () { show([]); });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 120); });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      if (event.key === "ArrowDown" && options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); mark(0); event.preventDefault(); }
      return;
    }
    if (event.key === "ArrowDown") { mark((active + 1) % options.length); event.preventDefault(); }
    else if (event.key === "ArrowUp") { mark(active <= 0 ? options.length - 1 : active - 1); event.preventDefault(); }
    else if (event.key === "Escape") { close(); event.preventDefault(); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options[active].textContent); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
