// Refresh the quorum board every 3 seconds. The page works without this script (it then
// reloads itself every 10 seconds through a <noscript> meta refresh).
(function () {
  var script = document.currentScript;
  var url = script && script.getAttribute("data-url");
  var board = document.querySelector("[data-board]");
  if (!url || !board || !window.fetch) return;
  function set(name, value) {
    var el = board.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = value;
  }
  function update(data) {
    set("present", data.present);
    set("eligible", data.eligible);
    set("line", data.line);
    set("status", data.met ? "已达到，会议有效" : "尚未达到");
    set("checked_in", data.checked_in);
    set("proxies", data.proxies);
    if (data.counts_area) set("present_area", data.present_area);
    var fill = board.querySelector('[data-field="fill"]');
    if (fill && data.eligible) fill.style.width = (100 * data.present / data.eligible).toFixed(1) + "%";
    board.classList.toggle("met", data.met);
    board.classList.toggle("unmet", !data.met);
    var list = board.querySelector('[data-field="turnout"]');
    if (list) {
      list.textContent = "";
      data.turnout.forEach(function (t) {
        var li = document.createElement("li");
        li.textContent = t.title + "：已投 " + t.voted + " / " + t.eligible + " 户";
        list.appendChild(li);
      });
    }
  }
  function poll() {
    fetch(url, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 3000);
})();
