// Hides the questions that the answers so far make irrelevant, and the
// matrix rows for channels not picked. The server decides what is stored
// (hidden answers are dropped there too); without this script every
// question simply stays visible with its "Answer if..." note.
(function () {
  "use strict";
  var form = document.querySelector("form[method=post]");
  if (!form) { return; }

  function containerOf(qid) { return document.getElementById("q-" + qid); }

  // The codes chosen in question qid, or [] when it is hidden or unanswered.
  function chosen(qid) {
    var box = containerOf(qid);
    if (!box || box.hidden) { return []; }
    var out = [];
    var fields = form.elements[qid];
    if (!fields) { return out; }
    if (fields.length === undefined || fields.tagName === "SELECT") { fields = [fields]; }
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if ((f.type === "radio" || f.type === "checkbox") ? f.checked : f.value !== "") { out.push(f.value); }
    }
    return out;
  }

  // Whether question qid has any answer at all (any of its fields).
  function answered(qid) {
    var box = containerOf(qid);
    if (!box || box.hidden) { return false; }
    var inputs = box.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var f = inputs[i];
      if (f.type === "hidden") { continue; }
      if ((f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "") { return true; }
    }
    return false;
  }

  function update() {
    var boxes = document.querySelectorAll("[data-if-q]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var q = box.getAttribute("data-if-q");
      var test = box.getAttribute("data-if");
      var codes = (box.getAttribute("data-if-codes") || "").split(" ").filter(Boolean);
      var got = chosen(q);
      var hit = got.some(function (c) { return codes.indexOf(c) >= 0; });
      var show = test === "answered" ? answered(q) : test === "is" ? hit : (got.length > 0 && !hit);
      box.hidden = !show;
    }
    var tables = document.querySelectorAll("table[data-rows-from]");
    for (var t = 0; t < tables.length; t++) {
      var picked = chosen(tables[t].getAttribute("data-rows-from"));
      var rows = tables[t].querySelectorAll("tr[data-row]");
      for (var r = 0; r < rows.length; r++) {
        rows[r].hidden = picked.indexOf(rows[r].getAttribute("data-row")) < 0;
      }
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();

  // After a refused submission, take the reader to the list of problems.
  var problems = document.getElementById("problems");
  if (problems) { problems.focus(); }
}());
