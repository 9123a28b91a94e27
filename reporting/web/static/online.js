/* 在线填报: check as one types.  The page works without this file (the server checks on 提交);
   here each change sends the fields to the server, which writes the workbook, checks it with
   validate's rules, keeps the draft and answers with the findings of each field. */
(function () {
  "use strict";
  var form = document.getElementById("online");
  if (!form || !window.fetch || !window.FormData) return;
  var url = form.getAttribute("data-check");
  var live = document.getElementById("live");
  var timer = null, sent = 0;

  function slot(name) {
    var slots = form.querySelectorAll(".slot");
    for (var i = 0; i < slots.length; i++) {
      if (slots[i].getAttribute("data-for") === name) return slots[i];
    }
    return slots[0];  /* the return as a whole */
  }

  function show(data) {
    var slots = form.querySelectorAll(".slot");
    for (var i = 0; i < slots.length; i++) slots[i].textContent = "";
    Object.keys(data.fields).forEach(function (name) {
      data.fields[name].forEach(function (f) {
        var p = document.createElement("p");
        p.className = "finding " + (f.error ? "error" : "warning");
        p.textContent = f.severity + "：" + f.message;  /* text, never markup */
        slot(name).appendChild(p);
      });
    });
    var words = data.errors
      ? "有" + data.errors + "处错误（改正后才能提交）"
      : "未发现错误，可以提交";
    if (data.warnings) words += "；" + data.warnings + "条提示";
    live.textContent = words + "。草稿已自动保存（" + data.saved_at + "）";
    live.className = "live " + (data.errors ? "bad" : "good");
  }

  function check() {
    var fields = new FormData(form);
    fields.delete("action");
    // sent as the form itself is (urlencoded): the server reads that several times faster
    var body = window.URLSearchParams ? new URLSearchParams(fields) : fields;
    var mine = ++sent;
    live.textContent = "正在检查…";
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { if (mine === sent) show(data); })
      .catch(function () {
        if (mine === sent) live.textContent = "暂时无法检查（网络问题），提交时会再检查";
      });
  }

  function soon(delay) {
    clearTimeout(timer);
    timer = setTimeout(check, delay);
  }
  form.addEventListener("change", function () { soon(150); });
  form.addEventListener("input", function () { soon(900); });
  if (form.getAttribute("data-check-now")) check();
})();
