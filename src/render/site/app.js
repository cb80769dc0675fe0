// paperwatch site: instant search, topic and date filters, sorting. No dependencies.
// Paper text is untrusted: it only ever reaches the page through textContent.
(function () {
  "use strict";
  var data = window.PAPERWATCH_DATA;
  var list = document.getElementById("papers");
  var count = document.getElementById("count");
  var more = document.getElementById("more");
  var q = document.getElementById("q");
  var topic = document.getElementById("topic");
  var from = document.getElementById("from");
  var to = document.getElementById("to");
  var sort = document.getElementById("sort");
  if (!data || !list) {
    if (count) count.textContent = "No data: data/index.js is missing.";
    return;
  }
  // The papers come in data files (one per year, split when large), newest first; the index
  // says what each holds, so a view loads only the files it needs.
  var base = document.currentScript ? document.currentScript.src.replace(/[^\/]*$/, "") : "";
  var PAGE = 200;
  var shown = PAGE;
  var papers = [];
  var byAnchor = {};
  var state = {}; // file: "loading" | "loaded" | "failed"
  var jumped = false;
  window.PAPERWATCH_SHARD = function (shard) {
    for (var i = 0; i < shard.papers.length; i++) {
      var p = shard.papers[i];
      p.haystack = (p.title + " " + p["abstract"] + " " + p.authors.join(" ")).toLowerCase();
      p.node = null;
      papers.push(p);
      byAnchor[p.anchor] = p;
    }
    state[shard.file] = "loaded";
  };
  function load(file) {
    state[file] = "loading";
    var s = document.createElement("script");
    s.src = base + "data/" + file;
    s.onload = function () { if (state[file] === "loading") state[file] = "failed"; apply(); };
    s.onerror = function () { state[file] = "failed"; apply(); };
    document.head.appendChild(s);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function link(href, text) {
    var a = el("a", null, text);
    a.href = href;
    return a;
  }

  function render(p) {
    if (p.node) return p.node;
    var vid = p.id + "v" + p.version;
    var li = el("li", "paper");
    li.id = p.anchor;
    var h = el("h2");
    h.appendChild(link("https://arxiv.org/abs/" + vid, p.title));
    li.appendChild(h);
    var meta = el("p", "meta");
    var time = el("time", null, p.date);
    time.dateTime = p.date;
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · " + p.authors.join(", ")));
    li.appendChild(meta);
    var tags = el("p", "tags");
    for (var c = 0; c < p.categories.length; c++) tags.appendChild(el("span", "cat", p.categories[c]));
    for (var t = 0; t < p.topics.length; t++) {
      var tp = data.topics[p.topics[t]];
      var ta = link((document.body.dataset.topic ? "" : "topics/") + tp.slug + ".html", tp.name);
      ta.className = "topic";
      tags.appendChild(ta);
    }
    li.appendChild(tags);
    if (p.tldr) li.appendChild(el("p", "tldr", p.tldr));
    var details = el("details");
    details.appendChild(el("summary", null, "Abstract"));
    details.appendChild(el("p", "abstract", p["abstract"]));
    li.appendChild(details);
    var links = el("p", "links");
    links.appendChild(link("https://arxiv.org/pdf/" + vid, "PDF"));
    links.appendChild(link("https://arxiv.org/abs/" + vid, "arXiv " + vid));
    if (p.code) links.appendChild(link(p.code, "Code"));
    var here = document.body.dataset.topic;
    var tname = here || (p.topics.length ? data.topics[p.topics[0]].name : "");
    if ((data.feedback || data.inbox) && tname) {
      // 👍/👎 for the page's topic, else the paper's first. In github mode they open an issue
      // on the tracker's repository, titled as `paperwatch feedback` reads it ("paperwatch:
      // relevant|irrelevant <id> in <topic>"); in serve mode the paper's page in the local
      // inbox, where one click confirms.
      var target = function (word) {
        if (data.inbox) {
          return data.inbox + "/paper/" + p.id + "?topic=" + encodeURIComponent(tname) +
            "&verdict=" + word;
        }
        return "https://github.com/" + data.feedback + "/issues/new?title=" +
          encodeURIComponent("paperwatch: " + word + " " + p.id + " in " + tname) +
          "&labels=paperwatch";
      };
      var up = link(target("relevant"), "👍 more like this");
      up.className = "feedback";
      links.appendChild(up);
      var down = link(target("irrelevant"), "👎 not for me");
      down.className = "feedback";
      links.appendChild(down);
      var keep = link(data.inbox ? data.inbox + "/paper/" + p.id :
        "https://github.com/" + data.feedback + "/issues/new?title=" +
        encodeURIComponent("paperwatch: star " + p.id) + "&labels=paperwatch", "⭐ keep");
      keep.className = "star";
      links.appendChild(keep);
    }
    var near = (window.PAPERWATCH_SIMILAR || {})[p.id];
    if (near && near.length) {
      // The shown papers most like this one, by title when their data file is loaded.
      var like = el("p", "similar", "More like this: ");
      for (var j = 0; j < near.length; j++) {
        var anchor = "arXiv-" + near[j].replace("/", "-");
        var other = byAnchor[anchor];
        if (j) like.appendChild(document.createTextNode(" · "));
        like.appendChild(link("#" + anchor, other ? other.title : near[j]));
      }
      li.appendChild(like);
    }
    var self = link("#" + p.anchor, "#");
    self.setAttribute("aria-label", "Link to this paper");
    links.appendChild(self);
    li.appendChild(links);
    p.node = li;
    return li;
  }

  function matches(p, terms, t, f, u) {
    if (t !== "" && p.topics.indexOf(+t) < 0) return false;
    if (f && p.date < f) return false;
    if (u && p.date > u) return false;
    for (var k = 0; k < terms.length; k++) if (p.haystack.indexOf(terms[k]) < 0) return false;
    return true;
  }

  var orders = {
    "new": function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : (a.id < b.id ? 1 : -1); },
    "old": function (a, b) { return a.date > b.date ? 1 : a.date < b.date ? -1 : (a.id > b.id ? 1 : -1); },
    "score": function (a, b) { return (b.rank || 0) - (a.rank || 0) || (a.id < b.id ? 1 : -1); },
    "title": function (a, b) { return a.title.localeCompare(b.title) || (a.id < b.id ? 1 : -1); }
  };

  function view() {
    return {
      terms: q.value.toLowerCase().split(/\s+/).filter(Boolean),
      topic: topic.value, from: from.value, to: to.value, sort: sort.value,
      target: location.hash.slice(1)
    };
  }
  function inRange(v, s) { return (!v.from || s.newest >= v.from) && (!v.to || s.oldest <= v.to); }
  function inside(v, s) { return (!v.from || s.oldest >= v.from) && (!v.to || s.newest <= v.to); }
  function size(v, s) { return v.topic === "" ? s.count : s.counts[+v.topic]; }

  // The data files this view needs: all in its date range to search or rank; otherwise, in date
  // order, enough for the rows shown, plus the files the range cuts (so the count stays exact).
  function needed(v) {
    var range = data.shards.filter(function (s) { return inRange(v, s); });
    if (v.terms.length || v.sort === "score" || v.sort === "title" || (v.target && !byAnchor[v.target])) return range;
    var ordered = v.sort === "old" ? range.slice().reverse() : range;
    var out = [], n = 0;
    for (var i = 0; i < ordered.length; i++) {
      var s = ordered[i];
      if (!inside(v, s)) { out.push(s); } else if (n < shown) { out.push(s); n += size(v, s); }
    }
    return out;
  }

  function apply() {
    var v = view();
    var waiting = false;
    var need = needed(v);
    for (var n = 0; n < need.length; n++) {
      var file = need[n].file;
      if (!state[file]) load(file);
      if (state[file] === "loading") waiting = true;
    }
    if (waiting) { count.textContent = "Loading…"; return; }
    var hits = papers.filter(function (p) { return matches(p, v.terms, v.topic, v.from, v.to); });
    // Files not loaded are wholly in the range and the view has no search terms: they count whole.
    var unloaded = 0, failed = 0;
    for (var k = 0; k < data.shards.length; k++) {
      var s = data.shards[k];
      if (state[s.file] === "failed") failed++;
      else if (state[s.file] !== "loaded" && inRange(v, s)) unloaded += size(v, s);
    }
    // "Most relevant" in a topic ranks by that topic's score, not the best over all topics.
    for (var h = 0; h < hits.length; h++) {
      var at = v.topic === "" ? -1 : hits[h].topics.indexOf(+v.topic);
      hits[h].rank = at < 0 || !hits[h].scores ? hits[h].score : hits[h].scores[at];
    }
    hits.sort(orders[v.sort] || orders["new"]);
    var limit = shown;
    if (v.target) {
      for (var i = 0; i < hits.length; i++) if (hits[i].anchor === v.target) { limit = Math.max(limit, i + 1); break; }
    }
    var frag = document.createDocumentFragment();
    for (var j = 0; j < hits.length && j < limit; j++) frag.appendChild(render(hits[j]));
    list.replaceChildren(frag);
    var total = hits.length + unloaded;
    count.textContent = total + (total === 1 ? " paper" : " papers") +
      (total > limit ? " (showing " + Math.min(limit, hits.length) + ")" : "") +
      (failed ? " (" + failed + " data files could not be loaded)" : "");
    more.hidden = total <= limit;
    // A link to one paper scrolls to it once its data file is in.
    if (!jumped && v.target) {
      var node = document.getElementById(v.target);
      if (node) { jumped = true; node.scrollIntoView(); }
    }
  }

  function reset() { shown = PAGE; apply(); }
  q.addEventListener("input", reset);
  topic.addEventListener("change", reset);
  from.addEventListener("change", reset);
  to.addEventListener("change", reset);
  sort.addEventListener("change", reset);
  more.addEventListener("click", function () { shown += PAGE; apply(); });
  window.addEventListener("hashchange", function () { jumped = false; apply(); });
  apply();
})();
