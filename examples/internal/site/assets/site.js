// The disclosure page's script: runs the WebAssembly verifier over the
// embedded published files, answers "was my unit drawn?", pages through
// the task list and checks a sealed unit's proof. Nothing is loaded from
// another site.
(function () {
  "use strict";
  var files = window.FIREDRAW_FILES || {};
  var rounds = window.FIREDRAW_ROUNDS || [];
  var $ = function (id) { return document.getElementById(id); };
  var parsed = {};

  function bi(zh, en) {
    var s = document.createElement("span");
    var a = document.createElement("span"); a.lang = "zh"; a.textContent = zh;
    var b = document.createElement("span"); b.lang = "en"; b.textContent = en;
    s.appendChild(a); s.appendChild(b);
    return s;
  }
  function say(el, zh, en) { el.textContent = ""; el.appendChild(bi(zh, en)); }

  function disclosure(round) {
    if (!parsed[round]) { parsed[round] = JSON.parse(files[round + "/disclosure.json"]); }
    return parsed[round];
  }

  // --- the verifier ---------------------------------------------------
  var ready = null;
  // wasmBytes gives the verifier's bytes: fetched beside the page from a
  // web server; from file://, where a page cannot fetch, read from
  // verify.js (the same bytes in base64), loaded on demand.
  function wasmBytes() {
    if (location.protocol !== "file:") {
      return fetch("verify.wasm").then(function (r) {
        if (!r.ok) { throw new Error("verify.wasm: HTTP " + r.status); }
        return r.arrayBuffer();
      });
    }
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = "verify.js";
      s.onload = function () {
        var bin = atob(window.FIREDRAW_WASM || "");
        var bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
        window.FIREDRAW_WASM = null;
        resolve(bytes);
      };
      s.onerror = function () { reject(new Error("verify.js did not load")); };
      document.head.appendChild(s);
    });
  }
  function start() {
    if (ready) { return ready; }
    var go = new Go();
    ready = wasmBytes().then(function (bytes) {
      return WebAssembly.instantiate(bytes, go.importObject);
    }).then(function (r) {
      go.run(r.instance);
      $("verdict").dataset.readyMs = String(Math.round(performance.now()));
      return window.firedraw;
    });
    return ready;
  }

  function verify() {
    var verdict = $("verdict"), list = $("problems"), btn = $("verify-run");
    btn.disabled = true;
    verdict.dataset.state = "running";
    say(verdict, "正在核验…", "Verifying…");
    list.textContent = "";
    var t0 = performance.now();
    return start().then(function (fd) { return fd.verify(files, rounds); }).then(function (json) {
      var rep = JSON.parse(json);
      var ms = Math.round(performance.now());
      verdict.dataset.ms = String(ms);
      verdict.dataset.verifyMs = String(Math.round(performance.now() - t0));
      // Each problem and note comes in English and in Chinese, one for one.
      var probs = [];
      var item = function (prefix, en, zh) {
        var li = document.createElement("li");
        li.appendChild(bi(prefix + (zh || en), prefix + en));
        return li;
      };
      (rep.log.problems || []).forEach(function (p, i) { probs.push(item("", p, (rep.log.problems_zh || [])[i])); });
      (rep.rounds || []).forEach(function (r) {
        (r.problems || []).forEach(function (p, i) { probs.push(item(r.name + ": ", p, (r.problems_zh || [])[i])); });
      });
      probs.forEach(function (li) { list.appendChild(li); });
      var secs = (ms / 1000).toFixed(1);
      if (rep.verified) {
        verdict.dataset.state = "verified";
        say(verdict, "✔ 已核验：日志链与顺序、种子推导、每个单位的伪随机数与抽样结果均与公布文件一致（" + rep.log.size + " 条日志，" + rep.rounds.length + " 轮；页面加载后 " + secs + " 秒）",
          "✔ Verified: the log's chain and order, the seed, every PRN and the selection agree with the published files (" + rep.log.size + " log entries, " + rep.rounds.length + " round(s); " + secs + " s after load)");
        (rep.rounds || []).forEach(function (r) {
          (r.notes || []).forEach(function (n, i) { list.appendChild(item(r.name + ": ", n, (r.notes_zh || [])[i])); });
        });
      } else {
        verdict.dataset.state = "failed";
        say(verdict, "✘ 未通过核验：发现 " + probs.length + " 处问题（见下）", "✘ Not verified: " + probs.length + " problem(s), listed below");
      }
    }).catch(function (e) {
      verdict.dataset.state = "error";
      say(verdict, "核验程序无法运行：" + e, "The verifier could not run: " + e);
    }).then(function () { btn.disabled = false; });
  }

  // --- "was my unit drawn?" -------------------------------------------
  function find(arr, key, id) {
    var lo = 0, hi = arr.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, k = arr[mid][key];
      if (k === id) { return arr[mid]; }
      if (k < id) { lo = mid + 1; } else { hi = mid - 1; }
    }
    return null;
  }
  function lookup(ev) {
    ev.preventDefault();
    var out = $("search-result"), round = $("search-round").value, id = $("search-unit").value.trim();
    if (!id || !files[round + "/disclosure.json"]) { say(out, "请输入单位编号。", "Enter a unit ID."); return; }
    var d = disclosure(round);
    var task = find(d.tasks, "unit", id), leaf = d.sealed ? null : find(d.units, "id", id);
    if (!d.sealed && !leaf) { say(out, "本轮名录中没有单位 " + id + "。", "Unit " + id + " is not in this round's directory."); return; }
    var p = leaf ? " π = " + leaf.pi + "，PRN = " + leaf.prn : "";
    var pe = leaf ? " π = " + leaf.pi + ", PRN = " + leaf.prn : "";
    if (task) {
      var team = task.teams.map(function (t) { return t.inspectors.join("、"); }).join("; ");
      say(out, "单位 " + id + " 本轮被抽中：检查日期 " + task.date + "，检查组 " + team + "，结果截止 " + task.results_due + "。" + p,
        "Unit " + id + " was drawn this round: visit on " + task.date + ", team " + team + ", results due " + task.results_due + "." + pe);
    } else if (d.sealed) {
      say(out, "单位 " + id + " 不在本轮任务清单中。密封模式不公布抽中概率：请用下方的证明核验。", "Unit " + id + " is not on this round's task list. Sealed mode publishes no probability: check your proof below.");
    } else {
      say(out, "单位 " + id + " 本轮未被抽中（抽中概率 " + leaf.pi + "，" + (leaf.selected ? "已抽中但同轮已检查" : "未抽中") + "）。" + p,
        "Unit " + id + " was not drawn this round (probability " + leaf.pi + (leaf.selected ? "; drawn but already visited this round" : "") + ")." + pe);
    }
  }

  // --- the task list, paged and searched ------------------------------
  function taskBrowser(box) {
    var round = box.dataset.round, d = disclosure(round), page = 0, per = 50, rows = d.tasks;
    var form = document.createElement("div"); form.className = "row";
    var q = document.createElement("input"); q.type = "search"; q.placeholder = "筛选：单位、日期、检查员 / filter: unit, date, inspector";
    var prev = document.createElement("button"); prev.type = "button"; prev.textContent = "‹";
    var next = document.createElement("button"); next.type = "button"; next.textContent = "›";
    var info = document.createElement("span");
    form.appendChild(q); form.appendChild(prev); form.appendChild(info); form.appendChild(next);
    var wrap = document.createElement("div"); wrap.className = "scroll";
    box.appendChild(form); box.appendChild(wrap);
    var table = box.previousElementSibling; // the server-rendered first rows
    function render() {
      var n = Math.max(1, Math.ceil(rows.length / per)); page = Math.min(page, n - 1);
      var t = document.createElement("table"); t.className = "tasks";
      t.innerHTML = table.querySelector("thead").outerHTML;
      var tb = document.createElement("tbody");
      rows.slice(page * per, page * per + per).forEach(function (k) {
        var tr = document.createElement("tr");
        [k.unit, k.date, k.teams.map(function (x) { return (x.department ? x.department + ": " : "") + x.inspectors.join("、"); }).join("; "),
          k.method ? k.method + (k.focus && k.focus.length ? " (" + k.focus.join("、") + ")" : "") : "—",
          k.pi.toFixed(4), k.prn.toFixed(6), k.results_due, k.id].forEach(function (v) {
          var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
        });
        tb.appendChild(tr);
      });
      t.appendChild(tb); wrap.textContent = ""; wrap.appendChild(t);
      info.textContent = (page + 1) + " / " + n + " (" + rows.length + ")";
    }
    q.addEventListener("input", function () {
      var s = q.value.trim();
      rows = !s ? d.tasks : d.tasks.filter(function (k) { return k.unit.indexOf(s) >= 0 || k.date.indexOf(s) >= 0 || JSON.stringify(k.teams).indexOf(s) >= 0; });
      page = 0; render();
    });
    prev.addEventListener("click", function () { if (page > 0) { page--; render(); } });
    next.addEventListener("click", function () { page++; render(); });
    table.hidden = true;
    render();
  }

  // --- a sealed unit's proof ------------------------------------------
  function checkProof() {
    var out = $("proof-result"), text = $("proof-text").value.trim(), round = $("search-round").value;
    if (!text) { say(out, "请粘贴或上传证明。", "Paste or upload a proof."); return; }
    start().then(function (fd) { return fd.proof(round, text); }).then(function (json) {
      var r = JSON.parse(json);
      if (r.error) { out.className = "bad"; say(out, "✘ 证明未通过核验：" + r.error, "✘ The proof does not verify: " + r.error); return; }
      out.className = "";
      say(out, "✔ 证明有效：单位 " + r.unit + (r.selected ? " 本轮被抽中" : " 本轮未被抽中") + "（PRN " + r.prn + "）",
        "✔ The proof verifies: unit " + r.unit + (r.selected ? " was drawn" : " was not drawn") + " this round (PRN " + r.prn + ")");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("verify-run").addEventListener("click", verify);
    $("search-form").addEventListener("submit", lookup);
    $("proof-run").addEventListener("click", checkProof);
    $("proof-file").addEventListener("change", function (e) {
      var f = e.target.files[0]; if (!f) { return; }
      f.text().then(function (t) { $("proof-text").value = t.split("\n")[0]; });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".tasks-js"), function (box) {
      if (files[box.dataset.round + "/disclosure.json"]) { taskBrowser(box); }
    });
    setTimeout(verify, 0);
  });
})();
