// Search with no server: the index is script files (search/meta.js, search/k/N.js,
// search/d/N.js) loaded with <script> tags, so it works from a folder opened in a
// browser (file://) and from any static host. See publisher/web/searchindex.py.
(function () {
  "use strict";
  var root = document.currentScript.src.replace(/assets\/search\.js(\?.*)?$/, "");
  var PAGE = 50;
  var meta = null;
  var loaded = {};
  var waiting = {};
  var store = { k: {}, d: {} };

  function load(name) {
    if (!loaded[name]) {
      loaded[name] = new Promise(function (resolve, reject) {
        waiting[name] = resolve;
        var s = document.createElement("script");
        s.src = root + "search/" + name + ".js";
        s.onerror = function () { reject(new Error("cannot load search/" + name + ".js")); };
        document.head.appendChild(s);
      });
    }
    return loaded[name];
  }
  function arrived(kind, i, data) {
    store[kind][i] = data;
    var name = kind + "/" + i;
    if (waiting[name]) waiting[name](data);
  }

  function fnv1a(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  function norm(s) { return s.normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }
  function postings(key) {
    var shard = fnv1a(key) % meta.keyShards;
    return load("k/" + shard).then(function (keys) {
      var text = keys[key];
      if (!text) return [];
      var out = [], last = 0;
      text.split(",").forEach(function (d) { last += parseInt(d, 36); out.push(last); });
      return out;
    });
  }
  function intersect(lists) {
    lists.sort(function (a, b) { return a.length - b.length; });
    var sets = lists.slice(1).map(function (l) { return new Set(l); });
    return lists[0].filter(function (x) { return sets.every(function (s) { return s.has(x); }); });
  }
  function doc(n) {
    var shard = Math.floor(n / meta.docsPerShard);
    return load("d/" + shard).then(function (docs) { return docs[n - shard * meta.docsPerShard]; });
  }

  // Candidates: [{id, check}] where check(doc) says whether the document matches.
  function plan(q) {
    var chars = Array.from(q);
    var steps = [];
    var contains = function (d) { return d[4].split("\t").some(function (n) { return n.replace(/\s+/g, "").indexOf(q) >= 0; }); };
    if (chars.length === 1) steps.push(postings("c" + q).then(function (ids) { return { ids: ids, check: null }; }));
    else if (chars.length === 2) steps.push(postings("b" + q).then(function (ids) { return { ids: ids, check: null }; }));
    else {
      var mid = Math.floor((chars.length - 2) / 2), last = chars.length - 2;
      var pairs = [0, mid, last].map(function (i) { return "b" + chars[i] + chars[i + 1]; });
      steps.push(Promise.all(pairs.map(postings)).then(function (ls) { return { ids: intersect(ls), check: contains }; }));
    }
    if (/^[a-z0-9]+$/.test(q) && /[a-z]/.test(q) && q.length >= 2) {
      var starts = function (d) {
        return (d[5] + " " + d[6]).split(" ").some(function (p) { return p && p.indexOf(q) === 0; });
      };
      steps.push(postings("p" + q.slice(0, 2)).then(function (ids) { return { ids: ids, check: starts }; }));
    }
    return Promise.all(steps).then(function (found) {
      var byId = new Map();
      found.forEach(function (f) {
        f.ids.forEach(function (id) {
          var had = byId.get(id);
          // exact beats checked; two checks: either may match
          if (had === undefined) byId.set(id, f.check ? [f.check] : null);
          else if (had !== null) { if (f.check) had.push(f.check); else byId.set(id, null); }
        });
      });
      return Array.from(byId.keys()).sort(function (a, b) { return a - b; }).map(function (id) {
        return { id: id, checks: byId.get(id) };
      });
    });
  }

  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  var input = document.getElementById("q");
  var cursor = { list: [], at: 0, shown: 0, q: "" };

  function show(d) {
    var li = document.createElement("li");
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = d[2];
    var a = document.createElement("a");
    a.href = root + d[0];
    a.textContent = d[1];
    li.appendChild(kind);
    li.appendChild(a);
    var names = d[4].split("\t").filter(function (n) { return n && n !== d[1]; }).slice(0, 3);
    if (d[3] || (d[2] === "公告" && names.length)) {
      var t = document.createElement("span");
      t.className = "meta";
      t.textContent = " " + [d[3]].concat(d[2] === "公告" ? names : []).filter(Boolean).join(" · ");
      li.appendChild(t);
    }
    results.appendChild(li);
  }
  function next() {
    var target = cursor.shown + PAGE;
    var step = function () {
      if (cursor.shown >= target || cursor.at >= cursor.list.length) return Promise.resolve();
      var batch = cursor.list.slice(cursor.at, cursor.at + PAGE);
      cursor.at += batch.length;
      return Promise.all(batch.map(function (c) { return doc(c.id); })).then(function (docs) {
        docs.forEach(function (d, i) {
          var checks = batch[i].checks;
          if (cursor.shown < target && (checks === null || checks.some(function (f) { return f(d); }))) {
            show(d);
            cursor.shown += 1;
          }
        });
        return step();
      });
    };
    return step().then(function () {
      var left = cursor.at < cursor.list.length;
      more.hidden = !left;
      status.textContent = cursor.shown
        ? "“" + cursor.q + "”：显示" + cursor.shown + "条" + (left ? "，还有更多" : "") + "。"
        : "没有找到与“" + cursor.q + "”匹配的公告、广告发布单位或发布媒介。";
      document.body.setAttribute("data-search-done", cursor.q);
    });
  }
  function run(raw) {
    var q = norm(raw || "");
    results.textContent = "";
    more.hidden = true;
    if (!q) { status.textContent = ""; return; }
    if (/^[a-z]$/.test(q)) { status.textContent = "拼音请至少输入两个字母。"; document.body.setAttribute("data-search-done", q); return; }
    status.textContent = "搜索中……";
    plan(q).then(function (list) {
      cursor = { list: list, at: 0, shown: 0, q: raw.trim() };
      return next();
    }).catch(function (e) { status.textContent = "搜索索引无法加载：" + e.message; });
  }

  window.adregSearch = {
    meta: function (m) {
      meta = m;
      var q = new URLSearchParams(window.location.search).get("q") || "";
      if (input) input.value = q;
      run(q);
    },
    keys: function (i, data) { arrived("k", i, data); },
    docs: function (i, data) { arrived("d", i, data); },
    run: run
  };
  if (more) more.addEventListener("click", function () { next(); });
})();
