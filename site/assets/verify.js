// The verification page: the status on a date the reader picks, from the periods the
// page shows (the release's answer; nothing is computed that the table does not say).
(function () {
  var form = document.getElementById("on-date");
  if (!form) return;
  var input = document.getElementById("day");
  var out = document.getElementById("day-answer");
  var rows = document.querySelectorAll("#periods tr[data-from]");
  function answer() {
    var d = input.value;
    if (!d) { out.textContent = ""; return; }
    if (d < form.dataset.start) { out.textContent = "该日早于登记制度施行之日，当时无广告发布登记制度。"; return; }
    var after = d > form.dataset.end;
    var day = after ? form.dataset.end : d;
    var found = null;
    rows.forEach(function (r) { if (r.dataset.from <= day && day <= r.dataset.to) found = r.dataset.status; });
    var text = found ? found : "该日无有效登记";
    out.textContent = after ? "登记制度已终止，无需登记；终止时状态：" + text : d + "：" + text;
  }
  input.addEventListener("input", answer);
  form.addEventListener("submit", function (e) { e.preventDefault(); answer(); });
})();
